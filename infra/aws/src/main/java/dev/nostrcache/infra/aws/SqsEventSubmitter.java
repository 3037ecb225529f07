package dev.nostrcache.infra.aws;

import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.queue.EventBundle;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.OutageRetry;
import dev.nostrcache.infra.queue.QueueGroup;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** {@link EventSubmitter} on SQS. Queue URLs are {@code <prefix><group>}, the prefix ending in {@code <stack>-}. */
public final class SqsEventSubmitter implements EventSubmitter {
    /** Message attributes with numbers in them; the others are strings. */
    private static final Set<String> NUMBER_ATTRIBUTES = Set.of("received_at", OutageRetry.ATTRIBUTE);

    private final Supplier<SqsClient> clientFactory;
    private final String queueUrlPrefix;
    private volatile SqsClient sqs;

    /** {@code clientFactory} is called on the first submission, so that building one needs no region before. */
    public SqsEventSubmitter(Supplier<SqsClient> clientFactory, String queueUrlPrefix) {
        this.clientFactory = clientFactory;
        this.queueUrlPrefix = queueUrlPrefix;
    }

    @Override
    public void submit(String json, int kind, String source) {
        send(KindRegistry.STANDARD.queueOf(kind), EventBundle.sqsSafe(json), Map.of("relay", source, "received_at",
                Long.toString(System.currentTimeMillis())), Duration.ZERO);
    }

    @Override
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
