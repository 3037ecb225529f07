package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.nip.DeletionRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.TreeSet;

/**
 * Deletion requests (kind 5, NIP-09): each target of the requester is removed with what it contributed, and the
 * request is remembered, so that a target arriving later is refused ({@link EventProcessor}). Deletion requests
 * themselves are never deleted.
 */
final class DeletionProjection implements KindProjection {

    @Override
    public Applied apply(IngestTransaction tx, Event deletion, Reading reading, String replacedJson) throws SQLException {
        Connection c = tx.connection();
        DeletionRequest request = DeletionRequest.of(deletion);
        byte[] requester = Hex.decode(deletion.pubkey());
        byte[] deletionId = Hex.decode(deletion.id());
        for (String id : new TreeSet<>(request.eventIds())) {
            tx.lock(EventProcessor.idLock(id));
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO deletions_by_id (target_id, pubkey, deletion_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setBytes(1, Hex.decode(id));
                ps.setBytes(2, requester);
                ps.setBytes(3, deletionId);
                ps.executeUpdate();
            }
            Event target = tx.findStored("SELECT json FROM events WHERE id = ? AND pubkey = ? FOR UPDATE",
                    Hex.decode(id), requester);
            if (target != null && tx.deletable(target)) {
                tx.remove(target);
            }
        }
        for (ReplacementKey address : request.addresses()) {
            tx.lock(EventProcessor.addressLock(address));
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO deletions_by_address (pubkey, kind, d_tag, deleted_up_to, deletion_id)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (pubkey, kind, d_tag) DO UPDATE
                    SET deleted_up_to = GREATEST(deletions_by_address.deleted_up_to, EXCLUDED.deleted_up_to),
                        deletion_id = CASE WHEN EXCLUDED.deleted_up_to > deletions_by_address.deleted_up_to
                                           THEN EXCLUDED.deletion_id ELSE deletions_by_address.deletion_id END""")) {
                ps.setBytes(1, requester);
                ps.setInt(2, address.kind());
                ps.setString(3, address.dTag());
                ps.setLong(4, deletion.createdAt());
                ps.setBytes(5, deletionId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT json FROM events WHERE pubkey = ? AND kind = ? AND d_tag = ? AND created_at <= ? FOR UPDATE")) {
                ps.setBytes(1, requester);
                ps.setInt(2, address.kind());
                ps.setString(3, address.dTag());
                ps.setLong(4, deletion.createdAt());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        tx.remove(tx.parseStored(rs.getString(1)));
                    }
                }
            }
        }
        return Applied.NOTHING;
    }

    @Override
    public boolean deletable() {
        return false;
    }

    @Override
    public void remove(IngestTransaction tx, Event target) {
        // a deletion request contributes nothing to take back
    }

    @Override
    public void addLockKeys(Event event, List<Long> keys) {
        DeletionRequest request = DeletionRequest.of(event);
        request.eventIds().forEach(id -> keys.add(EventProcessor.idLock(id)));
        request.addresses().forEach(address -> keys.add(EventProcessor.addressLock(address)));
    }
}
