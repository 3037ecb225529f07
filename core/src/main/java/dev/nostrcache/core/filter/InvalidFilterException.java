package dev.nostrcache.core.filter;

/** A filter was refused; the message is a NIP-01 reason ({@code invalid: ...}) fit for a {@code CLOSED}. */
public final class InvalidFilterException extends Exception {

    public InvalidFilterException(String detail) {
        super("invalid: " + detail, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
