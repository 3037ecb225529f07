package dev.nostrcache.infra.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Puts events on their kind-group queues outside the worker's publisher: one published by a client, the same way
 * the worker does, so that it is verified and stored by the same functions; and a message whose events could not be
 * stored because the database was away, back on its queue for later ({@link #requeue}).
 */
public interface EventSubmitter {

    /** Queues one event's {@code json} on the group of its {@code kind}, {@code source} naming where it came from. */
    void submit(String json, int kind, String source);

    /**
     * {@link #submit}, answered by a future that completes once the queue has the event and fails if it could not be
     * queued; the caller may go on meanwhile. This default sends at once (a Lambda function must not return while a
     * send is pending); the local runtime gathers a connection's events into bundles instead.
     */
    default CompletableFuture<Void> submitAsync(String json, int kind, String source) {
        try {
            submit(json, kind, source);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends {@code body} (a message of {@code group}'s queue, as it was received) to that queue again as a new
     * message, visible after {@code delay} (SQS allows up to 15 minutes), with {@code attributes}.
     */
    void requeue(QueueGroup group, String body, Map<String, String> attributes, Duration delay);
}
