package dev.nostrcache.core.nip;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The event and author a reaction or repost is about. NIP-25: the last {@code e} and {@code p} tags of a reaction
 * name the reacted-to note and its author. NIP-18: a repost's {@code e} tag names the reposted note and its
 * {@code p} tag the author; the first ones are taken. Only well-formed hex counts.
 *
 * @param event  hex id of the target event, or null
 * @param author hex pubkey of its author, or null
 */
public record EventRefs(String event, String author) {
    public static final EventRefs NONE = new EventRefs(null, null);

    public static EventRefs ofReaction(Event reaction) {
        return new EventRefs(lastHex(reaction.tags(), "e"), lastHex(reaction.tags(), "p"));
    }

    public static EventRefs ofRepost(Event repost) {
        return new EventRefs(firstHex(repost.tags(), "e"), firstHex(repost.tags(), "p"));
    }

    /**
     * The events a note quotes (NIP-18 {@code q} tags; Primal's "mentions"): each lowercase hex id once, however many
     * of its tags name it.
     */
    public static Set<String> quotedBy(Event note) {
        Set<String> quoted = new LinkedHashSet<>();
        for (List<String> tag : note.tags()) {
            if (tag.size() >= 2 && tag.get(0).equals("q") && Hex.isLowerHex(tag.get(1), 64)) {
                quoted.add(tag.get(1));
            }
        }
        return quoted;
    }

    private static String firstHex(List<List<String>> tags, String name) {
        for (List<String> tag : tags) {
            if (tag.size() >= 2 && tag.get(0).equals(name) && Hex.isLowerHex(tag.get(1), 64)) {
                return tag.get(1);
            }
        }
        return null;
    }

    private static String lastHex(List<List<String>> tags, String name) {
        String last = null;
        for (List<String> tag : tags) {
            if (tag.size() >= 2 && tag.get(0).equals(name) && Hex.isLowerHex(tag.get(1), 64)) {
                last = tag.get(1);
            }
        }
        return last;
    }
}
