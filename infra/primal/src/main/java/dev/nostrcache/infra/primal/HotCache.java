package dev.nostrcache.infra.primal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-memory cache of the hottest answers ({@code user_profile}, and the per-pubkey parts of {@code user_infos}),
 * keyed by pubkey. Within one process an entry goes as soon as an event that could change it is stored
 * ({@link #invalidate}); across many Lambda instances, which do not hear of each other's writes, the TTL bounds how
 * stale an answer can be. Bounded: past {@code maxEntries} it starts again empty rather than tracking recency.
 */
final class HotCache {
    static final Duration TTL = Duration.ofSeconds(10);

    private record Entry(List<String> objects, long expiresAtMillis) {
    }

    @FunctionalInterface
    interface Loader {
        List<String> load() throws SQLException, PrimalException;
    }

    /** By pubkey, then by part ("profile", "card"): forgetting a pubkey is one removal, not a scan. */
    private final Map<String, Map<String, Entry>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Clock clock;
    private final Duration ttl;
    private final int maxEntries;

    HotCache(Clock clock, Duration ttl, int maxEntries) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
    }

    /** The cached objects for {@code (part, pubkey)}, loading and keeping them when absent or expired. */
    List<String> get(String part, String pubkey, Loader loader) throws SQLException, PrimalException {
        List<String> cached = peek(part, pubkey);
        if (cached != null) {
            return cached;
        }
        List<String> loaded = List.copyOf(loader.load());
        put(part, pubkey, loaded);
        return loaded;
    }

    /** The cached objects, or null when absent or expired. */
    List<String> peek(String part, String pubkey) {
        Map<String, Entry> parts = entries.get(pubkey);
        Entry entry = parts == null ? null : parts.get(part);
        return entry != null && entry.expiresAtMillis() > clock.millis() ? entry.objects() : null;
    }

    void put(String part, String pubkey, List<String> objects) {
        if (size.get() >= maxEntries) {
            clear();
        }
        Entry previous = entries.computeIfAbsent(pubkey, k -> new ConcurrentHashMap<>())
                .put(part, new Entry(List.copyOf(objects), clock.millis() + ttl.toMillis()));
        if (previous == null) {
            size.incrementAndGet();
        }
    }

    /** Forgets everything cached for {@code pubkey}. */
    void invalidate(String pubkey) {
        Map<String, Entry> removed = entries.remove(pubkey);
        if (removed != null) {
            size.addAndGet(-removed.size());
        }
    }

    void clear() {
        entries.clear();
        size.set(0);
    }

    int size() {
        return size.get();
    }
}
