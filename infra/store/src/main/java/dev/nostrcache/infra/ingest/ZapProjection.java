package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.EventRefs;
import dev.nostrcache.core.nip.ZapReceipt;
import dev.nostrcache.infra.ingest.StatDeltas.EventStat;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;
import dev.nostrcache.infra.storage.EventColumns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Zap receipts (kind 9735, NIP-57): the amount of the bolt11 invoice counts for the zapped event and its recipient,
 * and the receipt gets a {@code zaps} row. A receipt that does not parse is stored but counts for nothing.
 */
final class ZapProjection extends CountedKind {
    private static final Logger LOG = LoggerFactory.getLogger(ZapProjection.class);

    @Override
    public Reading read(Event event) {
        try {
            ZapReceipt zap = ZapReceipt.parse(event);
            return new Reading(new EventColumns(ThreadRefs.NONE, new EventRefs(zap.targetEvent(), zap.recipient()), false),
                    zap, null);
        } catch (ZapReceipt.MalformedZapException malformed) {
            return new Reading(EventColumns.NONE, null, "malformed zap receipt: " + malformed.getMessage());
        }
    }

    @Override
    String contribute(IngestTransaction tx, Event e, Reading reading, int sign) throws SQLException {
        ZapReceipt zap = reading.zap();
        if (zap == null) {
            if (sign > 0) {
                LOG.info("zap receipt {} stored without counts: {}", e.id(), reading.notCounted());
            }
            return reading.notCounted();
        }
        if (sign > 0) {
            insertZap(tx, e, zap);
        }
        tx.deltas().event(zap.targetEvent(), EventStat.zaps, sign);
        tx.deltas().event(zap.targetEvent(), EventStat.zapped_msats, sign * zap.amountMsats());
        tx.deltas().user(zap.recipient(), UserStat.zaps_received, sign);
        tx.deltas().user(zap.recipient(), UserStat.zapped_msats, sign * zap.amountMsats());
        return null;
    }

    private static void insertZap(IngestTransaction tx, Event receipt, ZapReceipt zap) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement("""
                INSERT INTO zaps (receipt_id, target_event, recipient, sender, amount_msats, created_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            ps.setBytes(1, Hex.decode(receipt.id()));
            ps.setBytes(2, zap.targetEvent() == null ? null : Hex.decode(zap.targetEvent()));
            ps.setBytes(3, Hex.decode(zap.recipient()));
            ps.setBytes(4, zap.sender() == null ? null : Hex.decode(zap.sender()));
            ps.setLong(5, zap.amountMsats());
            ps.setLong(6, receipt.createdAt());
            ps.executeUpdate();
        }
    }
}
