package dev.nostrcache.infra.relay;

import java.util.Set;

/**
 * Decides at {@code $connect} whether a client may connect, as khatru's {@code RejectConnection} hooks do. Every
 * policy is asked; the first refusal wins and the connection is refused (API Gateway closes it).
 */
@FunctionalInterface
public interface ConnectionPolicy {

    /** The reason to refuse this connection, or null to let it in. */
    String refuse(String sourceIp, String userAgent);

    /** Refuses the listed source addresses ({@code BLOCKED_SOURCE_IPS}, comma-separated). */
    static ConnectionPolicy blockSourceIps(Set<String> blocked) {
        return (sourceIp, userAgent) -> sourceIp != null && blocked.contains(sourceIp)
                ? "blocked: connections from " + sourceIp + " are not accepted" : null;
    }
}
