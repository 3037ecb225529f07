package dev.nostrcache.infra.ingest;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.EventRefs;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.StatDeltas.EventStat;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.storage.EventColumns;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KindRegistryTest {
    private static final long NOW = 1_800_000_000L;

    @Test
    void everyKindTravelsOnItsGroupsQueue() {
        KindRegistry kinds = KindRegistry.STANDARD;
        assertThat(kinds.queueOf(0)).isEqualTo(QueueGroup.PROFILES);
        assertThat(kinds.queueOf(1)).isEqualTo(QueueGroup.NOTES);
        assertThat(kinds.queueOf(30023)).isEqualTo(QueueGroup.NOTES);
        assertThat(kinds.queueOf(3)).isEqualTo(QueueGroup.CONTACTS);
        assertThat(kinds.queueOf(5)).isEqualTo(QueueGroup.DELETIONS);
        assertThat(kinds.queueOf(6)).isEqualTo(QueueGroup.REPOSTS);
        assertThat(kinds.queueOf(16)).isEqualTo(QueueGroup.REPOSTS);
        assertThat(kinds.queueOf(7)).isEqualTo(QueueGroup.REACTIONS);
        assertThat(kinds.queueOf(9735)).isEqualTo(QueueGroup.ZAPS);
        assertThat(kinds.queueOf(10002)).isEqualTo(QueueGroup.RELAY_LISTS);
        assertThat(kinds.queueOf(4)).isEqualTo(QueueGroup.OTHER);
        assertThat(kinds.queueOf(65535)).isEqualTo(QueueGroup.OTHER);
        assertThat(kinds.kindsOf(QueueGroup.NOTES)).containsExactlyInAnyOrder(1, 30023);
        assertThat(kinds.kindsOf(QueueGroup.OTHER)).isEmpty();
        assertThatThrownBy(() -> kinds.with(new KindRegistry.Entry("twice", Set.of(7), QueueGroup.OTHER,
                KindProjection.STORED_ONLY, List.of()))).hasMessageContaining("kind 7 is in two entries");
    }

    /**
     * A counted kind is one entry: here NIP-22 comments (kind 1111) counted as replies of the event they name. The
     * entry alone puts them on the notes queue, makes ingest count them and makes verify-stats recompute them.
     */
    @Test
    void oneEntryReachesTheQueueCatalogIngestAndVerifyStats() throws Exception {
        KindRegistry.Entry comments = new KindRegistry.Entry("comments", Set.of(1111), QueueGroup.NOTES, new CountedKind() {
            @Override
            public Reading read(Event event) {
                return Reading.of(new EventColumns(ThreadRefs.NONE, EventRefs.ofReaction(event), false));
            }

            @Override
            String contribute(IngestTransaction tx, Event e, Reading reading, int sign) {
                tx.deltas().event(reading.columns().refs().event(), EventStat.replies, sign);
                return null;
            }
        }, List.of(KindRegistry.Recount.event(EventStat.replies,
                "SELECT ref_event, 1 FROM events WHERE kind IN (%s) AND ref_event IS NOT NULL")));
        KindRegistry kinds = KindRegistry.STANDARD.with(comments);
        assertThat(kinds.queueOf(1111)).isEqualTo(QueueGroup.NOTES);
        assertThat(KindRegistry.STANDARD.queueOf(1111)).isEqualTo(QueueGroup.OTHER);

        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventProcessor processor = new EventProcessor(ds, kinds);
            EventSigner alice = TestKeys.signer(1);
            EventSigner bob = TestKeys.signer(2);
            Event note = alice.sign(NOW, 1, List.of(), "a note");
            Event comment = bob.sign(NOW + 1, 1111, List.of(List.of("e", note.id()), List.of("p", alice.pubkey())), "a comment");
            processor.process(note, NOW + 10);
            processor.process(comment, NOW + 10);
            processor.process(comment, NOW + 10);
            assertThat(replies(ds, note.id())).as("counted once").isEqualTo(1);

            assertThat(new StatsVerifier(ds, 10, kinds).verify().ok()).isTrue();
            assertThat(new StatsVerifier(ds, 10, KindRegistry.STANDARD).verify().mismatches())
                    .as("without the entry, verify-stats does not know where the reply came from")
                    .singleElement().satisfies(m -> {
                        assertThat(m.counter()).isEqualTo("replies");
                        assertThat(m.stored()).isEqualTo(1);
                        assertThat(m.recomputed()).isZero();
                    });

            processor.process(bob.sign(NOW + 2, 5, List.of(List.of("e", comment.id())), ""), NOW + 10);
            assertThat(replies(ds, note.id())).as("a deletion takes the count back").isZero();
            assertThat(new StatsVerifier(ds, 10, kinds).verify().ok()).isTrue();
        }
    }

    private static long replies(HikariDataSource ds, String id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT replies FROM event_stats WHERE event_id = ?")) {
            ps.setBytes(1, Hex.decode(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
