package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.nip.RelayList;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/** Relay lists (kind 10002, NIP-65): {@code user_relays} holds the entries of each pubkey's current list. */
final class RelayListProjection implements KindProjection {

    @Override
    public Applied apply(IngestTransaction tx, Event event, Reading reading, String replacedJson) throws SQLException {
        replace(tx, event.pubkey(), RelayList.of(event));
        return Applied.NOTHING;
    }

    @Override
    public void remove(IngestTransaction tx, Event target) throws SQLException {
        replace(tx, target.pubkey(), List.of());
    }

    private static void replace(IngestTransaction tx, String pubkey, List<RelayList.Entry> entries) throws SQLException {
        byte[] key = Hex.decode(pubkey);
        try (PreparedStatement ps = tx.connection().prepareStatement("DELETE FROM user_relays WHERE pubkey = ?")) {
            ps.setBytes(1, key);
            ps.executeUpdate();
        }
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "INSERT INTO user_relays (pubkey, url, read, write) VALUES (?, ?, ?, ?)")) {
            for (RelayList.Entry entry : entries) {
                ps.setBytes(1, key);
                ps.setString(2, entry.url());
                ps.setBoolean(3, entry.read());
                ps.setBoolean(4, entry.write());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
