package dev.nostrcache.infra.ingest;

/**
 * What processing one event did.
 *
 * @param outcome     what happened to the event
 * @param newPicture  the profile's new picture URL when a kind 0 changed it (an avatar refresh is due), else null
 * @param note        why a stored event was not counted (a malformed zap receipt), else null
 */
public record ProcessResult(Outcome outcome, String newPicture, String note) {

    public enum Outcome {
        /** New and stored, statistics updated. */
        STORED,
        /** Replaced an older version of a replaceable or addressable event. */
        REPLACED,
        /** Already stored: nothing changed. */
        DUPLICATE,
        /** Older than the stored version of its replaceable key: nothing changed. */
        STALE,
        /** A deletion request of its author covers it: not stored. */
        DELETED,
        /** NIP-40 expiration already passed: not stored. */
        EXPIRED,
        /** Ephemeral kind: never stored. */
        EPHEMERAL
    }

    static ProcessResult of(Outcome outcome) {
        return new ProcessResult(outcome, null, null);
    }

    public boolean changedState() {
        return outcome == Outcome.STORED || outcome == Outcome.REPLACED;
    }
}
