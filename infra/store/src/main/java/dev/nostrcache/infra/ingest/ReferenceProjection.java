package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.EventRefs;
import dev.nostrcache.infra.ingest.StatDeltas.EventStat;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;
import dev.nostrcache.infra.storage.EventColumns;

import java.util.function.Function;

/**
 * Events that count once for the event and the author they refer to: reactions (kind 7, NIP-25) and reposts (kinds 6
 * and 16, NIP-18), each by its own last {@code e} and {@code p} tags.
 */
final class ReferenceProjection extends CountedKind {
    private final Function<Event, EventRefs> refs;
    private final EventStat eventCounter;
    private final UserStat authorCounter;

    ReferenceProjection(Function<Event, EventRefs> refs, EventStat eventCounter, UserStat authorCounter) {
        this.refs = refs;
        this.eventCounter = eventCounter;
        this.authorCounter = authorCounter;
    }

    static ReferenceProjection reactions() {
        return new ReferenceProjection(EventRefs::ofReaction, EventStat.reactions, UserStat.reactions_received);
    }

    static ReferenceProjection reposts() {
        return new ReferenceProjection(EventRefs::ofRepost, EventStat.reposts, UserStat.reposts_received);
    }

    @Override
    public Reading read(Event event) {
        return Reading.of(new EventColumns(ThreadRefs.NONE, refs.apply(event), false));
    }

    @Override
    String contribute(IngestTransaction tx, Event e, Reading reading, int sign) {
        EventRefs target = reading.columns().refs();
        tx.deltas().event(target.event(), eventCounter, sign);
        tx.deltas().user(target.author(), authorCounter, sign);
        return null;
    }
}
