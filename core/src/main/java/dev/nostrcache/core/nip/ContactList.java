package dev.nostrcache.core.nip;

import dev.nostrcache.core.Key32;
import dev.nostrcache.core.event.Event;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** NIP-02: the pubkeys a kind 3 follows, in order, without duplicates; malformed {@code p} values are skipped. */
public final class ContactList {
    public static final int KIND = 3;

    private ContactList() {
    }

    public static Set<String> follows(Event contactList) {
        Set<String> follows = new LinkedHashSet<>();
        for (Key32 key : followedKeys(contactList)) {
            follows.add(key.hex());
        }
        return follows;
    }

    /** The same follows as {@link #follows}, as keys: what storing a list hashes and sorts. */
    public static Set<Key32> followedKeys(Event contactList) {
        Set<Key32> follows = new LinkedHashSet<>();
        for (List<String> tag : contactList.tags()) {
            if (tag.size() >= 2 && tag.get(0).equals("p")) {
                Key32 key = Key32.parseLowerHex(tag.get(1));
                if (key != null) {
                    follows.add(key);
                }
            }
        }
        return follows;
    }
}
