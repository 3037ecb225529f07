package dev.nostrcache.infra.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What this process knows of the connections whose messages it handles: each one's message budget, whether it asked
 * Primal's protocol for batched answers, and which subscriptions it opened here (a hint that lets a repeated REQ go
 * straight to its query, which checks in the same statement that the subscription is still open). The budget is a token
 * bucket in memory, so a message costs no database write. On AWS every Lambda container that handles a connection's
 * messages keeps its own bucket: a client whose messages are spread over n containers may send up to n times the burst
 * at once and n times the rate in the long run (the stage's throttling bounds the whole API). The batching flag is also
 * kept on the connection's row, because the connection's later messages may reach another container, which reads it
 * once, when it first sees the connection. Bounded: past {@code maxEntries} the connections idle longest are forgotten
 * (a forgotten one is read again and gets a full bucket: one more burst, the same drift as another container).
 */
public final class ConnectionStates {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionStates.class);

    /** One connection as this process knows it. */
    public static final class State {
        private static final int MAX_OPENED = 64;
        private final boolean known;
        private volatile boolean primalBatches;
        private double tokens = Double.NaN;
        private long refilledAtNanos;
        private volatile long lastSeenNanos;
        /** Subscription ids this process opened, with their filters' hash: a hint, never trusted alone. */
        private final Map<String, Integer> opened = new ConcurrentHashMap<>();

        private State(boolean primalBatches, boolean known) {
            this.primalBatches = primalBatches;
            this.known = known;
        }

        /** Whether the connection asked {@code set_primal_protocol} for compression: answers may come in batches. */
        public boolean primalBatches() {
            return primalBatches;
        }

        void batchPrimalAnswers() {
            primalBatches = true;
        }

        /**
         * Whether this process opened the subscription with these filters and has not seen it closed since. Another
         * process (another Lambda container) may have closed or replaced it: a query that relies on it checks it.
         */
        boolean opened(String subscriptionId, String filtersJson) {
            Integer hash = opened.get(subscriptionId);
            return hash != null && hash == filtersJson.hashCode();
        }

        /** Remembers an opened subscription; bounded, past {@value #MAX_OPENED} the hints start again empty. */
        void open(String subscriptionId, String filtersJson) {
            if (opened.size() >= MAX_OPENED) {
                opened.clear();
            }
            opened.put(subscriptionId, filtersJson.hashCode());
        }

        void closed(String subscriptionId) {
            opened.remove(subscriptionId);
        }

        /** Takes a token ({@code burst} at most, {@code perSecond} coming back each second); false when none is left. */
        synchronized boolean takeToken(double perSecond, double burst, long nowNanos) {
            if (Double.isNaN(tokens)) {
                tokens = burst;
            } else {
                tokens = Math.min(burst, tokens + perSecond * (nowNanos - refilledAtNanos) / 1e9);
            }
            refilledAtNanos = nowNanos;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }

    private final SubscriptionRepository subscriptions;
    private final LongSupplier nanoTime;
    private final int maxEntries;
    private final Map<String, State> states = new ConcurrentHashMap<>();

    public ConnectionStates(SubscriptionRepository subscriptions, LongSupplier nanoTime, int maxEntries) {
        this.subscriptions = subscriptions;
        this.nanoTime = nanoTime;
        this.maxEntries = maxEntries;
    }

    public ConnectionStates(SubscriptionRepository subscriptions) {
        this(subscriptions, System::nanoTime, 100_000);
    }

    /**
     * The connection's state, read from its row the first time this process sees it. While the database cannot be
     * read, a state that asks for no batches stands in (one EVENT per object is always understood), keeping the budget,
     * and the row is read again at the next message.
     */
    public State of(String connectionId) {
        long now = nanoTime.getAsLong();
        State state = states.get(connectionId);
        if (state == null || !state.known) {
            state = load(connectionId, state);
        }
        state.lastSeenNanos = now;
        return state;
    }

    private State load(String connectionId, State standIn) {
        State loaded;
        try {
            loaded = new State(subscriptions.primalBatches(connectionId), true);
        } catch (SQLException e) {
            LOG.warn("could not read connection {}: {}", connectionId, e.toString());
            // Kept, so the budget still holds while the database is away.
            return standIn != null ? standIn : states.computeIfAbsent(connectionId, id -> new State(false, false));
        }
        if (states.size() >= maxEntries) {
            forgetIdlest();
        }
        return states.compute(connectionId, (id, current) -> current != null && current.known ? current : loaded);
    }

    /** Forgets the idler half of the connections (a scan, once per {@code maxEntries / 2} new connections). */
    private void forgetIdlest() {
        long[] seen = states.values().stream().mapToLong(s -> s.lastSeenNanos).sorted().toArray();
        if (seen.length == 0) {
            return;
        }
        long cutoff = seen[seen.length / 2];
        states.values().removeIf(s -> s.lastSeenNanos <= cutoff);
    }

    /** Answers to this connection may now come in batches, here and, through its row, in every other process. */
    public void batchPrimalAnswers(String connectionId) throws SQLException {
        subscriptions.batchPrimalAnswers(connectionId);
        of(connectionId).batchPrimalAnswers();
    }

    /** Takes one of the connection's message tokens. */
    public boolean takeToken(State state, double perSecond, double burst) {
        return state.takeToken(perSecond, burst, nanoTime.getAsLong());
    }

    public void forget(String connectionId) {
        states.remove(connectionId);
    }

    int size() {
        return states.size();
    }
}
