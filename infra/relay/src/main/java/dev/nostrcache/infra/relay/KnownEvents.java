package dev.nostrcache.infra.relay;

import dev.nostrcache.infra.storage.EventRepository;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Whether the cache already stores an event, asked for each event a client publishes so that a duplicate is answered
 * {@code OK true "duplicate: ..."} without travelling through the queues again.
 */
public interface KnownEvents {

    /** Completes with whether the event {@code id} (hex) is stored; fails if the database could not be asked. */
    CompletableFuture<Boolean> isStored(String id);

    /**
     * One statement per event, answered before this returns: a Lambda function must not return while a lookup is
     * pending, and there each invocation carries one message anyway.
     */
    static KnownEvents direct(EventRepository events) {
        return id -> {
            try {
                return CompletableFuture.completedFuture(!events.storedIds(List.of(id)).isEmpty());
            } catch (SQLException | RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    /**
     * Lookups gathered into one statement while the previous one runs, on {@code executor}: a connection publishing
     * hundreds of events in flight is not held up by a database round trip per event (measured: the per-event lookup
     * on the connection's serial chain cost the publish row a sixth of its rate).
     */
    static KnownEvents gathered(EventRepository events, Executor executor) {
        return new GatheredLookups(events, executor);
    }
}
