package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.EventRefs;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;
import dev.nostrcache.infra.storage.EventColumns;

/** Long-form articles (kind 30023): counted for their author, searchable, with a statistics row like notes. */
final class LongFormProjection extends CountedKind {
    private static final Reading SEARCHABLE = Reading.of(new EventColumns(ThreadRefs.NONE, EventRefs.NONE, true));

    LongFormProjection() {
        super(true);
    }

    @Override
    public Reading read(Event event) {
        return SEARCHABLE;
    }

    @Override
    String contribute(IngestTransaction tx, Event e, Reading reading, int sign) {
        tx.deltas().user(e.pubkey(), UserStat.long_form_note_count, sign);
        return null;
    }
}
