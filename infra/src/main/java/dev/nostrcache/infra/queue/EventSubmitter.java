package dev.nostrcache.infra.queue;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Puts one event published by a client on its kind-group queue, the same way the worker does, so that it is
 * verified and stored by the same functions. Queue URLs are {@code <prefix><group>}, the prefix ending in
 * {@code <stack>-}.
 */
public final class EventSubmitter {
    private final Supplier<SqsClient> clientFactory;
    private final String queueUrlPrefix;
    private volatile SqsClient sqs;

    /** {@code clientFactory} is called on the first submission, so that building one needs no region before. */
    public EventSubmitter(Supplier<SqsClient> clientFactory, String queueUrlPrefix) {
        this.clientFactory = clientFactory;
        this.queueUrlPrefix = queueUrlPrefix;
    }

    public void submit(String json, int kind, String source) {
        if (sqs == null) {
            synchronized (this) {
                if (sqs == null) {
                    sqs = clientFactory.get();
                }
            }
        }
        sqs.sendMessage(r -> r.queueUrl(queueUrlPrefix + QueueGroup.forKind(kind).spec().name()).messageBody(json)
                .messageAttributes(Map.of(
                        "relay", MessageAttributeValue.builder().dataType("String").stringValue(source).build(),
                        "received_at", MessageAttributeValue.builder().dataType("Number")
                                .stringValue(Long.toString(System.currentTimeMillis())).build())));
    }
}
