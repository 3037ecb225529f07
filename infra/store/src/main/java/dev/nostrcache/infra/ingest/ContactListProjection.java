package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
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
        follow(tx, event.pubkey(), ContactList.follows(event));
        return Applied.NOTHING;
    }

    @Override
    public void remove(IngestTransaction tx, Event target) throws SQLException {
        follow(tx, target.pubkey(), Set.of());
    }

    /**
     * Makes the stored follows of {@code follower} equal {@code follows}, counting only what changed. Hash sets and
     * one sorted array rather than sorted sets: three TreeSet copies of a list's ~275 keys were a third of this
     * method's CPU (profiled over an import of contact lists); the counter rows are sorted where they are written.
     */
    private static void follow(IngestTransaction tx, String follower, Set<String> follows) throws SQLException {
        Connection c = tx.connection();
        byte[] followerBytes = Hex.decode(follower);
        Set<String> old = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT followed FROM follow_lists WHERE follower = ?")) {
            ps.setBytes(1, followerBytes);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    for (Object pubkey : (Object[]) rs.getArray(1).getArray()) {
                        old.add(Hex.encode((byte[]) pubkey));
                    }
                }
            }
        }
        List<String> added = new ArrayList<>();
        for (String pubkey : follows) {
            if (!old.contains(pubkey)) {
                added.add(pubkey);
            }
        }
        List<String> removed = new ArrayList<>();
        for (String pubkey : old) {
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
        for (String pubkey : added) {
            tx.deltas().user(pubkey, UserStat.followers_count, 1);
        }
        for (String pubkey : removed) {
            tx.deltas().user(pubkey, UserStat.followers_count, -1);
        }
        tx.deltas().user(follower, UserStat.follows_count, (long) follows.size() - old.size());
    }

    /** The keys in hex order, which is their byte order: a list's row is the same whatever its tags' order. */
    private static Array sortedPubkeys(Connection c, Set<String> hex) throws SQLException {
        String[] sorted = hex.toArray(String[]::new);
        Arrays.sort(sorted);
        byte[][] keys = new byte[sorted.length][];
        for (int i = 0; i < sorted.length; i++) {
            keys[i] = Hex.decode(sorted[i]);
        }
        return c.createArrayOf("bytea", keys);
    }
}
