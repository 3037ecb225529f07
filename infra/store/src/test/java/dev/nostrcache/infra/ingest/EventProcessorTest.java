package dev.nostrcache.infra.ingest;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.ProcessResult.Outcome;
import dev.nostrcache.infra.testing.StateFingerprint;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class EventProcessorTest {
    private static final long NOW = 1_900_000_000L;
    private HikariDataSource ds;
    private EventProcessor processor;

    @BeforeEach
    void fresh() {
        ds = TestDatabase.fresh();
        processor = new EventProcessor(ds);
    }

    @AfterEach
    void close() {
        ds.close();
    }

    private Outcome process(Event e) throws SQLException {
        return processor.process(e, NOW).outcome();
    }

    private void assertStatsExact() throws SQLException {
        StatsVerifier.Report report = new StatsVerifier(ds, 50).verify();
        assertThat(report.mismatches()).isEmpty();
    }

    private long userStat(String pubkey, String column) throws SQLException {
        return scalar("SELECT coalesce(sum(" + column + "), 0) FROM user_stats WHERE pubkey = ?", Hex.decode(pubkey));
    }

    private long eventStat(String id, String column) throws SQLException {
        return scalar("SELECT coalesce(sum(" + column + "), 0) FROM event_stats WHERE event_id = ?", Hex.decode(id));
    }

    private long scalar(String sql, byte[] param) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setBytes(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void countsRepliesReactionsRepostsAndZapsWhateverArrivesFirst() throws SQLException {
        EventSigner alice = TestKeys.signer(1);
        EventSigner bob = TestKeys.signer(2);
        Event note = alice.sign(100, 1, List.of(), "hello");
        Event reply = bob.sign(101, 1, List.of(List.of("e", note.id(), "", "root"), List.of("p", alice.pubkey())), "hi");
        Event reaction = bob.sign(102, 7, List.of(List.of("e", note.id()), List.of("p", alice.pubkey())), "+");
        Event repost = bob.sign(103, 6, List.of(List.of("e", note.id()), List.of("p", alice.pubkey())), "");
        String request = "{\"kind\":9734,\"pubkey\":\"" + bob.pubkey() + "\",\"tags\":[],\"content\":\"\"}";
        Event zap = TestKeys.signer(3).sign(104, 9735, List.of(List.of("p", alice.pubkey()), List.of("e", note.id()),
                List.of("bolt11", "lnbc210n1x"), List.of("description", request)), "");

        for (Event e : List.of(reaction, zap, reply, repost, note)) {    // children before their parent
            assertThat(process(e)).isEqualTo(Outcome.STORED);
        }
        for (Event e : List.of(note, reply, reaction, repost, zap)) {
            assertThat(process(e)).isEqualTo(Outcome.DUPLICATE);
        }
        assertThat(eventStat(note.id(), "replies")).isEqualTo(1);
        assertThat(eventStat(note.id(), "reactions")).isEqualTo(1);
        assertThat(eventStat(note.id(), "reposts")).isEqualTo(1);
        assertThat(eventStat(note.id(), "zaps")).isEqualTo(1);
        assertThat(eventStat(note.id(), "zapped_msats")).isEqualTo(21_000);
        assertThat(userStat(alice.pubkey(), "note_count")).isEqualTo(1);
        assertThat(userStat(bob.pubkey(), "reply_count")).isEqualTo(1);
        assertThat(userStat(alice.pubkey(), "reactions_received")).isEqualTo(1);
        assertThat(userStat(alice.pubkey(), "zapped_msats")).isEqualTo(21_000);
        assertStatsExact();
    }

    @Test
    void countsEachNoteThatQuotesAnEventOnceAndTakesItBackWhenTheNoteGoes() throws SQLException {
        EventSigner alice = TestKeys.signer(1);
        EventSigner bob = TestKeys.signer(2);
        EventSigner carol = TestKeys.signer(3);
        Event note = alice.sign(100, 1, List.of(), "quote me");
        Event twice = bob.sign(101, 1, List.of(List.of("q", note.id()), List.of("q", note.id(), "", alice.pubkey()),
                List.of("q", note.id().toUpperCase()), List.of("q", "30023:" + alice.pubkey() + ":essay")), "nostr:note");
        Event once = carol.sign(102, 1, List.of(List.of("q", note.id())), "this");
        Event reaction = carol.sign(103, 7, List.of(List.of("e", note.id()), List.of("q", note.id())), "+");

        for (Event e : List.of(twice, once, reaction, note, twice)) {       // quotes before the note, one twice
            process(e);
        }
        assertThat(eventStat(note.id(), "quotes")).as("two notes quote it; a reaction is no quote").isEqualTo(2);
        assertStatsExact();

        assertThat(process(bob.sign(110, 5, List.of(List.of("e", twice.id())), ""))).isEqualTo(Outcome.STORED);
        assertThat(eventStat(note.id(), "quotes")).isEqualTo(1);
        assertStatsExact();
    }

    @Test
    void contactListsReplaceTheFollowGraphAndOnlyTheNewestCounts() throws SQLException {
        EventSigner alice = TestKeys.signer(1);
        String b = TestKeys.signer(2).pubkey();
        String c = TestKeys.signer(3).pubkey();
        String d = TestKeys.signer(4).pubkey();
        Event v1 = alice.sign(100, 3, List.of(List.of("p", b), List.of("p", c)), "");
        Event v2 = alice.sign(200, 3, List.of(List.of("p", c), List.of("p", d), List.of("p", d)), "");

        assertThat(process(v2)).isEqualTo(Outcome.STORED);
        assertThat(process(v1)).isEqualTo(Outcome.STALE);
        assertThat(userStat(alice.pubkey(), "follows_count")).isEqualTo(2);
        assertThat(userStat(b, "followers_count")).isZero();
        assertThat(userStat(d, "followers_count")).isEqualTo(1);
        assertStatsExact();

        Event v3 = alice.sign(300, 3, List.of(List.of("p", b)), "");
        assertThat(process(v3)).isEqualTo(Outcome.REPLACED);
        assertThat(userStat(alice.pubkey(), "follows_count")).isEqualTo(1);
        assertThat(userStat(b, "followers_count")).isEqualTo(1);
        assertThat(userStat(c, "followers_count")).isZero();
        assertStatsExact();
    }

    @Test
    void deletionsHideTheirTargetsInEitherOrderAndOnlyForTheAuthor() throws SQLException {
        EventSigner alice = TestKeys.signer(1);
        EventSigner mallory = TestKeys.signer(9);
        Event note = alice.sign(100, 1, List.of(), "oops");
        Event reaction = alice.sign(101, 7, List.of(List.of("e", "f".repeat(64)), List.of("p", mallory.pubkey())), "+");
        Event deleteNote = alice.sign(110, 5, List.of(List.of("e", note.id())), "");
        Event deleteReaction = alice.sign(111, 5, List.of(List.of("e", reaction.id())), "");
        Event forged = mallory.sign(112, 5, List.of(List.of("e", note.id())), "");

        assertThat(process(deleteNote)).isEqualTo(Outcome.STORED);      // deletion first
        assertThat(process(note)).isEqualTo(Outcome.DELETED);
        assertThat(process(reaction)).isEqualTo(Outcome.STORED);        // target first
        assertThat(userStat(mallory.pubkey(), "reactions_received")).isEqualTo(1);
        assertThat(process(deleteReaction)).isEqualTo(Outcome.STORED);
        assertThat(userStat(mallory.pubkey(), "reactions_received")).isZero();
        assertThat(process(reaction)).isEqualTo(Outcome.DELETED);

        Event other = alice.sign(120, 1, List.of(), "keep me");
        process(other);
        assertThat(process(mallory.sign(121, 5, List.of(List.of("e", other.id())), ""))).isEqualTo(Outcome.STORED);
        assertThat(scalar("SELECT count(*) FROM events WHERE id = ?", Hex.decode(other.id()))).isEqualTo(1);
        assertThat(process(forged)).isEqualTo(Outcome.STORED);
        assertThat(userStat(alice.pubkey(), "note_count")).isEqualTo(1);
        assertStatsExact();
    }

    @Test
    void addressDeletionsRemoveVersionsUpToTheirTime() throws SQLException {
        EventSigner alice = TestKeys.signer(1);
        Event article = alice.sign(100, 30023, List.of(List.of("d", "post")), "v1");
        Event deletion = alice.sign(150, 5, List.of(List.of("a", "30023:" + alice.pubkey() + ":post")), "");
        Event newer = alice.sign(200, 30023, List.of(List.of("d", "post")), "v2");
        assertThat(process(article)).isEqualTo(Outcome.STORED);
        assertThat(process(deletion)).isEqualTo(Outcome.STORED);
        assertThat(userStat(alice.pubkey(), "long_form_note_count")).isZero();
        assertThat(process(article)).isEqualTo(Outcome.DELETED);
        assertThat(process(newer)).isEqualTo(Outcome.STORED);
        assertThat(userStat(alice.pubkey(), "long_form_note_count")).isEqualTo(1);
        assertStatsExact();
    }

    @Test
    void profilesExpiryEphemeralAndMalformedZaps() throws SQLException {
        EventSigner alice = TestKeys.signer(1);
        ProcessResult first = processor.process(alice.sign(100, 0, List.of(), "{\"name\":\"a\",\"picture\":\"https://x/1.png\"}"), NOW);
        assertThat(first.newPicture()).isEqualTo("https://x/1.png");
        ProcessResult same = processor.process(alice.sign(101, 0, List.of(), "{\"name\":\"b\",\"picture\":\"https://x/1.png\"}"), NOW);
        assertThat(same.outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(same.newPicture()).isNull();
        ProcessResult broken = processor.process(alice.sign(102, 0, List.of(), "not json"), NOW);
        assertThat(broken.outcome()).isEqualTo(Outcome.REPLACED);
        assertThat(scalar("SELECT count(*) FROM profiles WHERE pubkey = ? AND NOT content_is_json", Hex.decode(alice.pubkey())))
                .isEqualTo(1);

        assertThat(process(alice.sign(100, 1, List.of(List.of("expiration", Long.toString(NOW - 1))), "gone"))).isEqualTo(Outcome.EXPIRED);
        assertThat(process(alice.sign(100, 1, List.of(List.of("expiration", Long.toString(NOW + 60))), "soon"))).isEqualTo(Outcome.STORED);
        assertThat(process(alice.sign(100, 20000, List.of(), "ephemeral"))).isEqualTo(Outcome.EPHEMERAL);

        ProcessResult zap = processor.process(TestKeys.signer(5).sign(100, 9735, List.of(List.of("p", alice.pubkey())), ""), NOW);
        assertThat(zap.outcome()).isEqualTo(Outcome.STORED);
        assertThat(zap.note()).contains("malformed zap receipt");
        assertThat(userStat(alice.pubkey(), "zaps_received")).isZero();
        assertStatsExact();
    }

    @Test
    void theWorkloadInAnyOrderWithDuplicatesGivesOneStateAndExactCounts() throws Exception {
        List<Event> workload = workload();
        String reference = null;
        for (int round = 0; round < 2; round++) {
            if (round > 0) {
                ds.close();
                fresh();
            }
            List<Event> deliveries = new ArrayList<>(workload);
            deliveries.addAll(workload);
            deliveries.addAll(workload.subList(0, 400));
            Collections.shuffle(deliveries, new Random(round));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<ProcessResult>> results = new ArrayList<>();
                for (Event e : deliveries) {
                    results.add(pool.submit(() -> processor.process(e, NOW)));
                }
                for (Future<ProcessResult> f : results) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertStatsExact();
            String state = StateFingerprint.of(ds);
            if (reference == null) {
                reference = state;
            }
            assertThat(state).isEqualTo(reference);
        }
    }

    private List<Event> workload() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        List<Event> workload = new ArrayList<>();
        for (String line : TestData.lines("workload-events.jsonl")) {
            workload.add(parser.parse(line));
        }
        return workload;
    }

    @Test
    void batchesOfAnySizeInAnyOrderWithDuplicatesGiveTheStateOfOneByOne() throws Exception {
        List<Event> workload = workload();
        for (Event e : workload) {
            processor.process(e, NOW);
        }
        String oneByOne = StateFingerprint.of(ds);
        ds.close();
        fresh();

        List<Event> deliveries = new ArrayList<>(workload);
        deliveries.addAll(workload);
        deliveries.addAll(workload.subList(0, 400));
        Collections.shuffle(deliveries, new Random(7));
        Random sizes = new Random(11);
        List<List<Event>> batches = new ArrayList<>();
        for (int from = 0; from < deliveries.size(); ) {
            int to = Math.min(deliveries.size(), from + 1 + sizes.nextInt(300));
            batches.add(deliveries.subList(from, to));
            from = to;
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<EventProcessor.Processed>>> results = new ArrayList<>();
            for (List<Event> batch : batches) {
                results.add(pool.submit(() -> processor.processAll(batch, NOW)));
            }
            for (int b = 0; b < batches.size(); b++) {
                List<EventProcessor.Processed> processed = results.get(b).get();
                assertThat(processed).extracting(EventProcessor.Processed::event).containsExactlyElementsOf(batches.get(b));
                assertThat(processed).allSatisfy(p -> assertThat(p.failure()).isNull());
            }
        } finally {
            pool.shutdown();
        }
        assertStatsExact();
        assertThat(StateFingerprint.of(ds)).isEqualTo(oneByOne);
    }

    @Test
    void aDeletionAndItsTargetInOneBatchLeaveTheTargetDeletedInEitherOrder() throws Exception {
        EventSigner alice = TestKeys.signer(1);
        Event note = alice.sign(100, 1, List.of(), "to be deleted");
        Event deletion = alice.sign(101, 5, List.of(List.of("e", note.id())), "");
        assertThat(processor.processAll(List.of(note, deletion), NOW)).extracting(p -> p.result().outcome())
                .containsExactly(Outcome.STORED, Outcome.STORED);
        assertThat(scalar("SELECT count(*) FROM events WHERE kind = 1", null)).isZero();
        assertThat(userStat(alice.pubkey(), "note_count")).isZero();

        ds.close();
        fresh();
        assertThat(processor.processAll(List.of(deletion, note), NOW)).extracting(p -> p.result().outcome())
                .containsExactly(Outcome.STORED, Outcome.DELETED);
        assertThat(scalar("SELECT count(*) FROM events WHERE kind = 1", null)).isZero();
        assertStatsExact();
    }

    /**
     * A batch's regular events are stored together (one statement per table): each still gets the outcome, rows and
     * counts storing it alone gives, beside the replaceable and ephemeral events of the same batch.
     */
    @Test
    void regularEventsStoredTogetherGetTheOutcomesRowsAndCountsOfOneByOne() throws Exception {
        EventSigner alice = TestKeys.signer(1);
        EventSigner bob = TestKeys.signer(2);
        Event note = alice.sign(100, 1, List.of(List.of("t", "nostr")), "hello world");
        Event reply = bob.sign(101, 1, List.of(List.of("e", note.id(), "", "reply"), List.of("p", alice.pubkey())), "hi");
        Event reaction = bob.sign(102, 7, List.of(List.of("e", note.id()), List.of("p", alice.pubkey())), "+");
        Event deletedEarlier = bob.sign(103, 1, List.of(), "regretted");
        processor.process(bob.sign(104, 5, List.of(List.of("e", deletedEarlier.id())), ""), NOW);
        Event expired = bob.sign(105, 1, List.of(List.of("expiration", Long.toString(NOW - 1))), "gone");
        Event ephemeral = bob.sign(106, 20001, List.of(), "now only");
        Event profile = bob.sign(107, 0, List.of(), "{\"name\":\"bob\"}");

        List<EventProcessor.Processed> processed = processor.processAll(List.of(note, reply, reaction, note,
                deletedEarlier, expired, ephemeral, profile, reply), NOW);

        assertThat(processed).extracting(p -> p.result().outcome()).containsExactly(Outcome.STORED, Outcome.STORED,
                Outcome.STORED, Outcome.DUPLICATE, Outcome.DELETED, Outcome.EXPIRED, Outcome.EPHEMERAL, Outcome.STORED,
                Outcome.DUPLICATE);
        assertThat(scalar("SELECT count(*) FROM events WHERE kind IN (1, 7)", null)).isEqualTo(3);
        assertThat(scalar("SELECT count(*) FROM event_tags WHERE event_id = ?", Hex.decode(reply.id()))).isEqualTo(2);
        assertThat(scalar("SELECT count(*) FROM note_search WHERE document @@ plainto_tsquery('simple', 'world')", null))
                .isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM events WHERE reply_to = ?", Hex.decode(note.id()))).isEqualTo(1);
        assertThat(eventStat(note.id(), "replies")).isEqualTo(1);
        assertThat(eventStat(note.id(), "reactions")).isEqualTo(1);
        assertThat(userStat(alice.pubkey(), "note_count")).isEqualTo(1);
        assertThat(userStat(bob.pubkey(), "reply_count")).isEqualTo(1);
        assertStatsExact();
    }

    /**
     * A batch's replaceable and addressable events are stored together with its regular ones: versions of one address
     * in either order, a duplicate, one that an address deletion keeps out and one newer than that deletion each get
     * the outcome, rows and counts that storing them one by one in the batch's order gives.
     */
    @Test
    void replaceableEventsStoredTogetherGetTheOutcomesRowsAndCountsOfOneByOne() throws Exception {
        EventSigner alice = TestKeys.signer(1);
        EventSigner bob = TestKeys.signer(2);
        EventSigner carol = TestKeys.signer(3);
        Event addressDeletion = alice.sign(150, 5, List.of(List.of("a", "30023:" + alice.pubkey() + ":post")), "");
        Event olderProfile = alice.sign(100, 0, List.of(), "{\"name\":\"old\"}");
        Event newerProfile = alice.sign(200, 0, List.of(), "{\"name\":\"new\"}");
        Event deletedArticle = alice.sign(100, 30023, List.of(List.of("d", "post")), "v1");
        Event article = alice.sign(200, 30023, List.of(List.of("d", "post")), "v2");
        Event olderList = bob.sign(100, 3, List.of(List.of("p", alice.pubkey())), "");
        Event newerList = bob.sign(200, 3, List.of(List.of("p", carol.pubkey())), "");
        Event note = carol.sign(100, 1, List.of(), "hello");
        List<Event> batch = List.of(olderProfile, newerProfile, olderProfile, deletedArticle, article, newerList,
                olderList, note, newerList);

        processor.process(addressDeletion, NOW);
        List<Outcome> oneByOne = new ArrayList<>();
        for (Event e : batch) {
            oneByOne.add(process(e));
        }
        String oneByOneState = StateFingerprint.of(ds);
        ds.close();
        fresh();
        processor.process(addressDeletion, NOW);
        List<EventProcessor.Processed> processed = processor.processAll(batch, NOW);

        assertThat(oneByOne).containsExactly(Outcome.STORED, Outcome.REPLACED, Outcome.STALE, Outcome.DELETED,
                Outcome.STORED, Outcome.STORED, Outcome.STALE, Outcome.STORED, Outcome.DUPLICATE);
        assertThat(processed).extracting(p -> p.result().outcome()).containsExactlyElementsOf(oneByOne);
        assertThat(StateFingerprint.of(ds)).isEqualTo(oneByOneState);
        assertThat(scalar("SELECT count(*) FROM profiles WHERE name = 'new'", null)).isEqualTo(1);
        assertThat(userStat(carol.pubkey(), "followers_count")).isEqualTo(1);
        assertThat(userStat(alice.pubkey(), "followers_count")).isZero();
        assertThat(userStat(alice.pubkey(), "long_form_note_count")).isEqualTo(1);
        assertStatsExact();
    }

    /**
     * Contact lists that replace one another within one batch's transaction (set-based and, with a deletion request in
     * the batch, one by one), one emptied and one deleted in it: each counts against the list before it, and the rows
     * left are those of storing the events one by one: no row for a list that follows no one, each other's follows in
     * byte order in a one-based array.
     */
    @Test
    void followListsChangedSeveralTimesInOneTransactionEndAsStoredOneByOne() throws Exception {
        EventSigner alice = TestKeys.signer(1);
        EventSigner bob = TestKeys.signer(2);
        EventSigner carol = TestKeys.signer(3);
        List<String> others = new ArrayList<>();
        for (int i = 10; i < 16; i++) {
            others.add(TestKeys.signer(i).pubkey());
        }
        List<List<String>> carolsTags = new ArrayList<>();
        for (String pubkey : others.reversed()) {
            carolsTags.add(List.of("p", pubkey));
        }
        Event bobBefore = bob.sign(50, 3, List.of(List.of("p", alice.pubkey()), List.of("p", carol.pubkey())), "");
        Event aliceFirst = alice.sign(100, 3, List.of(List.of("p", others.get(0)), List.of("p", others.get(1))), "");
        Event aliceSecond = alice.sign(200, 3, List.of(List.of("p", others.get(1)), List.of("p", others.get(2))), "");
        Event aliceThird = alice.sign(300, 3, List.of(List.of("p", others.get(3))), "");
        Event bobEmptied = bob.sign(100, 3, List.of(), "");
        Event carols = carol.sign(100, 3, carolsTags, "");
        Event carolsDeleted = carol.sign(101, 5, List.of(List.of("e", carols.id())), "");
        List<List<Event>> batches = List.of(
                List.of(aliceFirst, aliceSecond, bobEmptied, carols, aliceThird),
                List.of(aliceFirst, aliceSecond, carols, carolsDeleted, aliceThird, bobEmptied));

        for (List<Event> batch : batches) {
            processor.process(bobBefore, NOW);
            for (Event e : batch) {
                processor.process(e, NOW);
            }
            String oneByOne = StateFingerprint.of(ds);
            ds.close();
            fresh();
            processor.process(bobBefore, NOW);
            assertThat(processor.processAll(batch, NOW)).allSatisfy(p -> assertThat(p.failure()).isNull());

            assertThat(StateFingerprint.of(ds)).isEqualTo(oneByOne);
            assertThat(scalar("SELECT count(*) FROM follow_lists WHERE follower = ?", Hex.decode(bob.pubkey()))).isZero();
            boolean carolsStands = !batch.contains(carolsDeleted);
            assertThat(userStat(alice.pubkey(), "follows_count")).isEqualTo(1);
            assertThat(userStat(others.get(3), "followers_count")).isEqualTo(carolsStands ? 2 : 1);
            assertThat(userStat(others.get(1), "followers_count")).isEqualTo(carolsStands ? 1 : 0);
            assertThat(userStat(carol.pubkey(), "followers_count")).isZero();
            assertThat(userStat(carol.pubkey(), "follows_count")).isEqualTo(carolsStands ? 6 : 0);
            assertThat(scalar("SELECT count(*) FROM follow_lists WHERE follower = ? AND array_lower(followed, 1) = 1"
                    + " AND followed = (SELECT array_agg(k ORDER BY k) FROM unnest(followed) AS k)",
                    Hex.decode(carol.pubkey()))).isEqualTo(carolsStands ? 1 : 0);
            assertStatsExact();
            ds.close();
            fresh();
        }
    }

    @Test
    void anEventTheDatabaseRefusesKeepsOnlyItselfOutOfItsBatch() throws Exception {
        TestDatabase.refuseEventsWhere(ds, "NEW.json LIKE '%poison%'");
        EventSigner alice = TestKeys.signer(1);
        List<Event> batch = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            batch.add(alice.sign(100 + i, 1, List.of(), i == 120 ? "poison" : "note " + i));
        }
        List<EventProcessor.Processed> processed = processor.processAll(batch, NOW);

        assertThat(processed).hasSize(150);
        assertThat(processed.get(120).failure()).hasMessageContaining("this event is refused");
        assertThat(processed.stream().filter(p -> p.failure() == null).map(p -> p.result().outcome()))
                .hasSize(149).containsOnly(Outcome.STORED);
        assertThat(scalar("SELECT count(*) FROM events", null)).isEqualTo(149);
        assertThat(userStat(alice.pubkey(), "note_count")).isEqualTo(149);
        assertStatsExact();
    }
}
