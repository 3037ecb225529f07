package dev.nostrcache.infra.relay;

/** Sends text to an open WebSocket connection of the API. */
public interface ConnectionMessenger {

    /**
     * Sends {@code message} to {@code connectionId}, reachable through {@code endpoint} (the API's
     * {@code https://domain/stage}). Returns false when the connection is gone; throws on other failures.
     */
    boolean send(String endpoint, String connectionId, String message);
}
