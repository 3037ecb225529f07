package dev.nostrcache.core.event;

/**
 * An event was refused. The message is a NIP-01 machine-readable reason ({@code invalid: ...}) that can be sent to
 * a client as is, in an {@code OK} or a {@code NOTICE}.
 */
public final class InvalidEventException extends Exception {

    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }

    public static InvalidEventException invalid(String detail) {
        return new InvalidEventException("invalid: " + detail);
    }

    public String reason() {
        return getMessage();
    }
}
