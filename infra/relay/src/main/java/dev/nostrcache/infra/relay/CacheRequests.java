package dev.nostrcache.infra.relay;

import dev.nostrcache.core.message.ClientMessage;

import java.sql.SQLException;

/**
 * Answers a cache request ({@code ["REQ", sub, {"cache": [op, params]}]}) that arrives on a relay connection: the
 * Primal cache API, served beside NIP-01 on the same WebSocket.
 */
@FunctionalInterface
public interface CacheRequests {

    /** Sends the whole answer to {@code reply}, ending with EOSE; throws when the database could not answer. */
    void answer(ClientMessage.CacheRequest request, ConnectionReply reply) throws SQLException;
}
