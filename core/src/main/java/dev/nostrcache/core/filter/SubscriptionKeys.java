package dev.nostrcache.core.filter;

import dev.nostrcache.core.event.Event;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The index keys through which a live event finds the subscriptions it may match, without scanning them all. A
 * filter is filed under its most selective condition only (ids, else authors, else one tag, else kinds, else the
 * catch-all {@code *}); an event looks up every key it has. Every filter an event matches shares at least one key
 * with it, so the lookup never misses; the exact {@link Filter#matches} then decides.
 */
public final class SubscriptionKeys {
    private SubscriptionKeys() {
    }

    public static Set<String> of(Filter f) {
        Set<String> keys = new LinkedHashSet<>();
        if (f.ids() != null) {
            f.ids().forEach(id -> keys.add("i:" + id));
        } else if (f.authors() != null) {
            f.authors().forEach(a -> keys.add("a:" + a));
        } else if (!f.tags().isEmpty()) {
            Map.Entry<String, Set<String>> tag = f.tags().entrySet().stream()
                    .min(Map.Entry.comparingByKey()).orElseThrow();
            tag.getValue().forEach(v -> keys.add("t:" + tag.getKey() + ":" + v));
        } else if (f.kinds() != null) {
            f.kinds().forEach(k -> keys.add("k:" + k));
        } else {
            keys.add("*");
        }
        return keys;
    }

    public static Set<String> of(Event e) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add("*");
        keys.add("i:" + e.id());
        keys.add("a:" + e.pubkey());
        keys.add("k:" + e.kind());
        for (List<String> tag : e.tags()) {
            if (tag.size() >= 2 && tag.get(0).length() == 1) {
                keys.add("t:" + tag.get(0) + ":" + tag.get(1));
            }
        }
        return keys;
    }
}
