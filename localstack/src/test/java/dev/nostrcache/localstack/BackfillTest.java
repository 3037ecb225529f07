package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.ingest.StatsVerifier;
import dev.nostrcache.worker.testing.ReferenceRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Back-fill, catch-up, the on-demand back-fill and export, through the whole local runtime, against a NIP-01 relay on
 * loopback that pages as public relays do (at most 50 events per answer, newest first). It holds about 3,000 events
 * over six months: several versions of every profile, contact list, relay list and article, more than one page of each
 * regular kind, and seconds crowded with more events than one answer holds, at page boundaries.
 */
class BackfillTest {
    private static final int CAP = 50;
    private static final int WINDOW_DAYS = 30;
    private static final long DAY = 86_400;
    private static final long NOW = System.currentTimeMillis() / 1000;

    private static ReferenceRelay relay;
    private static List<String> corpus;

    @TempDir
    Path dir;

    @BeforeAll
    static void relay() throws Exception {
        corpus = corpus(new Random(19));
        relay = new ReferenceRelay(CAP);
        relay.load(corpus);
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
    }

    /** The corpus: 60 authors (so each latest-only kind, too, takes more than one answer); no regular event within a day of the window's edge, so "within" is unambiguous. */
    private static List<String> corpus(Random random) {
        List<EventSigner> authors = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            authors.add(TestKeys.signer(200 + i));
        }
        List<String> out = new ArrayList<>();
        List<Event> notes = new ArrayList<>();
        for (int a = 0; a < authors.size(); a++) {
            EventSigner author = authors.get(a);
            for (int version = 0; version < 3; version++) {
                long at = NOW - (version * 50 + random.nextInt(40) + 1) * DAY;
                out.add(author.sign(at, 0, List.of(), "{\"name\":\"author " + a + " v" + version + "\"}").toJson());
                List<List<String>> follows = new ArrayList<>();
                for (int f = 0; f < authors.size(); f++) {
                    if (f != a && random.nextInt(3 - version % 2) == 0) {
                        follows.add(List.of("p", authors.get(f).pubkey()));
                    }
                }
                out.add(author.sign(at + 7, 3, follows, "").toJson());
            }
            for (int version = 0; version < 2; version++) {
                long at = NOW - (version * 70 + 3) * DAY - random.nextInt(10_000);
                out.add(author.sign(at, 10002, List.of(List.of("r", "wss://relay" + version + ".example")), "").toJson());
                for (String d : List.of("first", "second")) {
                    out.add(author.sign(at - 5, 30023, List.of(List.of("d", d)), "article " + d + " v" + version).toJson());
                }
            }
        }
        for (int i = 0; i < 1_700; i++) {
            EventSigner author = authors.get(random.nextInt(authors.size()));
            long at = random.nextBoolean() ? NOW - 60 - random.nextInt((int) ((WINDOW_DAYS - 1) * DAY))
                    : NOW - (WINDOW_DAYS + 1) * DAY - random.nextInt((int) (150 * DAY));
            if (i % 4 == 1 && !notes.isEmpty()) {
                at = notes.getLast().createdAt(); // pairs sharing one second
            }
            Event note = author.sign(at, 1, List.of(), "note " + i);
            notes.add(note);
            out.add(note.toJson());
        }
        // Seconds holding more than one answer's worth (each kind alone fits in one).
        for (long crowded : List.of(NOW - 2 * DAY, NOW - 9 * DAY - 17, NOW - 20 * DAY - 3)) {
            for (int i = 0; i < 45; i++) {
                EventSigner author = authors.get(i % authors.size());
                Event target = notes.get(random.nextInt(notes.size()));
                out.add(author.sign(crowded, 1, List.of(), "crowded note " + crowded + " " + i).toJson());
                out.add(author.sign(crowded, 7, List.of(List.of("e", target.id()), List.of("p", target.pubkey())), "+").toJson());
                if (i < 30) {
                    out.add(author.sign(crowded, 6, List.of(List.of("e", target.id()), List.of("p", target.pubkey())), "").toJson());
                }
            }
        }
        for (int i = 0; i < 400; i++) {
            Event target = notes.get(random.nextInt(notes.size()));
            EventSigner author = authors.get(random.nextInt(authors.size()));
            long at = Math.min(NOW - 30, target.createdAt() + random.nextInt(3_600));
            if (Math.abs(at - (NOW - WINDOW_DAYS * DAY)) < 2 * DAY) {
                continue;
            }
            out.add(author.sign(at, 7, List.of(List.of("e", target.id()), List.of("p", target.pubkey())), "+").toJson());
        }
        return out;
    }

    /** The relay's events a cache with the window should hold: every latest-only version, regular ones in the window. */
    private static Set<String> expected(int windowDays, List<Integer> kinds) throws Exception {
        Set<String> ids = new HashSet<>();
        var parser = new dev.nostrcache.core.event.EventParser(dev.nostrcache.core.Limits.DEFAULTS);
        for (String json : relay.held()) {
            Event e = parser.parse(json);
            boolean latestOnly = e.kindClass() == KindClass.REPLACEABLE || e.kindClass() == KindClass.ADDRESSABLE;
            if (kinds.contains(e.kind()) && (latestOnly || e.createdAt() >= NOW - windowDays * DAY)) {
                ids.add(e.id());
            }
        }
        return ids;
    }

    private Path config(int backfillDays, String extra) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, "
                + "\"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"relay_discovery_cap\": 0, "
                + "\"upstream_relays\": [\"" + relay.url() + "\"], \"backfill_days\": " + backfillDays + extra + "}");
        return file;
    }

    private LocalStack start(String extra) throws Exception {
        config(WINDOW_DAYS, extra);
        return LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir));
    }

    private static Set<String> storedIds(DataSource ds) throws SQLException {
        Set<String> ids = new HashSet<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT encode(id, 'hex') FROM events")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long count(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for %s", what).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Waits until the worker has planned its fetches and finished them all, and the queues are empty. */
    private static void awaitFetched(LocalStack stack) throws Exception {
        await("the fetch jobs", Duration.ofMinutes(3), () -> count(stack.dataSource(), "SELECT count(*) FROM relay_fetches") > 0
                && count(stack.dataSource(), "SELECT count(*) FROM relay_fetches WHERE finished_at IS NULL") == 0);
        assertThat(stack.awaitDrained(Duration.ofMinutes(2))).isTrue();
    }

    private static void assertConsistent(LocalStack stack) throws Exception {
        assertThat(new StatsVerifier(stack.dataSource(), 50).verify().mismatches()).isEmpty();
        assertThat(stack.deadLetters()).isEmpty();
    }

    private static final List<Integer> KINDS = List.of(0, 1, 3, 5, 6, 7, 16, 9735, 10002, 30023);

    @Test
    void aFreshCacheHoldsExactlyTheRelaysEventsInTheWindowAndExportImportGivesTheSameState() throws Exception {
        Path exported = dir.resolve("export.jsonl");
        var parser = new dev.nostrcache.core.event.EventParser(dev.nostrcache.core.Limits.DEFAULTS);
        Map<Integer, Long> perKind = new java.util.TreeMap<>();
        Set<String> wanted = expected(WINDOW_DAYS, KINDS);
        for (String json : relay.held()) {
            Event e = parser.parse(json);
            if (wanted.contains(e.id())) {
                perKind.merge(e.kind(), 1L, Long::sum);
            }
        }
        assertThat(perKind).as("every kind takes more than one answer").containsOnlyKeys(0, 1, 3, 6, 7, 10002, 30023)
                .allSatisfy((kind, n) -> assertThat(n).isGreaterThan(CAP));
        try (LocalStack stack = start("")) {
            awaitFetched(stack);
            assertThat(storedIds(stack.dataSource())).isEqualTo(expected(WINDOW_DAYS, KINDS));
            assertConsistent(stack);
            assertThat(count(stack.dataSource(), "SELECT fetched_events FROM relays")).isGreaterThanOrEqualTo(
                    expected(WINDOW_DAYS, KINDS).size());
            assertThat(count(stack.dataSource(), "SELECT backfill_oldest FROM relays")).as("the oldest second reached")
                    .isEqualTo(count(stack.dataSource(), "SELECT min(created_at) FROM events"));
            assertThat(count(stack.dataSource(), "SELECT sum(pages) FROM relay_fetches")).as("paged, not one answer")
                    .isGreaterThan(expected(WINDOW_DAYS, KINDS).size() / CAP);
            assertThat(stack.meterRegistry().get("nostr_cache.history_events_fetched").functionCounter().count())
                    .isGreaterThanOrEqualTo(expected(WINDOW_DAYS, KINDS).size());
            assertThat(stack.meterRegistry().get("nostr_cache.fetch_jobs_open").gauge().value()).isZero();
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("export", exported.toString(), "--config", dir.resolve("config.json").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("exported " + String.format("%,d", expected(WINDOW_DAYS, KINDS).size()) + " events");
        List<String> lines = Files.readAllLines(exported);
        Set<String> inWindow = expected(WINDOW_DAYS, KINDS);
        assertThat(new HashSet<>(lines)).as("byte for byte as the relay has them").isEqualTo(relay.held().stream()
                .filter(json -> inWindow.contains(json.substring(7, 71))).collect(java.util.stream.Collectors.toSet()));

        // Into an empty cache: the same events, the same counts.
        Path second = dir.resolve("second");
        Files.createDirectories(second);
        Files.writeString(second.resolve("config.json"), "{\"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"upstream_relays\": []}");
        String secondConfig = second.resolve("config.json").toString();
        assertThat(Main.run(List.of("import", exported.toString(), "--config", secondConfig), System.out, System.err)).isZero();
        ByteArrayOutputStream stats = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("verify-stats", "--config", secondConfig), new PrintStream(stats, true, StandardCharsets.UTF_8),
                System.err)).isZero();
        assertThat(stats.toString(StandardCharsets.UTF_8)).contains("no mismatch");
        Path again = dir.resolve("again.jsonl");
        assertThat(Main.run(List.of("export", again.toString(), "--config", secondConfig), System.out, System.err)).isZero();
        assertThat(Files.readAllLines(again)).isEqualTo(lines);

        ByteArrayOutputStream kindOne = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("export", "-", "--kinds", "1", "--since", String.valueOf(NOW - 2 * DAY), "--config", secondConfig),
                new PrintStream(kindOne, true, StandardCharsets.UTF_8), System.err)).isZero();
        List<String> recentNotes = kindOne.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(recentNotes).isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"kind\":1,"));
        assertThat(recentNotes).hasSize((int) lines.stream().filter(l -> l.contains("\"kind\":1,")
                && Long.parseLong(l.replaceAll(".*\"created_at\":(\\d+).*", "$1")) >= NOW - 2 * DAY).count());
    }

    @Test
    void aWorkerStoppedMidBackFillFinishesItAfterARestart() throws Exception {
        String slowly = ", \"backfill_rate\": 400";
        long open;
        try (LocalStack stack = start(slowly)) {
            await("a few pages", Duration.ofMinutes(1), () -> count(stack.dataSource(), "SELECT coalesce(sum(pages), 0) FROM relay_fetches") >= 3);
            open = count(stack.dataSource(), "SELECT count(*) FROM relay_fetches WHERE finished_at IS NULL");
            assertThat(open).as("stopped in the middle").isPositive();
        }
        try (LocalStack stack = start(slowly)) {
            awaitFetched(stack);
            assertThat(count(stack.dataSource(), "SELECT count(*) FROM relay_fetches WHERE reason = 'backfill'"))
                    .as("the same back-fill jobs, finished after the restart, none planned again").isEqualTo(2);
            assertThat(storedIds(stack.dataSource())).isEqualTo(expected(WINDOW_DAYS, KINDS));
            assertConsistent(stack);
        }
    }

    @Test
    void aWorkerDownForADayCatchesUpTheGap() throws Exception {
        List<String> whileDown = new ArrayList<>();
        try (LocalStack stack = start("")) {
            awaitFetched(stack);
        }
        // Stopped a day ago (the cursor says so, written while nothing runs); meanwhile the relay received 250 events.
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.DATABASE);
             Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE relays SET since_cursor = " + (NOW - DAY));
        }
        EventSigner author = TestKeys.signer(260);
        for (int i = 0; i < 250; i++) {
            whileDown.add(author.sign(NOW - DAY + 60 + (i / 3) * 300L, 1, List.of(), "while the cache was down " + i).toJson());
        }
        relay.load(whileDown);
        try {
            try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir))) {
                await("the catch-up", Duration.ofMinutes(2), () -> count(stack.dataSource(),
                        "SELECT count(*) FROM relay_fetches WHERE reason = 'catch-up' AND finished_at IS NOT NULL") > 0);
                assertThat(stack.awaitDrained(Duration.ofMinutes(1))).isTrue();
                Set<String> stored = storedIds(stack.dataSource());
                assertThat(stored).isEqualTo(expected(WINDOW_DAYS, KINDS));
                assertConsistent(stack);
            }
        } finally {
            relay.forget(whileDown);
        }
    }

    @Test
    void theBackfillCommandFetchesWhatItIsAskedForThroughTheQueues() throws Exception {
        Path file = config(0, "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(List.of("backfill", "--relay", relay.url(), "--since", String.valueOf(NOW - 10 * DAY),
                        "--kinds", "1,7", "--config", file.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String said = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(said).isZero();
        assertThat(said).contains("fetching kinds [1, 7]", "backfill finished: 1 relays");
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.DATABASE)) {
            assertThat(storedIds(stack.dataSource())).isEqualTo(expected(10, List.of(1, 7)));
            assertThat(new StatsVerifier(stack.dataSource(), 50).verify().mismatches()).isEmpty();
        }

        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("backfill", "--kinds", "24133", "--config", file.toString()), System.out,
                new PrintStream(refused, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(refused.toString(StandardCharsets.UTF_8)).contains("not in ingest_kinds");
    }
}
