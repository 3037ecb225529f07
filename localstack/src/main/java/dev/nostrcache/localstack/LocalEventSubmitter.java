package dev.nostrcache.localstack;

import dev.nostrcache.infra.aws.SqsEventPublisher;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.QueueGroup;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The functions' {@link EventSubmitter} in the local runtime: events published by clients travel through the runtime's
 * publisher in bundles, each answered once its bundle is on the queue, so that a connection publishing many events
 * neither waits for a send per event nor costs the pipeline a message per event (profiled: one message per published
 * event made the queue's send, receive and delete most of the runtime's CPU). Everything else is sent as on AWS.
 */
final class LocalEventSubmitter implements EventSubmitter {
    private final EventSubmitter direct;
    private final Supplier<SqsEventPublisher> publisher;

    /** {@code publisher} is asked at each submission: it starts after the functions, and some modes have none. */
    LocalEventSubmitter(EventSubmitter direct, Supplier<SqsEventPublisher> publisher) {
        this.direct = direct;
        this.publisher = publisher;
    }

    @Override
    public void submit(String json, int kind, String source) {
        direct.submit(json, kind, source);
    }

    @Override
    public CompletableFuture<Void> submitAsync(String json, int kind, String source) {
        SqsEventPublisher bundles = publisher.get();
        return bundles == null ? direct.submitAsync(json, kind, source) : bundles.submitConfirmed(json, kind, source);
    }

    @Override
    public void requeue(QueueGroup group, String body, Map<String, String> attributes, Duration delay) {
        direct.requeue(group, body, attributes, delay);
    }
}
