package dev.nostrcache.infra.relay;

import java.nio.charset.StandardCharsets;

/** Sends text to an open WebSocket connection of the API. */
public interface ConnectionMessenger {

    /**
     * Sends {@code utf8Message}, one text message in UTF-8, to {@code connectionId}, reachable through {@code endpoint}
     * (the API's {@code https://domain/stage}). Returns false when the connection is gone; throws on other failures.
     * Bytes, as {@code PostToConnection} takes them: an answer read from PostgreSQL is never decoded on its way.
     */
    boolean send(String endpoint, String connectionId, byte[] utf8Message);

    /** Sends {@code message} as {@link #send(String, String, byte[])} does. */
    default boolean send(String endpoint, String connectionId, String message) {
        return send(endpoint, connectionId, message.getBytes(StandardCharsets.UTF_8));
    }
}
