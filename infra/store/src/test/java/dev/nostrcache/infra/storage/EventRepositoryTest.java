package dev.nostrcache.infra.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.storage.StoreResult.Outcome;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class EventRepositoryTest {
    private static HikariDataSource ds;
    private static EventRepository events;
    private final EventParser parser = new EventParser(Limits.DEFAULTS);

    @BeforeAll
    static void start() {
        ds = TestDatabase.fresh();
        events = new EventRepository(ds);
    }

    @AfterAll
    static void stop() {
        ds.close();
    }

    @Test
    void storesEveryRealEventOnceAndServesItBack() throws Exception {
        for (String line : TestData.lines("real-events.jsonl")) {
            Event event = parser.parse(line);
            StoreResult first = TestDatabase.storeRow(ds, event);
            assertThat(first.outcome()).as(event.id()).isIn(Outcome.STORED, Outcome.REPLACED, Outcome.STALE);
            assertThat(TestDatabase.storeRow(ds, event).outcome()).isIn(Outcome.DUPLICATE, Outcome.STALE);
            if (first.changedState()) {
                assertThat(parser.parse(events.findJson(event.id()).orElseThrow())).isEqualTo(event);
            }
        }
    }

    /**
     * A head that vanishes between every insert and its lock (here a trigger drops each insert of one event, so neither
     * its id nor a head is ever there) ends in a clear error after {@link EventRepository#MAX_HEAD_MISSES} attempts,
     * not in a loop that never ends.
     */
    @Test
    void aHeadThatKeepsVanishingEndsInAClearErrorAfterTheBound() throws Exception {
        Event event = TestKeys.signer(107).sign(6000, 0, List.of(), "{\"name\":\"vanishing\"}");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE vanishing_attempts");
            s.execute("CREATE FUNCTION drop_vanishing() RETURNS trigger LANGUAGE plpgsql AS"
                    + " $$ BEGIN PERFORM nextval('vanishing_attempts'); RETURN NULL; END $$");
            s.execute("CREATE TRIGGER vanishing BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.id = '\\x" + event.id()
                    + "'::bytea) EXECUTE FUNCTION drop_vanishing()");
        }
        Connection storing = ds.getConnection();
        storing.setAutoCommit(false);
        long storingBackend;
        try (Statement s = storing.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            storingBackend = rs.getLong(1);
        }
        try {
            assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> events.store(storing, event, KindRegistry.STANDARD.columnsOf(event))))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("changed " + EventRepository.MAX_HEAD_MISSES + " times between insert and lock");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT last_value FROM vanishing_attempts")) {
                rs.next();
                assertThat(rs.getLong(1)).as("inserts tried").isEqualTo(EventRepository.MAX_HEAD_MISSES);
            }
        } finally {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                // Without the bound the store would still be looping on its connection: cut it, so the test fails, not hangs.
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = " + storingBackend
                        + " AND state = 'active'");
                storing.close();
                s.execute("DROP TRIGGER vanishing ON events");
                s.execute("DROP FUNCTION drop_vanishing()");
                s.execute("DROP SEQUENCE vanishing_attempts");
            }
        }
        assertThat(TestDatabase.storeRow(ds, event).outcome()).as("stored once nothing drops it").isEqualTo(Outcome.STORED);
    }

    @Test
    void keepsTheNewestVersionWhateverTheArrivalOrder() throws Exception {
        EventSigner signer = TestKeys.signer(100);
        List<Event> versions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            versions.add(signer.sign(5000 + i / 3, 0, List.of(), "{\"name\":\"v" + i + "\"}"));
        }
        Event expected = versions.stream().reduce((a, b) -> ReplacementKey.supersedes(a, b) ? a : b).orElseThrow();
        for (int round = 0; round < 3; round++) {
            Collections.shuffle(versions, new Random(round));
            for (Event v : versions) {
                TestDatabase.storeRow(ds, v);
            }
            ReplacementKey key = expected.replacementKey();
            assertThat(events.findCurrentJson(key)).contains(expected.toJson());
            assertThat(countWhere("pubkey = ? AND kind = 0", Hex.decode(signer.pubkey()))).isEqualTo(1);
        }
    }

    @Test
    void reportsReplacedAndStaleVersions() throws Exception {
        EventSigner signer = TestKeys.signer(101);
        Event old = signer.sign(100, 3, List.of(List.of("p", "a".repeat(64)), List.of("t", "old")), "");
        Event newer = signer.sign(200, 3, List.of(List.of("p", "b".repeat(64)), List.of("t", "new")), "");
        assertThat(TestDatabase.storeRow(ds, old).outcome()).isEqualTo(Outcome.STORED);
        StoreResult replaced = TestDatabase.storeRow(ds, newer);
        assertThat(replaced.outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(replaced.replacedId()).isEqualTo(old.id());
        assertThat(TestDatabase.storeRow(ds, old).outcome()).isEqualTo(Outcome.STALE);
        assertThat(events.findJson(old.id())).isEmpty();
        assertThat(tagRows(old.id())).isZero();
        assertThat(tagRows(newer.id())).as("its t tag; a contact list's p tags are its follows").isEqualTo(1);
    }

    @Test
    void addressableEventsAreKeyedByTheirDTag() throws Exception {
        EventSigner signer = TestKeys.signer(102);
        Event a = signer.sign(100, 30023, List.of(List.of("d", "a")), "post a");
        Event b = signer.sign(100, 30023, List.of(List.of("d", "b")), "post b");
        Event a2 = signer.sign(300, 30023, List.of(List.of("d", "a")), "post a, edited");
        assertThat(TestDatabase.storeRow(ds, a).outcome()).isEqualTo(Outcome.STORED);
        assertThat(TestDatabase.storeRow(ds, b).outcome()).isEqualTo(Outcome.STORED);
        assertThat(TestDatabase.storeRow(ds, a2).outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(countWhere("pubkey = ? AND kind = 30023", Hex.decode(signer.pubkey()))).isEqualTo(2);
    }

    @Test
    void ephemeralEventsAreNotStored() throws Exception {
        Event e = TestKeys.signer(103).sign(100, 20001, List.of(), "typing");
        assertThat(TestDatabase.storeRow(ds, e).outcome()).isEqualTo(Outcome.EPHEMERAL);
        assertThat(events.findJson(e.id())).isEmpty();
    }

    @Test
    void keepsContentPostgresTextCannotHold() throws Exception {
        Event e = TestKeys.signer(104).sign(100, 1, List.of(List.of("t", "a\u0000b"), List.of("t", "ok")),
                "nul \u0000 inside, \uD83D\uDE00 and \u2028");
        assertThat(TestDatabase.storeRow(ds, e).outcome()).isEqualTo(Outcome.STORED);
        assertThat(parser.parse(events.findJson(e.id()).orElseThrow())).isEqualTo(e);
        assertThat(tagRows(e.id())).isEqualTo(1);
    }

    @Test
    void indexesTagsThreadsAndText() throws Exception {
        EventSigner signer = TestKeys.signer(105);
        Event root = signer.sign(100, 1, List.of(), "The quick brown fox");
        Event reply = signer.sign(101, 1, List.of(List.of("e", root.id(), "", "root"), List.of("p", signer.pubkey()),
                List.of("t", "x".repeat(EventRepository.MAX_INDEXED_TAG_VALUE + 1)), List.of("p", signer.pubkey())), "jumps");
        TestDatabase.storeRow(ds, root);
        TestDatabase.storeRow(ds, reply);
        assertThat(tagRows(reply.id())).isEqualTo(2);
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT reply_to, root_id FROM events WHERE id = ?")) {
                ps.setBytes(1, Hex.decode(reply.id()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(Hex.encode(rs.getBytes(1))).isEqualTo(root.id());
                    assertThat(Hex.encode(rs.getBytes(2))).isEqualTo(root.id());
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT event_id FROM note_search WHERE document @@ to_tsquery('simple', 'quick & fox')");
                 ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(Hex.encode(rs.getBytes(1))).isEqualTo(root.id());
            }
        }
    }

    @Test
    void concurrentVersionsLeaveExactlyTheNewestHead() throws Exception {
        EventSigner signer = TestKeys.signer(106);
        List<Event> versions = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            versions.add(signer.sign(9000 + i % 7, 10002, List.of(List.of("r", "wss://r" + i)), ""));
        }
        Event expected = versions.stream().reduce((a, b) -> ReplacementKey.supersedes(a, b) ? a : b).orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoreResult>> results = new ArrayList<>();
            for (Event v : versions) {
                results.add(pool.submit(() -> TestDatabase.storeRow(ds, v)));
                results.add(pool.submit(() -> TestDatabase.storeRow(ds, v)));
            }
            for (Future<StoreResult> f : results) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(events.findCurrentJson(expected.replacementKey())).contains(expected.toJson());
        assertThat(countWhere("pubkey = ? AND kind = 10002", Hex.decode(signer.pubkey()))).isEqualTo(1);
    }

    private static long tagRows(String id) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM event_tags WHERE event_id = ?")) {
            ps.setBytes(1, Hex.decode(id));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long countWhere(String where, byte[] pubkey) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM events WHERE " + where)) {
            ps.setBytes(1, pubkey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
