package dev.nostrcache.core.nip;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.core.event.ReplacementKey;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * NIP-09 (kind 5): what a deletion request names. Only targets of the requester's own pubkey count: {@code a} tags
 * naming another author are dropped here, {@code e} targets are checked against the target's author when it is
 * known.
 *
 * @param eventIds  hex ids from {@code e} tags
 * @param addresses replaceable or addressable keys from {@code a} tags ({@code kind:pubkey:d})
 */
public record DeletionRequest(Set<String> eventIds, List<ReplacementKey> addresses) {

    public static DeletionRequest of(Event deletion) {
        Set<String> ids = new LinkedHashSet<>();
        List<ReplacementKey> addresses = new ArrayList<>();
        for (List<String> tag : deletion.tags()) {
            if (tag.size() < 2) {
                continue;
            }
            if (tag.get(0).equals("e") && Hex.isLowerHex(tag.get(1), 64)) {
                ids.add(tag.get(1));
            } else if (tag.get(0).equals("a")) {
                ReplacementKey key = address(tag.get(1));
                if (key != null && key.pubkey().equals(deletion.pubkey()) && !addresses.contains(key)) {
                    addresses.add(key);
                }
            }
        }
        return new DeletionRequest(ids, addresses);
    }

    private static ReplacementKey address(String value) {
        String[] parts = value.split(":", 3);
        if (parts.length < 2 || !parts[0].matches("\\d{1,5}") || !Hex.isLowerHex(parts[1], 64)) {
            return null;
        }
        int kind = Integer.parseInt(parts[0]);
        KindClass kindClass = KindClass.of(kind);
        if (kind > KindClass.MAX_KIND || (kindClass != KindClass.REPLACEABLE && kindClass != KindClass.ADDRESSABLE)) {
            return null;
        }
        String d = kindClass == KindClass.ADDRESSABLE && parts.length == 3 ? parts[2] : "";
        return new ReplacementKey(parts[1], kind, d);
    }
}
