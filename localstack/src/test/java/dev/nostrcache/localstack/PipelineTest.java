package dev.nostrcache.localstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.Expiration;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.ingest.StatsVerifier;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.testing.StateFingerprint;
import dev.nostrcache.infra.testing.TestDatabase;
import dev.nostrcache.worker.testing.TestRelay;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole ingest path on the real stand-ins: relays on loopback, the worker, ElasticMQ, the functions through
 * their event-source mappings, PostgreSQL. Its result must equal processing the same events directly.
 */
class PipelineTest {
    private static final List<Integer> KINDS = List.of(0, 1, 3, 5, 6, 7, 16, 9735, 10002, 30023);
    private static List<String> workload;
    private static String reference;

    @TempDir
    Path dir;

    /** The state a direct, in-order ingest of the workload's cached kinds gives. */
    @BeforeAll
    static void reference() throws Exception {
        workload = TestData.lines("workload-events.jsonl");
        EventParser parser = new EventParser(Limits.DEFAULTS);
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventProcessor processor = new EventProcessor(ds);
            for (String line : workload) {
                Event e = parser.parse(line);
                if (KINDS.contains(e.kind())) {
                    processor.process(e, System.currentTimeMillis() / 1000);
                }
            }
            reference = StateFingerprint.of(ds);
        }
    }

    private CacheConfig config(String extra) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, "
                + "\"relay_discovery_cap\": 0, \"backfill_days\": 0" + extra + "}");
        return ConfigLoader.load(List.of(), Map.of(), dir);
    }

    private static void assertExact(LocalStack stack) throws Exception {
        assertThat(new StatsVerifier(stack.dataSource(), 50).verify().mismatches()).isEmpty();
        assertThat(StateFingerprint.of(stack.dataSource())).isEqualTo(reference);
        assertThat(stack.deadLetters()).isEmpty();
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void twoOverlappingRelaysInAnyOrderGiveTheDirectResult() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        // Relay A: replaceable versions newest first (older ones arrive after newer), everything else shuffled in.
        List<String> a = new ArrayList<>(workload);
        Collections.shuffle(a, new Random(1));
        a.sort(Comparator.comparingLong(line -> {
            try {
                Event e = parser.parse(line);
                return e.replacementKey() == null ? 0 : -e.createdAt();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }));
        // Relay B: the same events in another random order, the first 300 twice.
        List<String> b = new ArrayList<>(workload);
        b.addAll(workload.subList(0, 300));
        Collections.shuffle(b, new Random(2));

        try (TestRelay relayA = TestRelay.serving(a); TestRelay relayB = TestRelay.serving(b)) {
            CacheConfig config = config(", \"upstream_relays\": [\"" + relayA.url() + "\", \"" + relayB.url() + "\"]");
            try (LocalStack stack = LocalStack.start(config)) {
                long cached = workload.stream().filter(l -> {
                    try {
                        return KINDS.contains(parser.parse(l).kind());
                    } catch (Exception e) {
                        return false;
                    }
                }).count();
                await("both relays read", Duration.ofSeconds(60), () ->
                        stack.worker().metrics().received(relayA.url()) == cached
                                && stack.worker().metrics().received(relayB.url()) >= cached);
                assertThat(stack.awaitDrained(Duration.ofSeconds(90))).isTrue();
                assertThat(stack.worker().metrics().duplicates()).isGreaterThanOrEqualTo(cached);
                assertExact(stack);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = Main.run(List.of("verify-stats", "--config", dir.resolve("config.json").toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("no mismatch");
            assertThat(exit).isZero();
        }
    }

    @Test
    void everyEventDeliveredThreeTimesInRandomOrderGivesTheDirectResult() throws Exception {
        List<String> thrice = new ArrayList<>(workload);
        thrice.addAll(workload);
        thrice.addAll(workload);
        Collections.shuffle(thrice, new Random(3));
        try (LocalStack stack = LocalStack.start(config(""), LocalStack.Mode.PIPELINE)) {
            send(stack, thrice);
            assertThat(stack.awaitDrained(Duration.ofSeconds(120))).isTrue();
            assertExact(stack);
        }
    }

    @Test
    void aDatabaseOutageLongerThanTheRetryWindowDeadLettersNothing() throws Exception {
        // Retries at 1, 2, 4 and 8 s: a message failed five times (and was dead-lettered) 15 s into an outage.
        try (LocalStack stack = LocalStack.start(config(", \"local_retry_delay_seconds\": 1"), LocalStack.Mode.PIPELINE)) {
            int half = workload.size() / 2;
            send(stack, workload.subList(0, half));
            Thread restart = new Thread(() -> {
                try {
                    stack.restartDatabase(Duration.ofSeconds(25));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restart.start();
            Thread.sleep(500);
            send(stack, workload.subList(half, workload.size()));
            restart.join();
            awaitReference(stack);
            assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(stack.meterRegistry().find("nostr_cache.outage_requeues").counters())
                    .as("messages waited on their queues during the outage")
                    .anySatisfy(c -> assertThat(c.count()).isPositive());
            assertExact(stack);
        }
    }

    @Test
    void theDatabaseKilledMidIngestLosesNoEventWhoseMessageWasDeleted() throws Exception {
        try (LocalStack stack = LocalStack.start(config(", \"local_retry_delay_seconds\": 1"), LocalStack.Mode.PIPELINE)) {
            assertThat(setting(stack, "fsync")).isEqualTo("on");
            assertThat(setting(stack, "synchronous_commit")).isEqualTo("on");
            int third = workload.size() / 3;
            send(stack, workload.subList(0, third));
            // Kill while the functions commit batch after batch and delete their messages.
            await("ingest under way", Duration.ofSeconds(30), () -> {
                try {
                    return new EventRepository(stack.dataSource()).count() > 50;
                } catch (Exception e) {
                    return false;
                }
            });
            Thread crash = new Thread(() -> {
                try {
                    stack.crashDatabase(Duration.ofSeconds(3));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            crash.start();
            send(stack, workload.subList(third, workload.size()));
            crash.join();
            awaitReference(stack);
            assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertExact(stack);
        }
    }

    private static void awaitReference(LocalStack stack) throws Exception {
        await("every event stored", Duration.ofSeconds(120), () -> {
            try {
                return StateFingerprint.of(stack.dataSource()).equals(reference);
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static String setting(LocalStack stack, String name) throws Exception {
        try (var c = stack.dataSource().getConnection(); var st = c.createStatement(); var rs = st.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void theQueuesRestartedMidStreamLoseNothing() throws Exception {
        // A receive whose answer the restart lost hides its messages for the visibility timeout: keep it short here.
        try (LocalStack stack = LocalStack.start(config(", \"local_visibility_timeout_seconds\": 10"), LocalStack.Mode.PIPELINE)) {
            int half = workload.size() / 2;
            send(stack, workload.subList(0, half));
            Thread restart = new Thread(() -> {
                try {
                    stack.restartQueues(Duration.ofSeconds(3));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            restart.start();
            Thread.sleep(300);
            send(stack, workload.subList(half, workload.size()));
            restart.join();
            assertThat(stack.publisher().retries()).as("sends failed while the queues were down").isPositive();
            // Messages a function had taken before the restart come back after their visibility timeout (their events
            // are stored already): wait for the state rather than for empty queues.
            awaitReference(stack);
            assertExact(stack);
        }
    }

    @Test
    void aPoisonMessageEndsInTheDeadLetterQueueIsReportedAndRedriveBringsItBack() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        Event poison = parser.parse(workload.stream().filter(l -> l.contains("\"kind\":1,")).findFirst().orElseThrow());
        CacheConfig config = config(", \"local_retry_delay_seconds\": 0");
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.PIPELINE)) {
            TestDatabase.refuseEventsWhere(stack.dataSource(), "NEW.id = '\\x" + poison.id() + "'");
            send(stack, workload);
            assertThat(stack.awaitDrained(Duration.ofSeconds(90))).isTrue();
            String dlq = stack.queueUrls().get("nostr-cache-notes-dlq");
            List<Message> dead = stack.sqsClient().receiveMessage(r -> r.queueUrl(dlq).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).visibilityTimeout(0)).messages();
            assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).contains(poison.id()));
            EventRepository events = new EventRepository(stack.dataSource());
            assertThat(events.findJson(poison.id())).isEmpty();
            assertThat(new StatsVerifier(stack.dataSource(), 50).verify().mismatches()).isEmpty();
            assertThat(events.count()).isGreaterThan(1000);
            TestDatabase.acceptEventsAgain(stack.dataSource());
        }

        // The next start says so, and the metrics carry it.
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.PIPELINE)) {
            ByteArrayOutputStream described = new ByteArrayOutputStream();
            stack.describe(new PrintStream(described, true, StandardCharsets.UTF_8));
            assertThat(described.toString(StandardCharsets.UTF_8))
                    .contains("Dead letters {nostr-cache-notes-dlq=1}", "./run.sh redrive");
            assertThat(scrape(stack)).contains("nostr_cache_dead_letter_messages{queue=\"nostr-cache-notes-dlq\"} 1.0",
                    "nostr_cache_dead_letter_messages{queue=\"nostr-cache-zaps-dlq\"} 0.0");
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String configFile = dir.resolve("config.json").toString();
        assertThat(Main.run(List.of("redrive", "--queue", "nope", "--config", configFile), System.out, System.err))
                .as("an unknown queue").isEqualTo(2);
        assertThat(Main.run(List.of("redrive", "--queue", "notes", "--config", configFile),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("moving 1 messages from nostr-cache-notes-dlq back to "
                + "nostr-cache-notes", "moved 1 messages back");

        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.PIPELINE)) {
            await("the redriven event stored", Duration.ofSeconds(60), () -> {
                try {
                    return new EventRepository(stack.dataSource()).findJson(poison.id()).isPresent();
                } catch (java.sql.SQLException e) {
                    return false;
                }
            });
            assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertExact(stack);
        }
    }

    private static String scrape(LocalStack stack) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                stack.managementUrl().resolve("/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void importStoresADumpAndReportsItsBadLines() throws Exception {
        config("");
        List<String> lines = new ArrayList<>(workload);
        lines.add(5, "{\"kind\": 1}");
        lines.add(9, "not json at all");
        Path dump = Files.write(dir.resolve("dump.jsonl"), lines);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Main.run(List.of("import", dump.toString(), "--config", dir.resolve("config.json").toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("line 6: invalid: missing field 'id'", "line 10: invalid: malformed JSON",
                "import finished: " + lines.size() + " lines", "2 bad lines");
        assertThat(exit).as("bad lines make the exit code non-zero").isEqualTo(1);

        ByteArrayOutputStream stats = new ByteArrayOutputStream();
        assertThat(Main.run(List.of("verify-stats", "--config", dir.resolve("config.json").toString()),
                new PrintStream(stats, true, StandardCharsets.UTF_8), System.err)).isZero();
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.DATABASE)) {
            assertThat(new EventRepository(stack.dataSource()).count()).isGreaterThan(1000);
        }
    }

    @Test
    void aSentCallbackThatThrowsDoesNotStopThePublisher() throws Exception {
        try (LocalStack stack = LocalStack.start(config(""), LocalStack.Mode.PIPELINE)) {
            EventParser parser = new EventParser(Limits.DEFAULTS);
            java.util.concurrent.atomic.AtomicInteger callbacks = new java.util.concurrent.atomic.AtomicInteger();
            int submitted = 0;
            for (String line : workload) {
                Event e = parser.parse(line);
                if (KINDS.contains(e.kind())) {
                    submitted++;
                    stack.publisher().submit(new OutboundEvent(line, e.kind(), "test", System.currentTimeMillis(), () -> {
                        callbacks.incrementAndGet();
                        throw new java.util.concurrent.RejectedExecutionException("the caller is stopping");
                    })).join();
                }
            }
            awaitReference(stack);
            assertThat(callbacks.get()).as("every event's callback ran, each one throwing").isEqualTo(submitted);
            assertThat(stack.publisher().pending()).isZero();
            assertExact(stack);
        }
    }

    @Test
    void producersWaitWhileTheQueuesHoldTheirBacklogAndLoseNothing() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        List<String> notes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String line : workload) {
            Event e = parser.parse(line);
            if (e.kind() == 1) {
                notes.add(line);
                if (!Expiration.isExpired(e, System.currentTimeMillis() / 1000)) {
                    ids.add(e.id());
                }
            }
        }
        // One invocation at a time, held by a lock on the events table: what is sent after its batch waits on the queue.
        try (LocalStack stack = LocalStack.start(config(", \"function_concurrency\": 1, \"local_queue_backlog_messages\": 3"),
                LocalStack.Mode.PIPELINE);
             Connection lock = stack.dataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE events IN EXCLUSIVE MODE");
            }
            CompletableFuture<Void> held = null;
            int sent = 0;
            while (held == null && sent < notes.size()) {
                CountDownLatch onQueue = new CountDownLatch(1);
                CompletableFuture<Void> room = stack.submit(
                        new OutboundEvent(notes.get(sent++), 1, "test", System.currentTimeMillis(), onQueue::countDown));
                // Each note its own message: the next is submitted once this one is on its queue.
                assertThat(onQueue.await(10, TimeUnit.SECONDS)).as("note %d reached its queue", sent).isTrue();
                try {
                    room.get(2, TimeUnit.SECONDS);
                } catch (TimeoutException stillWaiting) {
                    held = room;
                }
            }
            assertThat(held).as("the producer was held before all %d notes were sent", notes.size()).isNotNull();
            Thread.sleep(1_000);
            assertThat(held).as("still held while the function cannot store").isNotDone();

            lock.commit();
            held.get(30, TimeUnit.SECONDS);
            for (String note : notes.subList(sent, notes.size())) {
                stack.submit(new OutboundEvent(note, 1, "test", System.currentTimeMillis(), null)).get(30, TimeUnit.SECONDS);
            }
            assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
            assertThat(new EventRepository(stack.dataSource()).storedIds(ids)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(stack.deadLetters()).isEmpty();
        }
    }

    private static void send(LocalStack stack, List<String> lines) throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        for (String line : lines) {
            Event e = parser.parse(line);
            if (KINDS.contains(e.kind())) {
                stack.publisher().submit(new OutboundEvent(line, e.kind(), "test", System.currentTimeMillis(), null)).join();
            }
        }
    }
}
