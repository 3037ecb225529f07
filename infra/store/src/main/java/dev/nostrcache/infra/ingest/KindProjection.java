package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;

import java.sql.SQLException;
import java.util.List;

/**
 * What storing an event of some kinds does beyond its events row, inside the storing transaction: a profile, the
 * follow graph, a relay list, a deletion, or the counts the event contributes to. One implementation per entry of
 * {@link KindRegistry}.
 */
interface KindProjection {

    /** What the event says, read once: the columns of its row and what {@link #apply} needs. */
    default Reading read(Event event) {
        return Reading.NONE;
    }

    /**
     * Applies a newly stored {@code event}; {@code replacedJson} is the stored version it replaced, or null.
     * Returns what the caller should know.
     */
    Applied apply(IngestTransaction tx, Event event, Reading reading, String replacedJson) throws SQLException;

    /** Takes back what a stored event applied (it was deleted, replaced by a deletion, or expired). */
    void remove(IngestTransaction tx, Event target) throws SQLException;

    /**
     * Whether a stored deletion request of the author keeps an event of this kind out (NIP-09): true, but for
     * deletion requests themselves, which are never deleted.
     */
    default boolean deletable() {
        return true;
    }

    /** Advisory lock keys beyond the event's own id and address that processing it will take. */
    default void addLockKeys(Event event, List<Long> keys) {
    }

    /**
     * @param newPicture  a profile's new picture URL (an avatar refresh is due), else null
     * @param notCounted  why a stored event was not counted, else null
     */
    record Applied(String newPicture, String notCounted) {
        static final Applied NOTHING = new Applied(null, null);
    }

    /** Kinds stored by their class only: nothing beyond the row. */
    KindProjection STORED_ONLY = new KindProjection() {
        @Override
        public Applied apply(IngestTransaction tx, Event event, Reading reading, String replacedJson) {
            return Applied.NOTHING;
        }

        @Override
        public void remove(IngestTransaction tx, Event target) {
        }
    };
}
