package dev.nostrcache.infra.storage;

import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.EventRefs;

/**
 * What an events row holds beyond the event itself, read from the event once by its kind's projection: the NIP-10
 * thread a note belongs to, what a reaction, repost or zap refers to, and whether its content joins the search index.
 */
public record EventColumns(ThreadRefs thread, EventRefs refs, boolean searchable) {
    public static final EventColumns NONE = new EventColumns(ThreadRefs.NONE, EventRefs.NONE, false);
}
