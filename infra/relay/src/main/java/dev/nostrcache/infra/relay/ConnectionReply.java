package dev.nostrcache.infra.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * Answers one client message on its connection. When the connection turns out to be gone, it is removed with its
 * subscriptions and the rest of the answer is dropped.
 */
public final class ConnectionReply {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionReply.class);

    private final ConnectionMessenger messenger;
    private final SubscriptionRepository subscriptions;
    private final String endpoint;
    private final String connectionId;
    private final ConnectionStates states;
    private final ConnectionStates.State state;
    private boolean gone;

    public ConnectionReply(ConnectionMessenger messenger, SubscriptionRepository subscriptions, String endpoint,
                           String connectionId, ConnectionStates states, ConnectionStates.State state) {
        this.messenger = messenger;
        this.subscriptions = subscriptions;
        this.endpoint = endpoint;
        this.connectionId = connectionId;
        this.states = states;
        this.state = state;
    }

    public String connectionId() {
        return connectionId;
    }

    /** Whether the connection asked Primal's protocol for compression: answers may come as EVENTS batches. */
    public boolean primalBatches() {
        return state.primalBatches();
    }

    /** The connection asked Primal's protocol for compression: its answers may come in batches from now on. */
    public void batchPrimalAnswers() throws SQLException {
        states.batchPrimalAnswers(connectionId);
    }

    /** Sends one frame (see {@link dev.nostrcache.core.message.RelayFrames}). */
    public void send(String frame) {
        send(frame.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one frame in UTF-8. */
    public void send(byte[] frame) {
        if (gone) {
            return;
        }
        if (!messenger.send(endpoint, connectionId, frame)) {
            gone = true;
            try {
                subscriptions.closeConnection(connectionId);
            } catch (SQLException e) {
                LOG.warn("could not clean up gone connection {}: {}", connectionId, e.toString());
            }
        }
    }
}
