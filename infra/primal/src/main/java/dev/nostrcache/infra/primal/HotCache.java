package dev.nostrcache.infra.primal;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The in-memory cache of the hottest answers ({@code user_profile}; the authors' cards every bundle and
 * {@code user_infos} carry; a follower's follow set), keyed by pubkey. Within one process an entry goes as soon as
 * an event that could change it is stored ({@link #invalidate}); across many Lambda instances, which do not hear of
 * each other's writes, the TTL bounds how stale an answer can be. Bounded: past {@code maxEntries} it starts again
 * empty rather than tracking recency; and a value that weighs more than {@code maxWeight} (characters of JSON,
 * follows...) is never kept, so that the entry bound is a memory bound too, whatever sizes of events authors publish.
 */
final class HotCache<V> {
    static final Duration TTL = Duration.ofSeconds(10);

    private record Entry<V>(V value, long expiresAtMillis) {
    }

    @FunctionalInterface
    interface Loader<V> {
        V load() throws SQLException, PrimalException;
    }

    /** By pubkey, then by part ("profile", "card"): forgetting a pubkey is one removal, not a scan. */
    private final Map<String, Map<String, Entry<V>>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Clock clock;
    private final Duration ttl;
    private final int maxEntries;
    private final ToIntFunction<V> weight;
    private final int maxWeight;

    HotCache(Clock clock, Duration ttl, int maxEntries, ToIntFunction<V> weight, int maxWeight) {
        this.clock = clock;
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.weight = weight;
        this.maxWeight = maxWeight;
    }

    /** The cached value of {@code (part, pubkey)}, loading and keeping it when absent or expired. */
    V get(String part, String pubkey, Loader<V> loader) throws SQLException, PrimalException {
        V cached = peek(part, pubkey);
        if (cached != null) {
            return cached;
        }
        V loaded = loader.load();
        put(part, pubkey, loaded);
        return loaded;
    }

    /** The cached value, or null when absent or expired. */
    V peek(String part, String pubkey) {
        Map<String, Entry<V>> parts = entries.get(pubkey);
        Entry<V> entry = parts == null ? null : parts.get(part);
        return entry != null && entry.expiresAtMillis() > clock.millis() ? entry.value() : null;
    }

    /**
     * Keeps {@code value}, which must not change afterwards (it is shared by every reader); one too heavy to keep
     * replaces nothing but forgets what was kept for {@code (part, pubkey)}, which it supersedes.
     */
    void put(String part, String pubkey, V value) {
        if (weight.applyAsInt(value) > maxWeight) {
            Map<String, Entry<V>> parts = entries.get(pubkey);
            if (parts != null && parts.remove(part) != null) {
                size.decrementAndGet();
            }
            return;
        }
        if (size.get() >= maxEntries) {
            clear();
        }
        Entry<V> previous = entries.computeIfAbsent(pubkey, k -> new ConcurrentHashMap<>())
                .put(part, new Entry<>(value, clock.millis() + ttl.toMillis()));
        if (previous == null) {
            size.incrementAndGet();
        }
    }

    /** Forgets everything cached for {@code pubkey}. */
    void invalidate(String pubkey) {
        Map<String, Entry<V>> removed = entries.remove(pubkey);
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
