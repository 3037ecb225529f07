package dev.nostrcache.localstack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds the local runtime's producers (the ingest worker, {@code import}, {@code backfill}) back while the embedded
 * queues already hold {@code limit} messages waiting to be received. ElasticMQ keeps every message in the JVM's heap
 * (its H2 store is a copy on disk) and a producer reading a file or a relay outpaces the functions by far: without a
 * bound an import of 300,000 events ran a runtime with a 768 MiB heap out of memory (docs/benchmarks.md, eighteenth).
 * On AWS, SQS holds the backlog and nothing waits.
 *
 * <p>The depth is measured every {@link #POLL} while producers ask or wait, so a producer may overshoot the limit by
 * what it sends in that time; producers held back are let go by the first measurement under the limit, or by
 * {@link #close}.
 */
final class QueueBacklog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueueBacklog.class);
    static final Duration POLL = Duration.ofMillis(100);
    private static final CompletableFuture<Void> ROOM = CompletableFuture.completedFuture(null);

    private final LongSupplier waitingMessages;
    private final long limit;
    private final Queue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService poller;
    private volatile long measured;
    private volatile boolean asked;
    private volatile boolean closed;

    /** @param waitingMessages the messages waiting in the watched queues (visible and delayed, not in flight) */
    QueueBacklog(LongSupplier waitingMessages, long limit) {
        this.waitingMessages = waitingMessages;
        this.limit = limit;
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("queue-backlog").factory());
        poller.scheduleWithFixedDelay(this::measure, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes when a producer may send more: at once unless the last measurement found the limit reached. */
    CompletableFuture<Void> room() {
        asked = true;
        if (measured < limit || closed) {
            return ROOM;
        }
        CompletableFuture<Void> room = new CompletableFuture<>();
        held.add(room);
        if (closed) {
            release();
        }
        return room;
    }

    /** Producers held back now. */
    int held() {
        return held.size();
    }

    private void measure() {
        if (!asked && held.isEmpty()) {
            return;
        }
        asked = false;
        try {
            measured = waitingMessages.getAsLong();
        } catch (RuntimeException e) {
            // ElasticMQ restarting or stopping: the producers wait for the next measurement (or for close).
            LOG.debug("could not measure the queues' backlog: {}", e.toString());
            return;
        }
        if (measured < limit) {
            release();
        }
    }

    private void release() {
        for (CompletableFuture<Void> room; (room = held.poll()) != null; ) {
            room.complete(null);
        }
    }

    /** Lets every held producer go: what it sends next meets a stopped publisher, which says so. */
    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
        release();
    }
}
