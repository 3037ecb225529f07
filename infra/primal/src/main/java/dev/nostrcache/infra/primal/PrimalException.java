package dev.nostrcache.infra.primal;

/** A request the Primal API refuses; the message goes to the client as {@code ["NOTICE", subid, message]}. */
public final class PrimalException extends Exception {
    public PrimalException(String message) {
        super(message, null, false, false);
    }
}
