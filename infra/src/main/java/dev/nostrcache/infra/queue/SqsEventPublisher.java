package dev.nostrcache.infra.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends events to their kind-group queues with {@code SendMessageBatch}: up to 10 messages and 256 KiB per call,
 * after at most {@code linger} of waiting for a batch to fill. Failed entries are retried with backoff, for as long
 * as it takes, unless SQS says the message itself is at fault.
 *
 * <p>Backpressure: {@link #submit} always accepts the event, but the future it returns completes only when fewer
 * than {@code maxPending} events wait to be sent. Readers (relay connections, the importer) wait for that future
 * before reading more, so a slow queue slows the readers instead of growing memory.
 */
public final class SqsEventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsEventPublisher.class);
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final CompletableFuture<Void> ROOM = CompletableFuture.completedFuture(null);

    private final SqsClient sqs;
    private final Map<QueueGroup, String> queueUrls;
    private final int maxPending;
    private final Duration linger;
    private final Map<QueueGroup, Deque<OutboundEvent>> buffers = new EnumMap<>(QueueGroup.class);
    private final Map<QueueGroup, Long> oldest = new EnumMap<>(QueueGroup.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final AtomicInteger pending = new AtomicInteger();
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> waiting = new ConcurrentLinkedQueue<>();
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
        QueueGroup group = QueueGroup.forKind(event.kind());
        lock.lock();
        try {
            Deque<OutboundEvent> buffer = buffers.get(group);
            if (buffer.isEmpty()) {
                oldest.put(group, System.nanoTime());
            }
            buffer.addLast(event);
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
            List<OutboundEvent> batch;
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

    /** A group with a full batch, or whose oldest event has waited for {@code linger}; null if none. */
    private QueueGroup readyGroup() {
        long now = System.nanoTime();
        QueueGroup lingering = null;
        for (Map.Entry<QueueGroup, Deque<OutboundEvent>> entry : buffers.entrySet()) {
            int size = entry.getValue().size();
            if (size >= 10) {
                return entry.getKey();
            }
            if (size > 0 && (now - oldest.get(entry.getKey()) >= linger.toNanos() || !running)) {
                lingering = entry.getKey();
            }
        }
        return lingering;
    }

    private List<OutboundEvent> take(QueueGroup group) {
        Deque<OutboundEvent> buffer = buffers.get(group);
        List<OutboundEvent> batch = new ArrayList<>(10);
        int bytes = 0;
        while (!buffer.isEmpty() && batch.size() < 10) {
            int size = buffer.peekFirst().json().getBytes(StandardCharsets.UTF_8).length + 200;
            if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                break;
            }
            bytes += size;
            batch.add(buffer.pollFirst());
        }
        oldest.put(group, System.nanoTime());
        return batch;
    }

    private void send(QueueGroup group, List<OutboundEvent> batch) {
        List<OutboundEvent> toSend = batch;
        for (int attempt = 0; !toSend.isEmpty(); attempt++) {
            if (attempt > 0) {
                retries.addAndGet(toSend.size());
                backoff(attempt);
            }
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>(toSend.size());
            for (int i = 0; i < toSend.size(); i++) {
                OutboundEvent e = toSend.get(i);
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(e.json())
                        .messageAttributes(Map.of(
                                "relay", MessageAttributeValue.builder().dataType("String").stringValue(e.relay()).build(),
                                "received_at", MessageAttributeValue.builder().dataType("Number")
                                        .stringValue(Long.toString(e.receivedAt())).build()))
                        .build());
            }
            SendMessageBatchResponse response;
            try {
                response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrls.get(group)).entries(entries));
            } catch (RuntimeException e) {
                LOG.warn("sending {} events to {} failed, will retry: {}", toSend.size(), group.spec().name(), e.toString());
                continue;
            }
            List<OutboundEvent> again = new ArrayList<>();
            for (BatchResultErrorEntry failed : response.failed()) {
                OutboundEvent e = toSend.get(Integer.parseInt(failed.id()));
                if (Boolean.TRUE.equals(failed.senderFault())) {
                    rejected.incrementAndGet();
                    LOG.warn("SQS refused an event from {}: {} {}", e.relay(), failed.code(), failed.message());
                    done(e);
                } else {
                    again.add(e);
                }
            }
            for (var ok : response.successful()) {
                sent.incrementAndGet();
                done(toSend.get(Integer.parseInt(ok.id())));
            }
            toSend = again;
        }
    }

    private void done(OutboundEvent e) {
        if (e.onSent() != null) {
            e.onSent().run();
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
