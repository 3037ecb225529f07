package dev.nostrcache.core.nip;

import dev.nostrcache.core.Hex;
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
        for (List<String> tag : contactList.tags()) {
            if (tag.size() >= 2 && tag.get(0).equals("p") && Hex.isLowerHex(tag.get(1), 64)) {
                follows.add(tag.get(1));
            }
        }
        return follows;
    }
}
