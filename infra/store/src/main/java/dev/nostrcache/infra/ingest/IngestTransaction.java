package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;

import java.sql.Connection;
import java.sql.SQLException;

/** The transaction a batch of events is stored in, as projections see it. */
interface IngestTransaction {

    Connection connection();

    /** The counter changes of the transaction, written once at its end. */
    StatDeltas deltas();

    /** Takes a transaction-scoped advisory lock (see {@link EventProcessor#idLock}), once per key. */
    void lock(long key) throws SQLException;

    /** Whether a deletion request may remove {@code target} (see {@link KindProjection#deletable}). */
    boolean deletable(Event target);

    /** Takes a stored event out of the state: its kind's projection first, then its row. */
    void remove(Event target) throws SQLException;

    /** Parses an event as stored (its signature was checked when it arrived). */
    Event parseStored(String json) throws SQLException;

    /** The stored event the one-row {@code sql} selects ({@code json} column, byte parameters), or null. */
    Event findStored(String sql, byte[]... params) throws SQLException;
}
