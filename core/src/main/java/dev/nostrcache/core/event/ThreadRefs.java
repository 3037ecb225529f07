package dev.nostrcache.core.event;

import dev.nostrcache.core.Hex;
import java.util.List;

/**
 * Where a note sits in a thread, by NIP-10: marked {@code e} tags ("root", "reply") when present, otherwise the
 * deprecated positional scheme (first {@code e} is the root, last is the replied-to event). {@code mention} tags
 * never make a reply. Both fields are null for a top-level note.
 */
public record ThreadRefs(String root, String replyTo) {
    public static final ThreadRefs NONE = new ThreadRefs(null, null);

    public static ThreadRefs of(Event event) {
        String markedRoot = null;
        String markedReply = null;
        String firstPositional = null;
        String lastPositional = null;
        boolean anyMarker = false;
        for (List<String> tag : event.tags()) {
            if (tag.size() < 2 || !tag.get(0).equals("e") || !Hex.isLowerHex(tag.get(1), 64)) {
                continue;
            }
            String marker = tag.size() >= 4 ? tag.get(3) : "";
            switch (marker) {
                case "root" -> {
                    anyMarker = true;
                    markedRoot = tag.get(1);
                }
                case "reply" -> {
                    anyMarker = true;
                    markedReply = tag.get(1);
                }
                case "mention" -> anyMarker = true;
                default -> {
                    if (firstPositional == null) {
                        firstPositional = tag.get(1);
                    }
                    lastPositional = tag.get(1);
                }
            }
        }
        if (anyMarker) {
            if (markedRoot == null && markedReply == null) {
                return NONE;
            }
            return new ThreadRefs(markedRoot != null ? markedRoot : markedReply,
                    markedReply != null ? markedReply : markedRoot);
        }
        return firstPositional == null ? NONE : new ThreadRefs(firstPositional, lastPositional);
    }

    public boolean isReply() {
        return replyTo != null;
    }
}
