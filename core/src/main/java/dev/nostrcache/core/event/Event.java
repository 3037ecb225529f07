package dev.nostrcache.core.event;

import java.util.ArrayList;
import java.util.List;

/**
 * A Nostr event as NIP-01 defines it. Instances come from {@link EventParser}, which has already checked every
 * field's shape; the id and signature are checked separately by {@link EventVerifier}.
 */
public record Event(
        String id,
        String pubkey,
        long createdAt,
        int kind,
        List<List<String>> tags,
        String content,
        String sig) {

    public Event {
        tags = List.copyOf(tags.stream().map(List::copyOf).toList());
    }

    /** The first value (element 1) of the first tag named {@code name}, or null. */
    public String firstTagValue(String name) {
        for (List<String> tag : tags) {
            if (tag.size() >= 2 && tag.get(0).equals(name)) {
                return tag.get(1);
            }
        }
        return null;
    }

    /** The first values of every tag named {@code name}, in order: what NIP-01 tag filters index. */
    public List<String> tagValues(String name) {
        List<String> values = new ArrayList<>();
        for (List<String> tag : tags) {
            if (tag.size() >= 2 && tag.get(0).equals(name)) {
                values.add(tag.get(1));
            }
        }
        return values;
    }

    public KindClass kindClass() {
        return KindClass.of(kind);
    }

    /** The identity that newer versions replace, or null for regular and ephemeral events. */
    public ReplacementKey replacementKey() {
        return ReplacementKey.of(this);
    }

    /** The wire JSON of this event (NIP-01 field names, canonical escaping). */
    public String toJson() {
        return EventJson.toJson(this);
    }
}
