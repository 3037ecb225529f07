package dev.nostrcache.infra.avatar;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recent {@code /profile-pic} redirects by pubkey and size, so that a popular picture is answered without reading
 * its row and signing a URL again. An entry lives at most {@code lifetime}, which is kept within half the presigned
 * URL's life (a redirect served from here still outlives the {@code max-age} browsers are told), and never past the
 * moment its picture becomes due for a refresh (that check runs on the row). Purges and re-caching in this process
 * drop entries at once; elsewhere (another Lambda container) an entry ends with its lifetime.
 */
final class RedirectCache {
    /** Past this many entries the cache starts over rather than grow (a crawl of every pubkey must not fill memory). */
    static final int MAX_ENTRIES = 100_000;

    private record Entry(URI location, Instant expires) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Duration lifetime;

    RedirectCache(Duration lifetime) {
        this.lifetime = lifetime;
    }

    URI find(String pubkey, AvatarSize size, Instant now) {
        if (lifetime.isZero()) {
            return null;
        }
        Entry entry = entries.get(key(pubkey, size));
        return entry != null && entry.expires().isAfter(now) ? entry.location() : null;
    }

    /** Remembers {@code location} until {@code now + lifetime}, or {@code refreshDue} if that comes first. */
    void remember(String pubkey, AvatarSize size, URI location, Instant now, Instant refreshDue) {
        if (lifetime.isZero()) {
            return;
        }
        Instant expires = now.plus(lifetime);
        if (refreshDue != null && refreshDue.isBefore(expires)) {
            expires = refreshDue;
        }
        if (!expires.isAfter(now)) {
            return;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        entries.put(key(pubkey, size), new Entry(location, expires));
    }

    void forget(String pubkey) {
        for (AvatarSize size : AvatarSize.values()) {
            entries.remove(key(pubkey, size));
        }
    }

    void clear() {
        entries.clear();
    }

    private static String key(String pubkey, AvatarSize size) {
        return pubkey + '/' + size.name();
    }
}
