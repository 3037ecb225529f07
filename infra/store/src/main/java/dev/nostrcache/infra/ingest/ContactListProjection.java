package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Key32;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Contact lists (kind 3, NIP-02): {@code follow_lists} holds exactly the follows of each pubkey's current list, one
 * row per list (none for a list that follows no one), and follower and follow counts change by what a new list adds
 * and drops.
 */
final class ContactListProjection implements KindProjection {

    @Override
    public Applied apply(IngestTransaction tx, Event event, Reading reading, String replacedJson) throws SQLException {
        follow(tx, event.pubkey(), ContactList.followedKeys(event));
        return Applied.NOTHING;
    }

    @Override
    public void remove(IngestTransaction tx, Event target) throws SQLException {
        follow(tx, target.pubkey(), Set.of());
    }

    /**
     * Makes the stored follows of {@code follower} equal {@code follows}, counting only what changed. Keys as
     * {@link Key32}, hashed and sorted as four longs: as hex strings, hashing, comparing and sorting them was more than
     * half of this projection's CPU (profiled over an import of contact lists).
     */
    private static void follow(IngestTransaction tx, String follower, Set<Key32> follows) throws SQLException {
        Connection c = tx.connection();
        byte[] followerBytes = Hex.decode(follower);
        Set<Key32> old = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT followed FROM follow_lists WHERE follower = ?")) {
            ps.setBytes(1, followerBytes);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (Object pubkey : (Object[]) rs.getArray(1).getArray()) {
                        old.add(Key32.of((byte[]) pubkey));
                    }
                }
            }
        }
        List<Key32> added = new ArrayList<>();
        for (Key32 pubkey : follows) {
            if (!old.contains(pubkey)) {
                added.add(pubkey);
            }
        }
        List<Key32> removed = new ArrayList<>();
        for (Key32 pubkey : old) {
            if (!follows.contains(pubkey)) {
                removed.add(pubkey);
            }
        }
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        if (follows.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM follow_lists WHERE follower = ?")) {
                ps.setBytes(1, followerBytes);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO follow_lists (follower, followed) VALUES (?, ?)"
                    + " ON CONFLICT (follower) DO UPDATE SET followed = excluded.followed")) {
                ps.setBytes(1, followerBytes);
                ps.setArray(2, sortedPubkeys(c, follows));
                ps.executeUpdate();
            }
        }
        for (Key32 pubkey : added) {
            tx.deltas().user(pubkey, UserStat.followers_count, 1);
        }
        for (Key32 pubkey : removed) {
            tx.deltas().user(pubkey, UserStat.followers_count, -1);
        }
        tx.deltas().user(follower, UserStat.follows_count, (long) follows.size() - old.size());
    }

    /** The keys in their byte order: a list's row is the same whatever its tags' order. */
    private static Array sortedPubkeys(Connection c, Set<Key32> follows) throws SQLException {
        Key32[] sorted = follows.toArray(Key32[]::new);
        Arrays.sort(sorted);
        byte[][] keys = new byte[sorted.length][];
        for (int i = 0; i < sorted.length; i++) {
            keys[i] = sorted[i].bytes();
        }
        return c.createArrayOf("bytea", keys);
    }
}
