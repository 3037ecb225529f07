package dev.nostrcache.infra.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * The one rule for every connection the system opens to an address that came from data it did not choose: a picture
 * URL in a profile, a relay named in a NIP-65 list, a redirect. The URL must use one of the allowed schemes and name
 * a plain host (no user info, no IPv4-mapped or translated IPv6 literal), and every address the host resolves to must
 * be public ({@link OutboundAddresses}). It is checked after DNS resolution, each time before connecting, since a
 * name may resolve elsewhere tomorrow.
 *
 * <p>Residual risk, stated plainly: the JDK's HTTP and WebSocket clients resolve the name again when they connect,
 * so an answer that changes between the check and the connection (DNS rebinding) is not caught.
 *
 * @param allowLoopback let loopback addresses through (the {@code allow_private_origins} key, for tests on one
 *                      machine); private, link-local (cloud metadata) and the other ranges never are
 */
public record OutboundPolicy(boolean allowLoopback) {
    /** What a deployment uses: public addresses only. */
    public static final OutboundPolicy PUBLIC_ONLY = new OutboundPolicy(false);
    public static final Set<String> WEB = Set.of("http", "https");
    public static final Set<String> WEBSOCKET = Set.of("ws", "wss");

    /** Why a connection may not be opened, in words fit for a log line or an error column. */
    public static final class RefusedException extends Exception {
        public RefusedException(String reason) {
            super(reason, null, false, false);
        }
    }

    /** {@code url} parsed, with its scheme and host checked but not resolved. */
    public static URI parse(String url, Set<String> schemes) throws RefusedException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new RefusedException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!schemes.contains(scheme)) {
            throw new RefusedException("only " + String.join(" and ", schemes.stream().sorted().toList())
                    + " URLs are allowed, not '" + scheme + "'");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new RefusedException("a URL without a plain host");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        // Java turns ::ffff:a.b.c.d into the IPv4 address itself, so the literal is the only place to see the form.
        if (host.startsWith("[") && (host.contains("::ffff:") || host.startsWith("[64:ff9b:")
                || host.matches("\\[::\\d+\\.\\d+\\.\\d+\\.\\d+]"))) {
            throw new RefusedException("an IPv4-mapped or translated IPv6 address (" + uri.getHost() + ")");
        }
        return uri;
    }

    /** Resolves the host of {@code uri} and refuses it unless every address is allowed. */
    public void checkHost(URI uri) throws RefusedException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new RefusedException("the host " + uri.getHost() + " does not resolve");
        }
        for (InetAddress address : addresses) {
            String refusal = OutboundAddresses.refusal(address, allowLoopback);
            if (refusal != null) {
                throw new RefusedException(uri.getHost() + " resolves to " + refusal);
            }
        }
    }

    /** {@link #parse} then {@link #checkHost}: the whole check before a connection to {@code url}. */
    public URI check(String url, Set<String> schemes) throws RefusedException {
        URI uri = parse(url, schemes);
        checkHost(uri);
        return uri;
    }
}
