package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.nip.ZapReceipt;
import dev.nostrcache.infra.storage.EventColumns;

/**
 * What a projection read from one event, once per event: the columns of its events row, and for a zap receipt the
 * receipt itself or why it does not count.
 */
record Reading(EventColumns columns, ZapReceipt zap, String notCounted) {
    static final Reading NONE = new Reading(EventColumns.NONE, null, null);

    static Reading of(EventColumns columns) {
        return new Reading(columns, null, null);
    }
}
