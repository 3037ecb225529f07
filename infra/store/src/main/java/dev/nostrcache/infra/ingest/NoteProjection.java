package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.EventRefs;
import dev.nostrcache.infra.ingest.StatDeltas.EventStat;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;
import dev.nostrcache.infra.storage.EventColumns;

/**
 * Short text notes (kind 1): a reply (NIP-10) counts for its author's replies and its parent's; any other note for
 * its author's notes; a quote ({@code q} tag) for the quoted event's quotes. Notes are searchable and get a statistics
 * row of their own.
 */
final class NoteProjection extends CountedKind {

    NoteProjection() {
        super(true);
    }

    @Override
    public Reading read(Event event) {
        return Reading.of(new EventColumns(ThreadRefs.of(event), EventRefs.NONE, true));
    }

    @Override
    String contribute(IngestTransaction tx, Event e, Reading reading, int sign) {
        ThreadRefs thread = reading.columns().thread();
        if (thread.isReply()) {
            tx.deltas().user(e.pubkey(), UserStat.reply_count, sign);
            tx.deltas().event(thread.replyTo(), EventStat.replies, sign);
        } else {
            tx.deltas().user(e.pubkey(), UserStat.note_count, sign);
        }
        for (String quoted : EventRefs.quotedBy(e)) {
            tx.deltas().event(quoted, EventStat.quotes, sign);
        }
        return null;
    }
}
