package dev.nostrcache.infra.storage;

/**
 * What storing one event did. Storing is idempotent: delivering an event again gives {@link Outcome#DUPLICATE}
 * and changes nothing.
 *
 * @param outcome      what happened
 * @param replacedId   hex id of the version this one replaced ({@link Outcome#REPLACED} only)
 * @param replacedJson that version's JSON, so its contributions to statistics can be taken back
 */
public record StoreResult(Outcome outcome, String replacedId, String replacedJson) {

    public enum Outcome {
        /** New and stored. */
        STORED,
        /** This id is already stored. */
        DUPLICATE,
        /** A replaceable or addressable event that superseded the stored version. */
        REPLACED,
        /** A replaceable or addressable event older than the stored version: not stored. */
        STALE,
        /** An ephemeral event: never stored. */
        EPHEMERAL
    }

    static final StoreResult STORED = new StoreResult(Outcome.STORED, null, null);
    static final StoreResult DUPLICATE = new StoreResult(Outcome.DUPLICATE, null, null);
    static final StoreResult STALE = new StoreResult(Outcome.STALE, null, null);
    static final StoreResult EPHEMERAL = new StoreResult(Outcome.EPHEMERAL, null, null);

    public boolean changedState() {
        return outcome == Outcome.STORED || outcome == Outcome.REPLACED;
    }
}
