package dev.nostrcache.worker;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The worker's counters: events received per relay and kind, duplicates suppressed, broken input dropped, and what
 * history pages (back-fill, catch-up) brought.
 */
public final class WorkerMetrics {
    private final Map<String, Map<Integer, LongAdder>> received = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder invalid = new LongAdder();
    private final LongAdder garbage = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final Map<String, LongAdder> fetched = new ConcurrentHashMap<>();
    private final LongAdder pages = new LongAdder();
    private final LongAdder jobsFinished = new LongAdder();

    void countReceived(String relay, int kind) {
        received.computeIfAbsent(relay, r -> new ConcurrentHashMap<>()).computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void countDuplicate() {
        duplicates.increment();
    }

    void countInvalid() {
        invalid.increment();
    }

    void countGarbage() {
        garbage.increment();
    }

    void countConnection() {
        connections.increment();
    }

    void countPage(String relay, int events) {
        pages.increment();
        fetched.computeIfAbsent(relay, r -> new LongAdder()).add(events);
    }

    void countJobFinished() {
        jobsFinished.increment();
    }

    /** Events that history pages brought (duplicates of live ones included). */
    public long fetchedTotal() {
        return fetched.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long pages() {
        return pages.sum();
    }

    /** Fetch jobs (back-fill, catch-up, on-demand) finished. */
    public long jobsFinished() {
        return jobsFinished.sum();
    }

    public long received(String relay) {
        Map<Integer, LongAdder> byKind = received.get(relay);
        return byKind == null ? 0 : byKind.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long receivedTotal() {
        return received.keySet().stream().mapToLong(this::received).sum();
    }

    /** Events received by relay and kind. */
    public Map<String, Map<Integer, Long>> receivedByRelayAndKind() {
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        received.forEach((relay, kinds) -> {
            Map<Integer, Long> counts = new TreeMap<>();
            kinds.forEach((kind, n) -> counts.put(kind, n.sum()));
            out.put(relay, counts);
        });
        return out;
    }

    public long duplicates() {
        return duplicates.sum();
    }

    /** Structurally broken events (refused by the strict parser). */
    public long invalid() {
        return invalid.sum();
    }

    /** Relay messages that were not NIP-01 at all. */
    public long garbage() {
        return garbage.sum();
    }

    public long connections() {
        return connections.sum();
    }
}
