package dev.nostrcache.functions.ingest;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.ingest.ProcessResult;
import dev.nostrcache.infra.db.DatabaseFailures;
import dev.nostrcache.infra.queue.EventBundle;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.OutageRetry;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.relay.LiveDelivery;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One SQS batch of events into PostgreSQL. A message carries one or more events ({@link EventBundle}). Every event
 * is verified again (the worker is never trusted); an invalid one is dropped and logged with its reason, never
 * retried; an event the database refuses reports its message as a batch item failure, so SQS delivers the message
 * again (its stored events are then duplicates, which change nothing) and finally dead-letters it. When the
 * database is away instead, the message goes back on its queue as a new one, delayed ({@link OutageRetry}): an
 * outage of any length costs no receives and dead-letters nothing. Only if that send fails too is the message
 * reported as failed.
 */
public final class SqsIngestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SqsIngestHandler.class);

    private final EventParser parser;
    private final EventVerifier verifier;
    private final EventProcessor processor;
    private final AvatarQueue avatars;
    private final LiveDelivery live;
    private final Consumer<Event> stateChanged;
    private final MeterRegistry metrics;
    private final EventSubmitter queues;
    private final OutageRetry outageRetry;
    private final Clock clock;

    /**
     * @param stateChanged told of every event that changed the stored state (the Primal API's hot-path cache)
     * @param queues       where a message goes back to while the database is away
     */
    public SqsIngestHandler(EventProcessor processor, AvatarQueue avatars, LiveDelivery live,
                            Consumer<Event> stateChanged, MeterRegistry metrics,
                            EventSubmitter queues, OutageRetry outageRetry, Limits limits, Clock clock) {
        this.parser = new EventParser(limits);
        this.verifier = new EventVerifier(SchnorrVerifier.fastest(), limits, clock);
        this.processor = processor;
        this.avatars = avatars;
        this.live = live;
        this.stateChanged = stateChanged;
        this.metrics = metrics;
        this.queues = queues;
        this.outageRetry = outageRetry;
        this.clock = clock;
    }

    public SQSBatchResponse handle(String functionName, SQSEvent batch) {
        Map<ProcessResult.Outcome, Integer> outcomes = new EnumMap<>(ProcessResult.Outcome.class);
        int invalid = 0;
        List<SQSEvent.SQSMessage> records = batch.getRecords() == null ? List.of() : batch.getRecords();
        List<Event> valid = new ArrayList<>();
        List<SQSEvent.SQSMessage> messageOf = new ArrayList<>();
        for (SQSEvent.SQSMessage message : records) {
            for (String json : EventBundle.split(message.getBody() == null ? "" : message.getBody())) {
                try {
                    Event event = parser.parse(json);
                    verifier.verify(event);
                    valid.add(event);
                    messageOf.add(message);
                } catch (InvalidEventException e) {
                    invalid++;
                    LOG.warn("{}: dropped an event of message {} from {}: {}", functionName, message.getMessageId(),
                            relay(message), e.reason());
                }
            }
        }
        // By message, in order: the reason to report (a refusal wins over the database being away).
        Map<SQSEvent.SQSMessage, Exception> failures = new IdentityHashMap<>();
        List<SQSEvent.SQSMessage> failedInOrder = new ArrayList<>();
        List<EventProcessor.Processed> processed = processor.processAll(valid, clock.millis() / 1000);
        List<Event> forSubscribers = new ArrayList<>();
        for (int i = 0; i < processed.size(); i++) {
            EventProcessor.Processed p = processed.get(i);
            if (p.failure() != null) {
                LOG.warn("{}: message {} (event {}) failed: {}", functionName, messageOf.get(i).getMessageId(),
                        p.event().id(), p.failure().toString());
                if (!failures.containsKey(messageOf.get(i))) {
                    failedInOrder.add(messageOf.get(i));
                }
                failures.merge(messageOf.get(i), p.failure(), (first, other) -> DatabaseFailures.isUnreachable(first) ? other : first);
                continue;
            }
            ProcessResult result = p.result();
            outcomes.merge(result.outcome(), 1, Integer::sum);
            if (result.newPicture() != null) {
                requestAvatarRefresh(p.event().pubkey(), result.newPicture());
            }
            if (result.changedState()) {
                stateChanged.accept(p.event());
            }
            if (result.changedState() || result.outcome() == ProcessResult.Outcome.EPHEMERAL) {
                forSubscribers.add(p.event());
            }
        }
        live.deliverAll(forSubscribers);
        Set<String> failed = new LinkedHashSet<>();
        int requeued = 0;
        for (SQSEvent.SQSMessage message : failedInOrder) {
            if (DatabaseFailures.isUnreachable(failures.get(message)) && requeue(functionName, message)) {
                requeued++;
            } else {
                failed.add(message.getMessageId());
            }
        }
        int failedEvents = (int) processed.stream().filter(p -> p.failure() != null).count();
        LOG.info("{}: {} messages, {} events, {} invalid, {} failed{}, outcomes {}", functionName, records.size(),
                valid.size() + invalid, invalid, failedEvents, failedEvents == 0 ? "" : " (" + requeued
                        + " messages back on their queue until the database returns, " + failed.size() + " to be retried)",
                outcomes);
        metrics.counter("nostr_cache.outage_requeues", "function", functionName).increment(requeued);
        outcomes.forEach((outcome, n) -> metrics.counter("nostr_cache.events", "function", functionName, "outcome",
                outcome.name().toLowerCase(Locale.ROOT)).increment(n));
        metrics.counter("nostr_cache.events", "function", functionName, "outcome", "invalid").increment(invalid);
        metrics.counter("nostr_cache.events", "function", functionName, "outcome", "failed").increment(failedEvents);
        return new SQSBatchResponse(failed.stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
    }

    /** Puts {@code message} back on its queue after the outage delay; false if that failed too. */
    private boolean requeue(String functionName, SQSEvent.SQSMessage message) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (message.getMessageAttributes() != null) {
            message.getMessageAttributes().forEach((name, value) -> {
                if (value.getStringValue() != null && !name.equals(OutageRetry.ATTRIBUTE)) {
                    attributes.put(name, value.getStringValue());
                }
            });
        }
        int retries = outageRetries(message);
        attributes.put(OutageRetry.ATTRIBUTE, Integer.toString(retries + 1));
        try {
            queues.requeue(QueueGroup.forFunction(functionName), message.getBody(), attributes, outageRetry.delay(retries));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("{}: message {} could not go back on its queue ({}); it will be retried", functionName,
                    message.getMessageId(), e.toString());
            return false;
        }
    }

    private static int outageRetries(SQSEvent.SQSMessage message) {
        var attribute = message.getMessageAttributes() == null ? null : message.getMessageAttributes().get(OutageRetry.ATTRIBUTE);
        try {
            return attribute == null || attribute.getStringValue() == null ? 0 : Integer.parseInt(attribute.getStringValue());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void requestAvatarRefresh(String pubkey, String url) {
        try {
            avatars.pictureChanged(pubkey, url);
        } catch (RuntimeException e) {
            // The profile is stored; a missed refresh is caught up when the cached picture expires.
            LOG.warn("could not queue an avatar refresh for {}: {}", pubkey, e.toString());
        }
    }

    private static String relay(SQSEvent.SQSMessage message) {
        var attribute = message.getMessageAttributes() == null ? null : message.getMessageAttributes().get("relay");
        return attribute == null ? "(unknown relay)" : attribute.getStringValue();
    }
}
