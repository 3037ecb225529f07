package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;

import java.sql.SQLException;

/**
 * A kind whose events add to counts. Every count is a function of the contributing event alone, so storing an
 * event adds its contribution, removing it (a newer version, a deletion, expiry) subtracts it, and a duplicate
 * changes nothing: the counts do not depend on duplication or arrival order.
 */
abstract class CountedKind implements KindProjection {
    private final boolean statisticsRow;

    CountedKind() {
        this(false);
    }

    /** {@code statisticsRow}: the kind's events get a statistics row of their own (notes), with author and time. */
    CountedKind(boolean statisticsRow) {
        this.statisticsRow = statisticsRow;
    }

    /** Adds ({@code sign} +1) or takes back (-1) what {@code event} contributes; returns why it does not count, if so. */
    abstract String contribute(IngestTransaction tx, Event event, Reading reading, int sign) throws SQLException;

    @Override
    public Applied apply(IngestTransaction tx, Event event, Reading reading, String replacedJson) throws SQLException {
        if (replacedJson != null) {
            Event replaced = tx.parseStored(replacedJson);
            contribute(tx, replaced, read(replaced), -1);
        }
        String notCounted = contribute(tx, event, reading, +1);
        if (statisticsRow) {
            tx.deltas().note(event.id(), event.pubkey(), event.createdAt());
        }
        return new Applied(null, notCounted);
    }

    @Override
    public void remove(IngestTransaction tx, Event target) throws SQLException {
        contribute(tx, target, read(target), -1);
    }
}
