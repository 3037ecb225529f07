package dev.nostrcache.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.net.OutboundPolicy;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.upstream.RelayRepository;
import dev.nostrcache.infra.testing.TestDatabase;
import dev.nostrcache.worker.testing.ReferenceRelay;
import dev.nostrcache.worker.testing.TestRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.Statement;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The worker against real WebSocket relays on loopback, well-behaved and not. */
class IngestWorkerTest {
    private HikariDataSource ds;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void database() {
        ds = TestDatabase.fresh();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        ds.close();
    }

    private static List<String> notes(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(TestKeys.signer(i % 7).sign(1_700_000_000L + i, 1, List.of(), "note " + i).toJson());
        }
        return out;
    }

    /** The id of an event written by {@code Event.toJson}, which starts with it. */
    private static String idOf(String json) {
        return json.substring("{\"id\":\"".length(), "{\"id\":\"".length() + 64);
    }

    /** Without the first-contact back-fill: {@link TestRelay} answers every REQ with everything, whatever its filter. */
    private WorkerSettings settings(List<String> relays) {
        return WorkerSettings.of(relays, List.of(0, 1, 3)).withLimits(10_000, 100).withBackfill(Duration.ZERO, 500)
                .withBackoff(Duration.ofMillis(100), Duration.ofMillis(800))
                .withTimings(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMinutes(10), Duration.ofHours(1));
    }

    private TestRelay relay(TestRelay relay) {
        closeables.add(relay);
        return relay;
    }

    private IngestWorker worker(WorkerSettings settings, Function<OutboundEvent, CompletableFuture<Void>> sink) throws Exception {
        IngestWorker worker = new IngestWorker(settings, ds, sink, () -> "test sink");
        closeables.add(worker);
        worker.start();
        return worker;
    }

    private static Function<OutboundEvent, CompletableFuture<Void>> collectInto(ConcurrentLinkedQueue<OutboundEvent> out) {
        return e -> {
            out.add(e);
            if (e.onSent() != null) {
                e.onSent().run();
            }
            return CompletableFuture.completedFuture(null);
        };
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        await(what, timeout, condition, () -> "");
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition,
                              java.util.function.Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " " + state.get());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void goesOnWithTheGoodRelaysWhileTheBadOnesBackOff() throws Exception {
        List<String> goodNotes = notes(0, 60);
        List<String> garbageNotes = notes(70, 90);
        TestRelay good = relay(TestRelay.serving(goodNotes));
        TestRelay dropper = relay(new TestRelay(notes(40, 80), TestRelay.Behaviour.DROP_AFTER_SOME, 5));
        TestRelay garbage = relay(new TestRelay(garbageNotes, TestRelay.Behaviour.SEND_GARBAGE, 0));
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(silent);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            while (!silent.isClosed()) {
                try {
                    accepted.add(silent.accept()); // accept, then never answer the handshake
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        String silentUrl = "ws://127.0.0.1:" + silent.getLocalPort();

        ConcurrentLinkedQueue<OutboundEvent> sent = new ConcurrentLinkedQueue<>();
        IngestWorker worker = worker(settings(List.of(good.url(), dropper.url(), garbage.url(), silentUrl)), collectInto(sent));

        // Events 0-59 (good; the dropper's 40-44 are among them) and 70-89 (garbage relay): each exactly once.
        await("all reachable events", Duration.ofSeconds(20), () -> sent.size() >= 80,
                () -> sent.size() + " sent, metrics " + worker.metrics().receivedByRelayAndKind());
        await("repeated failures of the bad relays", Duration.ofSeconds(20),
                () -> dropper.connections() >= 3 && worker.consecutiveFailures(silentUrl) >= 2,
                () -> "dropper connections " + dropper.connections() + ", failures " + worker.consecutiveFailures(dropper.url())
                        + ", silent failures " + worker.consecutiveFailures(silentUrl));
        // The dropper re-signs 40-44 (same ids, other signatures), so events are compared by id.
        Map<String, Long> byId = sent.stream().collect(Collectors.groupingBy(e -> idOf(e.json()), Collectors.counting()));
        assertThat(byId.values()).allMatch(n -> n == 1);
        assertThat(byId.keySet()).containsAll(goodNotes.stream().map(IngestWorkerTest::idOf).toList())
                .containsAll(garbageNotes.stream().map(IngestWorkerTest::idOf).toList());
        assertThat(sent).hasSize(80);

        assertThat(worker.metrics().garbage()).as("garbage messages counted").isPositive();
        assertThat(worker.metrics().invalid()).as("broken events counted").isPositive();
        assertThat(worker.metrics().received(dropper.url())).as("the dropper delivered before dropping").isPositive();
        assertThat(worker.metrics().duplicates()).as("events seen from two relays").isPositive();
        assertThat(worker.isConnected(good.url())).isTrue();
        assertThat(worker.metricsLine()).contains(good.url() + "={1=60}", "duplicates suppressed", "test sink");

        worker.saveProgress();
        Map<String, RelayRepository.Health> health = new RelayRepository(ds).health().stream()
                .collect(Collectors.toMap(RelayRepository.Health::url, h -> h));
        assertThat(health.get(good.url()).status()).isEqualTo("connected");
        assertThat(health.get(good.url()).eventsReceived()).isEqualTo(60);
        assertThat(health.get(good.url()).latencyMs()).isNotNull();
        assertThat(health.get(dropper.url()).lastError()).contains("closed by the relay (1011");
        assertThat(health.get(silentUrl).status()).isEqualTo("backoff");
        assertThat(health.get(silentUrl).lastError()).contains("connect failed");
        for (Socket s : accepted) {
            s.close();
        }
    }

    @Test
    void readsNoFurtherThanTheSinkAccepts() throws Exception {
        TestRelay relay = relay(TestRelay.serving(notes(0, 50)));
        ConcurrentLinkedQueue<OutboundEvent> seen = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<CompletableFuture<Void>> held = new ConcurrentLinkedQueue<>();
        worker(settings(List.of(relay.url())), e -> {
            seen.add(e);
            CompletableFuture<Void> room = new CompletableFuture<>();
            held.add(room);
            return room;
        });
        await("a first event", Duration.ofSeconds(10), () -> seen.size() == 1);
        Thread.sleep(500);
        assertThat(seen).as("nothing more is read while the sink is full").hasSize(1);
        for (int i = 0; i < 3; i++) {
            held.poll().complete(null);
            int expected = i + 2;
            await("event " + expected, Duration.ofSeconds(5), () -> seen.size() == expected);
        }
        Thread.sleep(300);
        assertThat(seen).hasSize(4);
    }

    /** Notes signed by a few authors, created at the given seconds. */
    private static List<String> notesAt(List<Long> seconds) {
        return notesAt(seconds, "note");
    }

    private static List<String> notesAt(List<Long> seconds, String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < seconds.size(); i++) {
            out.add(TestKeys.signer(i % 5).sign(seconds.get(i), 1, List.of(), text + " at " + seconds.get(i) + " #" + i).toJson());
        }
        return out;
    }

    private static java.util.Set<String> ids(java.util.Collection<String> events) {
        return events.stream().map(IngestWorkerTest::idOf).collect(Collectors.toSet());
    }

    @Test
    void aFreshRelayIsBackFilledByPagesAndARestartCatchesUpTheGapSinceTheCursor() throws Exception {
        ReferenceRelay relay = new ReferenceRelay(40);
        closeables.add(relay);
        long now = System.currentTimeMillis() / 1000;
        List<Long> history = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            history.add(now - 3_600 - i * 1_000L - (i % 3 == 0 ? 0 : 1));  // pairs of notes share a second
        }
        history.add(now - 30 * 86_400L);                                      // outside the 7-day window
        relay.load(notesAt(history));
        ConcurrentLinkedQueue<OutboundEvent> sent = new ConcurrentLinkedQueue<>();
        WorkerSettings settings = settings(List.of(relay.url())).withBackfill(Duration.ofDays(7), 100_000);
        IngestWorker first = worker(settings, collectInto(sent));
        await("the back-fill", Duration.ofSeconds(20), () -> sent.size() >= 150, () -> sent.size() + " sent");
        Thread.sleep(500);
        first.close();
        assertThat(ids(sent.stream().map(OutboundEvent::json).toList()))
                .isEqualTo(ids(notesAt(history).subList(0, 150)));
        assertThat(relay.requests()).as("more than one page (the relay answers 40 at most)").isGreaterThan(4);

        // Down for a day: the cursor says so, and the relay received 100 notes meanwhile.
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE relays SET since_cursor = " + (now - 86_400));
        }
        List<Long> gap = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            gap.add(now - 86_000 + i * 800L);
        }
        List<String> missed = notesAt(gap, "written while the worker was down");
        relay.load(missed);
        sent.clear();
        worker(settings, collectInto(sent));
        await("the catch-up job", Duration.ofSeconds(20), () -> count("SELECT count(*) FROM relay_fetches "
                + "WHERE reason = 'catch-up' AND finished_at IS NOT NULL") == 1, () -> sent.size() + " sent");
        assertThat(ids(sent.stream().map(OutboundEvent::json).toList())).containsAll(ids(missed));
    }

    private long count(String sql) {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFetchJobRecordedByHandIsTakenUpByTheRunningWorker() throws Exception {
        ReferenceRelay relay = new ReferenceRelay(30);
        closeables.add(relay);
        long now = System.currentTimeMillis() / 1000;
        List<Long> seconds = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            seconds.add(now - 86_400L * 40 + i * 60L);
        }
        List<String> old = notesAt(seconds);
        relay.load(old);
        ConcurrentLinkedQueue<OutboundEvent> sent = new ConcurrentLinkedQueue<>();
        worker(settings(List.of(relay.url())), collectInto(sent));
        await("connected", Duration.ofSeconds(10), () -> count("SELECT count(*) FROM relays WHERE status = 'connected'") == 1);
        assertThat(sent).as("nothing that old without a fetch job").isEmpty();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO relay_fetches (relay_url, reason, kinds, since, until_first, until_next) VALUES ('"
                    + relay.url() + "', 'on-demand', '{1}', 0, " + now + ", " + now + ")");
        }
        await("the job", Duration.ofSeconds(20), () -> count("SELECT count(*) FROM relay_fetches WHERE finished_at IS NOT NULL") == 1,
                () -> sent.size() + " sent");
        assertThat(ids(sent.stream().map(OutboundEvent::json).toList())).isEqualTo(ids(old));
        assertThat(count("SELECT events FROM relay_fetches")).isGreaterThanOrEqualTo(80);
    }


    @Test
    void backoffGrowsWithJitterUpToItsCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int failures = 1; failures < 12; failures++) {
            long ceiling = Math.min(2000, 100L << (failures - 1));
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delay(failures).toMillis()).isBetween(100L, ceiling);
            }
        }
        assertThat(java.util.stream.IntStream.range(0, 200).mapToLong(i -> backoff.delay(10).toMillis()).distinct().count())
                .as("jitter").isGreaterThan(20);
    }

    @Test
    void discoversRelaysFromStoredRelayListsWithinTheCap() throws Exception {
        TestRelay configured = relay(TestRelay.serving(notes(0, 2)));
        TestRelay listed = relay(TestRelay.serving(notes(10, 15)));
        TestRelay alsoListed = relay(TestRelay.serving(notes(20, 25)));
        EventProcessor processor = new EventProcessor(ds);
        // Two users list `listed` as a write relay, one lists `alsoListed`: with a cap of 1 only `listed` is added.
        processor.process(TestKeys.signer(50).sign(1_700_000_000L, 10002,
                List.of(List.of("r", listed.url()), List.of("r", alsoListed.url() + "/", "write")), ""), 1_800_000_000L);
        processor.process(TestKeys.signer(51).sign(1_700_000_000L, 10002, List.of(List.of("r", listed.url())), ""),
                1_800_000_000L);
        processor.process(TestKeys.signer(60).sign(1_700_000_000L, 10002, List.of(List.of("r", configured.url(), "read")), ""),
                1_800_000_000L);
        // Loopback relays stand in for public ones here: the policy lets loopback through, as allow_private_origins does.
        WorkerSettings withDiscovery = settings(List.of(configured.url())).withDiscovery(1, new OutboundPolicy(true));
        ConcurrentLinkedQueue<OutboundEvent> sent = new ConcurrentLinkedQueue<>();
        IngestWorker worker = worker(withDiscovery, collectInto(sent));
        worker.discover();
        worker.discover();
        await("events of the configured and the discovered relay", Duration.ofSeconds(10), () -> sent.size() == 7);
        assertThat(worker.relayUrls()).containsExactlyInAnyOrder(configured.url(), listed.url());
        assertThat(alsoListed.connections()).isZero();
        assertThat(new RelayRepository(ds).health()).extracting(RelayRepository.Health::source)
                .containsExactlyInAnyOrder("config", "nip65");
    }

    @Test
    void dropsEventsOfKindsNotAskedFor() throws Exception {
        Event reaction = TestKeys.signer(1).sign(1_700_000_000L, 7, List.of(), "+");
        TestRelay relay = relay(TestRelay.serving(List.of(reaction.toJson(), notes(0, 1).get(0))));
        ConcurrentLinkedQueue<OutboundEvent> sent = new ConcurrentLinkedQueue<>();
        worker(settings(List.of(relay.url())), collectInto(sent));
        await("the note", Duration.ofSeconds(10), () -> sent.size() == 1);
        Thread.sleep(300);
        assertThat(sent).extracting(OutboundEvent::kind).containsExactly(1);
    }

    /** A loopback port that records every connection made to it and answers nothing. */
    private ServerSocket connectionLogger(InetAddress address, List<Socket> accepted) throws Exception {
        ServerSocket logger = new ServerSocket(0, 50, address);
        closeables.add(logger);
        Thread acceptor = new Thread(() -> {
            while (!logger.isClosed()) {
                try {
                    accepted.add(logger.accept());
                } catch (Exception e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return logger;
    }

    @Test
    void neverConnectsToInternalAddressesNamedInStoredRelayLists() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        int port = connectionLogger(InetAddress.getByName("127.0.0.1"), accepted).getLocalPort();
        int v6Port = connectionLogger(InetAddress.getByName("::1"), accepted).getLocalPort();
        TestRelay configured = relay(TestRelay.serving(notes(0, 2)));
        EventProcessor processor = new EventProcessor(ds);
        List<String> internal = List.of("ws://127.0.0.1:" + port, "ws://localhost:" + port, "ws://[::1]:" + v6Port,
                "ws://0.0.0.0:" + port, "wss://127.0.0.1:" + port + "/relay", "ws://127.3.2.1:" + port,
                "ws://[::ffff:127.0.0.1]:" + port);
        for (int i = 0; i < internal.size(); i++) {
            processor.process(TestKeys.signer(70 + i).sign(1_700_000_000L, 10002,
                    List.of(List.of("r", internal.get(i))), ""), 1_800_000_000L);
        }
        ConcurrentLinkedQueue<OutboundEvent> sent = new ConcurrentLinkedQueue<>();
        IngestWorker worker = worker(settings(List.of(configured.url())).withDiscovery(20, OutboundPolicy.PUBLIC_ONLY),
                collectInto(sent));
        worker.discover();
        worker.discover();
        await("the configured relay's events", Duration.ofSeconds(10), () -> sent.size() == 2);
        Thread.sleep(500);
        assertThat(accepted).as("connections made to the internal addresses").isEmpty();
        assertThat(worker.relayUrls()).containsExactly(configured.url());
        Map<String, RelayRepository.Health> health = new RelayRepository(ds).health().stream()
                .collect(Collectors.toMap(RelayRepository.Health::url, h -> h));
        for (String url : internal) {
            assertThat(health.get(url)).as(url).isNotNull();
            assertThat(health.get(url).status()).as(url).isEqualTo("refused");
            assertThat(health.get(url).lastError()).as(url).containsAnyOf("resolves to", "IPv4-mapped");
        }
        worker.close();

        // A relay list's relay that was stored before the policy (or while loopback was allowed) is dropped at start.
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO relays (url, source) VALUES ('ws://127.0.0.1:" + port + "/old', 'nip65')");
        }
        IngestWorker restarted = worker(settings(List.of(configured.url())).withDiscovery(20, OutboundPolicy.PUBLIC_ONLY),
                collectInto(new ConcurrentLinkedQueue<>()));
        Thread.sleep(500);
        assertThat(restarted.relayUrls()).containsExactly(configured.url());
        assertThat(accepted).isEmpty();
        assertThat(new RelayRepository(ds).enabled()).extracting(RelayRepository.Relay::url).containsExactly(configured.url());
    }

    @Test
    void doesNotFollowARelayThatRedirectsItsHandshake() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        int target = connectionLogger(InetAddress.getByName("127.0.0.1"), accepted).getLocalPort();
        ServerSocket redirecting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closeables.add(redirecting);
        Thread answerer = new Thread(() -> {
            while (!redirecting.isClosed()) {
                try (Socket s = redirecting.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write(("HTTP/1.1 301 Moved Permanently\r\nLocation: ws://127.0.0.1:" + target
                            + "/\r\nContent-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (Exception e) {
                    return;
                }
            }
        });
        answerer.setDaemon(true);
        answerer.start();
        String url = "ws://127.0.0.1:" + redirecting.getLocalPort();
        IngestWorker worker = worker(settings(List.of(url)), collectInto(new ConcurrentLinkedQueue<>()));
        await("a failed handshake", Duration.ofSeconds(10), () -> worker.consecutiveFailures(url) >= 2);
        assertThat(accepted).as("connections that followed the redirect").isEmpty();
    }
}
