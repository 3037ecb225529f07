package dev.nostrcache.infra.aws;

import dev.nostrcache.core.Utf8;
import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.queue.EventBundle;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.queue.QueueGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends events to their kind-group queues with {@code SendMessageBatch}: up to 10 messages and 256 KiB per call,
 * each message an {@link EventBundle} of up to 100 events, after at most {@code linger} of waiting for a call to
 * fill. Failed messages are retried with backoff, for as long as it takes, unless SQS says the message itself is at
 * fault: then its events are sent one by one, and only an event refused on its own is dropped.
 *
 * <p>Backpressure: {@link #submit} always accepts the event, but the future it returns completes only when fewer
 * than {@code maxPending} events wait to be sent. Readers (relay connections, the importer) wait for that future
 * before reading more, so a slow queue slows the readers instead of growing memory.
 */
public final class SqsEventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsEventPublisher.class);
    /** SQS's limit for one SendMessageBatch call, bodies and attributes together. */
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final int MESSAGES_PER_CALL = 10;
    /** Bounds the work one failed message sends round again. */
    private static final int MAX_EVENTS_PER_MESSAGE = 100;
    /** Room for a message's attributes (its relays and arrival time). */
    private static final int MESSAGE_OVERHEAD_BYTES = 512;
    /**
     * Full messages in a full call: a message is a quarter of a call, and a bigger event travels alone. The queue's
     * cost is per message (ElasticMQ writes, updates and deletes a row of its store for each), and at a tenth of a call
     * a contact list of ~20 kB travelled alone: at ~64 KiB a message carries two or three (the functions' log lines
     * read 2.4 lists a message) and an import took a tenth less of the JVM's CPU (docs/benchmarks.md, twelfth).
     */
    private static final int FULL_CALL_MESSAGES = 4;
    private static final int MESSAGE_BYTES = MAX_BATCH_BYTES / FULL_CALL_MESSAGES - MESSAGE_OVERHEAD_BYTES;
    /**
     * How long an event may wait for its call to fill. At 20 ms a note message carried about ten events while the
     * worker read a thousand a second, and sending and receiving them took a third of the runtime's CPU (profiled);
     * a tenth of a second is still nothing next to a relay's own delivery.
     */
    public static final Duration LINGER = Duration.ofMillis(100);
    public static final int SENDER_THREADS = 4;
    private static final CompletableFuture<Void> ROOM = CompletableFuture.completedFuture(null);

    private final SqsClient sqs;
    private final Map<QueueGroup, String> queueUrls;
    private final int maxPending;
    private final Duration linger;
    private final Map<QueueGroup, Deque<Pending>> buffers = new EnumMap<>(QueueGroup.class);
    private final Map<QueueGroup, Long> oldest = new EnumMap<>(QueueGroup.class);
    private final Map<QueueGroup, Integer> bufferedBytes = new EnumMap<>(QueueGroup.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();
    private final Map<OutboundEvent, CompletableFuture<Void>> confirmations = new ConcurrentHashMap<>();
    private final List<Thread> senders = new ArrayList<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean running = true;

    public SqsEventPublisher(SqsClient sqs, Map<QueueGroup, String> queueUrls, int maxPending, int senderThreads,
                             Duration linger) {
        for (QueueGroup group : QueueGroup.values()) {
            if (!queueUrls.containsKey(group)) {
                throw new IllegalArgumentException("no queue URL for " + group);
            }
            buffers.put(group, new ArrayDeque<>());
            bufferedBytes.put(group, 0);
        }
        this.sqs = sqs;
        this.queueUrls = Map.copyOf(queueUrls);
        this.maxPending = maxPending;
        this.linger = linger;
        for (int i = 0; i < senderThreads; i++) {
            Thread t = new Thread(this::sendLoop, "sqs-sender-" + i);
            t.setDaemon(true);
            senders.add(t);
            t.start();
        }
    }

    /** Queue URLs looked up by name: {@code <stack>-<group>} for every group. */
    public static Map<QueueGroup, String> lookUpQueueUrls(SqsClient sqs, String stackName) {
        Map<QueueGroup, String> urls = new EnumMap<>(QueueGroup.class);
        for (QueueGroup group : QueueGroup.values()) {
            urls.put(group, sqs.getQueueUrl(r -> r.queueName(group.spec().queueName(stackName))).queueUrl());
        }
        return urls;
    }

    /** Accepts {@code event}; the returned future completes when the caller may submit more. */
    public CompletableFuture<Void> submit(OutboundEvent event) {
        if (!running) {
            throw new IllegalStateException("publisher is closed");
        }
        QueueGroup group = KindRegistry.STANDARD.queueOf(event.kind());
        Pending entry = Pending.of(event);
        lock.lock();
        try {
            Deque<Pending> buffer = buffers.get(group);
            if (buffer.isEmpty()) {
                oldest.put(group, System.nanoTime());
            }
            buffer.addLast(entry);
            bufferedBytes.merge(group, entry.bytes(), Integer::sum);
            work.signal();
        } finally {
            lock.unlock();
        }
        if (pending.incrementAndGet() < maxPending) {
            return ROOM;
        }
        CompletableFuture<Void> room = new CompletableFuture<>();
        waiting.add(room);
        releaseWaiters();
        return room;
    }

    /**
     * Accepts one event and answers when it is on its queue: the future completes once SQS has the message that carries
     * it, and fails if SQS refuses the event itself. It travels in a bundle like any other (after at most the linger),
     * so a client publishing many events costs a message per bundle, not per event. No backpressure: the caller bounds
     * how many it has pending.
     */
    public CompletableFuture<Void> submitConfirmed(String json, int kind, String source) {
        CompletableFuture<Void> queued = new CompletableFuture<>();
        OutboundEvent event = new OutboundEvent(json, kind, source, System.currentTimeMillis(), () -> queued.complete(null));
        confirmations.put(event, queued);
        queued.whenComplete((ok, failure) -> confirmations.remove(event));
        submit(event);
        return queued;
    }

    /** Events accepted but not yet on a queue. */
    public int pending() {
        return pending.get();
    }

    public long sent() {
        return sent.get();
    }

    public long retries() {
        return retries.get();
    }

    /** Messages SQS refused as malformed (never retried). */
    public long rejected() {
        return rejected.get();
    }

    /** The counters as one phrase, for metrics lines. */
    public String metricsLine() {
        return "sent to queues " + sent() + ", send retries " + retries() + ", refused by SQS " + rejected()
                + ", waiting to be sent " + pending();
    }

    /** Waits until everything accepted so far is on a queue, or the timeout passes; returns whether it is. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            lock.lock();
            try {
                work.signalAll();
            } finally {
                lock.unlock();
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void sendLoop() {
        while (running || pending.get() > 0) {
            QueueGroup group;
            List<Message> batch;
            lock.lock();
            try {
                group = readyGroup();
                while (group == null && (running || pending.get() > 0)) {
                    work.await(linger.toMillis() > 0 ? linger.toMillis() : 1, TimeUnit.MILLISECONDS);
                    group = readyGroup();
                }
                if (group == null) {
                    return;
                }
                batch = take(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            send(group, batch);
        }
    }

    /**
     * A group with a full call's worth of events (its full messages' bytes, or ten messages of the most events), or
     * whose oldest event has waited for {@code linger}; null if none.
     */
    private QueueGroup readyGroup() {
        long now = System.nanoTime();
        QueueGroup lingering = null;
        for (Map.Entry<QueueGroup, Deque<Pending>> entry : buffers.entrySet()) {
            int size = entry.getValue().size();
            if (bufferedBytes.get(entry.getKey()) >= FULL_CALL_MESSAGES * MESSAGE_BYTES
                    || size >= MESSAGES_PER_CALL * MAX_EVENTS_PER_MESSAGE) {
                return entry.getKey();
            }
            if (size > 0 && (now - oldest.get(entry.getKey()) >= linger.toNanos() || !running)) {
                lingering = entry.getKey();
            }
        }
        return lingering;
    }

    /** Up to ten messages of events, in arrival order, within SQS's size limit for one call. */
    private List<Message> take(QueueGroup group) {
        Deque<Pending> buffer = buffers.get(group);
        List<Message> messages = new ArrayList<>(MESSAGES_PER_CALL);
        List<Pending> current = new ArrayList<>();
        int currentBytes = 0;
        int callBytes = 0;
        while (!buffer.isEmpty()) {
            int size = buffer.peekFirst().bytes();
            boolean fitsMessage = current.isEmpty()
                    || (currentBytes + size <= MESSAGE_BYTES && current.size() < MAX_EVENTS_PER_MESSAGE);
            if (!fitsMessage) {
                messages.add(new Message(current));
                current = new ArrayList<>();
                currentBytes = 0;
                if (messages.size() == MESSAGES_PER_CALL) {
                    break;
                }
            }
            int cost = size + (current.isEmpty() ? MESSAGE_OVERHEAD_BYTES : 0);
            if (callBytes + cost > MAX_BATCH_BYTES && !(messages.isEmpty() && current.isEmpty())) {
                break;
            }
            callBytes += cost;
            currentBytes += size;
            current.add(buffer.pollFirst());
            bufferedBytes.merge(group, -size, Integer::sum);
        }
        if (!current.isEmpty()) {
            messages.add(new Message(current));
        }
        oldest.put(group, System.nanoTime());
        return messages;
    }

    /**
     * An event waiting to be sent, with its body in characters SQS accepts and the bytes it takes in a message (its
     * UTF-8 length and a separator): worked out once, since sizing and sending a contact list of 20 kB scanned it
     * five times (profiled).
     */
    private record Pending(OutboundEvent event, String body, int bytes) {
        static Pending of(OutboundEvent event) {
            int bytes = EventBundle.sqsBytes(event.json());
            if (bytes >= 0) {
                return new Pending(event, event.json(), bytes + 1);
            }
            String body = EventBundle.sqsSafe(event.json());
            return new Pending(event, body, Utf8.length(body) + 1);
        }
    }

    /** Events travelling in one SQS message. */
    private record Message(List<Pending> events) {
        SendMessageBatchRequestEntry entry(int index) {
            List<String> bodies = new ArrayList<>(events.size());
            Set<String> relays = new LinkedHashSet<>();
            long receivedAt = Long.MAX_VALUE;
            for (Pending p : events) {
                bodies.add(p.body());
                relays.add(p.event().relay());
                receivedAt = Math.min(receivedAt, p.event().receivedAt());
            }
            return SendMessageBatchRequestEntry.builder().id(Integer.toString(index))
                    .messageBody(EventBundle.joinSafe(bodies))
                    .messageAttributes(Map.of(
                            "relay", MessageAttributeValue.builder().dataType("String").stringValue(describe(relays)).build(),
                            "received_at", MessageAttributeValue.builder().dataType("Number")
                                    .stringValue(Long.toString(receivedAt)).build()))
                    .build();
        }

        /** The relays of a message for the consumer's log lines: all of them, up to three. */
        private static String describe(Set<String> relays) {
            List<String> named = relays.stream().limit(3).toList();
            String list = String.join(" ", named);
            return relays.size() > named.size() ? list + " and " + (relays.size() - named.size()) + " more" : list;
        }
    }

    private void send(QueueGroup group, List<Message> batch) {
        List<Message> toSend = batch;
        for (int attempt = 0; !toSend.isEmpty(); attempt++) {
            if (attempt > 0) {
                retries.addAndGet(toSend.stream().mapToInt(m -> m.events().size()).sum());
                backoff(attempt);
            }
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(toSend.size());
            for (int i = 0; i < toSend.size(); i++) {
                entries.add(toSend.get(i).entry(i));
            }
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrls.get(group)).entries(entries));
            } catch (RuntimeException e) {
                LOG.warn("sending {} messages to {} failed, will retry: {}", toSend.size(), group.spec().name(), e.toString());
                continue;
            }
            List<Message> again = new ArrayList<>();
            for (BatchResultErrorEntry failed : response.failed()) {
                Message m = toSend.get(Integer.parseInt(failed.id()));
                if (!Boolean.TRUE.equals(failed.senderFault())) {
                    again.add(m);
                } else if (m.events().size() > 1) {
                    // One event may be what SQS refuses (characters it does not accept): send each alone, so
                    // only that one is lost.
                    m.events().forEach(e -> again.add(new Message(List.of(e))));
                } else {
                    OutboundEvent e = m.events().getFirst().event();
                    rejected.incrementAndGet();
                    LOG.warn("SQS refused an event from {}: {} {}", e.relay(), failed.code(), failed.message());
                    CompletableFuture<Void> confirmation = confirmations.get(e);
                    if (confirmation != null) {
                        confirmation.completeExceptionally(new IllegalStateException("the queue refused the event: "
                                + failed.code() + " " + failed.message()));
                    }
                    done(e);
                }
            }
            for (var ok : response.successful()) {
                for (Pending p : toSend.get(Integer.parseInt(ok.id())).events()) {
                    sent.incrementAndGet();
                    done(p.event());
                }
            }
            toSend = again;
        }
    }

    private void done(OutboundEvent e) {
        if (e.onSent() != null) {
            try {
                e.onSent().run();
            } catch (RuntimeException callbackFailed) {
                // The sender's bookkeeping must not stop the sending thread.
                LOG.warn("an event's sent-callback failed: {}", callbackFailed.toString());
            }
        }
        pending.decrementAndGet();
        releaseWaiters();
    }

    private void releaseWaiters() {
        while (pending.get() < maxPending) {
            CompletableFuture<Void> next = waiting.poll();
            if (next == null) {
                return;
            }
            next.complete(null);
        }
    }

    private void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(5_000L, 50L << Math.min(attempt, 10)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends what is pending (waiting up to 30 s for it), then stops the senders. */
    @Override
    public void close() throws InterruptedException {
        if (!flush(Duration.ofSeconds(30))) {
            LOG.warn("{} events were still unsent when the publisher closed", pending.get());
        }
        running = false;
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : senders) {
            t.join(5_000);
        }
        waiting.forEach(f -> f.complete(null));
    }
}
