package dev.nostrcache.infra.queue;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Puts events on their kind-group queues outside the worker's publisher: one published by a client, the same way
 * the worker does, so that it is verified and stored by the same functions; and a message whose events could not be
 * stored because the database was away, back on its queue for later ({@link #requeue}). Queue URLs are
 * {@code <prefix><group>}, the prefix ending in {@code <stack>-}.
 */
public final class EventSubmitter {
    /** Message attributes with numbers in them; the others are strings. */
    private static final java.util.Set<String> NUMBER_ATTRIBUTES = java.util.Set.of("received_at", OutageRetry.ATTRIBUTE);

    private final Supplier<SqsClient> clientFactory;
    private final String queueUrlPrefix;
    private volatile SqsClient sqs;

    /** {@code clientFactory} is called on the first submission, so that building one needs no region before. */
    public EventSubmitter(Supplier<SqsClient> clientFactory, String queueUrlPrefix) {
        this.clientFactory = clientFactory;
        this.queueUrlPrefix = queueUrlPrefix;
    }

    public void submit(String json, int kind, String source) {
        send(QueueGroup.forKind(kind), EventBundle.sqsSafe(json), Map.of("relay", source, "received_at",
                Long.toString(System.currentTimeMillis())), Duration.ZERO);
    }

    /**
     * Sends {@code body} (a message of {@code group}'s queue, as it was received) to that queue again as a new
     * message, visible after {@code delay} (SQS allows up to 15 minutes), with {@code attributes}.
     */
    public void requeue(QueueGroup group, String body, Map<String, String> attributes, Duration delay) {
        send(group, body, attributes, delay);
    }

    private void send(QueueGroup group, String body, Map<String, String> attributes, Duration delay) {
        Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
        attributes.forEach((name, value) -> values.put(name, MessageAttributeValue.builder()
                .dataType(NUMBER_ATTRIBUTES.contains(name) ? "Number" : "String").stringValue(value).build()));
        client().sendMessage(r -> r.queueUrl(queueUrlPrefix + group.spec().name()).messageBody(body)
                .messageAttributes(values).delaySeconds((int) delay.toSeconds()));
    }

    private SqsClient client() {
        if (sqs == null) {
            synchronized (this) {
                if (sqs == null) {
                    sqs = clientFactory.get();
                }
            }
        }
        return sqs;
    }
}
