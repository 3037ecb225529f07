package dev.nostrcache.core.filter;

import dev.nostrcache.core.event.Event;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A NIP-01 filter. A null condition is absent; present conditions are ANDed, values inside one list are ORed.
 * Tag conditions are keyed by their single letter ({@code "e"} for {@code #e}) and match an event tag's first value.
 * {@code limit} is already clamped to the configured maximum; null means "no limit asked for".
 * {@code search} is NIP-50's free-text query: every word must appear in the content, case-insensitively.
 */
public record Filter(
        Set<String> ids,
        Set<String> authors,
        Set<Integer> kinds,
        Map<String, Set<String>> tags,
        Long since,
        Long until,
        Integer limit,
        String search) {

    public Filter {
        ids = ids == null ? null : Set.copyOf(ids);
        authors = authors == null ? null : Set.copyOf(authors);
        kinds = kinds == null ? null : Set.copyOf(kinds);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Whether {@code event} satisfies every condition of this filter ({@code limit} plays no part). */
    public boolean matches(Event event) {
        if (ids != null && !ids.contains(event.id())) {
            return false;
        }
        if (authors != null && !authors.contains(event.pubkey())) {
            return false;
        }
        if (kinds != null && !kinds.contains(event.kind())) {
            return false;
        }
        if (since != null && event.createdAt() < since) {
            return false;
        }
        if (until != null && event.createdAt() > until) {
            return false;
        }
        for (Map.Entry<String, Set<String>> condition : tags.entrySet()) {
            if (!anyTagMatches(event.tags(), condition.getKey(), condition.getValue())) {
                return false;
            }
        }
        return search == null || containsAllWords(event.content(), search);
    }

    private static boolean anyTagMatches(List<List<String>> tags, String name, Set<String> values) {
        for (List<String> tag : tags) {
            if (tag.size() >= 2 && tag.get(0).equals(name) && values.contains(tag.get(1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAllWords(String content, String query) {
        String haystack = content.toLowerCase(Locale.ROOT);
        for (String word : query.toLowerCase(Locale.ROOT).split("\\s+")) {
            if (!word.isEmpty() && !haystack.contains(word)) {
                return false;
            }
        }
        return true;
    }
}
