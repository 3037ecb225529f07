package dev.nostrcache.infra.testing;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.filter.Filter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Random NIP-01 filters built from a pool of real events, so that most of them match something. */
public final class RandomFilters {
    private RandomFilters() {
    }

    private static <T> Set<T> pick(Random random, List<T> from, int max) {
        Set<T> out = new HashSet<>();
        int n = 1 + random.nextInt(max);
        for (int i = 0; i < n; i++) {
            out.add(from.get(random.nextInt(from.size())));
        }
        return out;
    }

    /** A filter whose conditions are drawn from {@code pool}'s own ids, authors, kinds, tags and times. */
    public static Filter of(Random random, List<Event> stored, int maxLimit) {
        Event anchor = stored.get(random.nextInt(stored.size()));
        Set<String> ids = null;
        Set<String> authors = null;
        Set<Integer> kinds = null;
        Map<String, Set<String>> tags = new HashMap<>();
        Long since = null;
        Long until = null;
        Integer limit = null;
        if (random.nextInt(6) == 0) {
            ids = pick(random, stored.stream().map(Event::id).toList(), 5);
            ids.add(anchor.id());
        }
        if (random.nextInt(3) == 0) {
            authors = pick(random, stored.stream().map(Event::pubkey).toList(), 4);
            if (random.nextBoolean()) {
                authors.add("0".repeat(64));
            }
        }
        if (random.nextInt(2) == 0) {
            kinds = pick(random, List.of(0, 1, 3, 5, 6, 7, 16, 9735, 10002, 30023, 4, anchor.kind()), 3);
        }
        if (random.nextInt(3) == 0) {
            List<List<String>> tagged = anchor.tags().stream()
                    .filter(t -> t.size() >= 2 && t.get(0).length() == 1 && Character.isLetter(t.get(0).charAt(0))
                            && (!Set.of("e", "p").contains(t.get(0)) || t.get(1).matches("[0-9a-f]{64}")))
                    .toList();
            if (!tagged.isEmpty()) {
                List<String> tag = tagged.get(random.nextInt(tagged.size()));
                tags.put(tag.get(0), new HashSet<>(List.of(tag.get(1))));
            }
        }
        if (random.nextInt(3) == 0) {
            since = anchor.createdAt() - random.nextInt(86_400 * 30);
        }
        if (random.nextInt(3) == 0) {
            until = anchor.createdAt() + random.nextInt(86_400 * 30) - 3600;
        }
        if (random.nextInt(2) == 0) {
            limit = random.nextInt(4) == 0 ? random.nextInt(3) : 1 + random.nextInt(600);
            limit = Math.min(limit, maxLimit);
        }
        return new Filter(ids, authors, kinds, tags, since, until, limit, null);
    }
}
