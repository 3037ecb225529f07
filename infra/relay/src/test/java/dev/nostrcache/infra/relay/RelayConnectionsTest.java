package dev.nostrcache.infra.relay;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.message.RelayFrames;
import dev.nostrcache.core.message.RelayMessage;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.query.EventQueries;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The NIP-01 relay without any gateway: messages in, frames out, the database and queues behind ports. */
class RelayConnectionsTest {
    private static final String ENDPOINT = "local/test";
    private static HikariDataSource ds;
    private static List<Event> workload;

    private final List<String> frames = new ArrayList<>();
    private final List<String> submitted = new ArrayList<>();
    private final AtomicBoolean connectionGone = new AtomicBoolean();
    private final ConnectionMessenger messenger = (endpoint, connection, frame) -> {
        if (connectionGone.get()) {
            return false;
        }
        frames.add(new String(frame, StandardCharsets.UTF_8));
        return true;
    };
    /** When set, what the submitter answers instead of queueing at once (the local runtime's bundled path). */
    private CompletableFuture<Void> queuedLater;
    private final EventSubmitter submitter = new EventSubmitter() {
        @Override
        public void submit(String json, int kind, String source) {
            submitted.add(json);
        }

        @Override
        public CompletableFuture<Void> submitAsync(String json, int kind, String source) {
            return queuedLater != null ? queuedLater : EventSubmitter.super.submitAsync(json, kind, source);
        }

        @Override
        public void requeue(QueueGroup group, String body, Map<String, String> attributes, Duration delay) {
            throw new AssertionError("a relay connection never requeues");
        }
    };
    private CacheRequests cache = (request, reply) -> {
        reply.send(RelayFrames.event(request.subscriptionId(), "{\"op\":\"" + request.op() + "\"}"));
        reply.send(RelayFrames.eose(request.subscriptionId()));
    };
    private SubscriptionRepository subscriptions;

    @BeforeAll
    static void load() throws Exception {
        ds = TestDatabase.withWorkload(System.currentTimeMillis() / 1000);
        workload = TestDatabase.workload();
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    @BeforeEach
    void fresh() {
        subscriptions = new SubscriptionRepository(ds);
    }

    private RelayConnections relay(Limits limits, ConnectionPolicy... policies) {
        return relay(KnownEvents.direct(new EventRepository(ds)), limits, policies);
    }

    private RelayConnections relay(KnownEvents known, Limits limits, ConnectionPolicy... policies) {
        return new RelayConnections(subscriptions, new EventQueries(ds, limits.maxLimit()), known, messenger, submitter, (request, reply) -> cache.answer(request, reply), new SimpleMeterRegistry(),
                limits, Clock.systemUTC(), List.of(policies));
    }

    private List<RelayMessage> answers() {
        List<RelayMessage> parsed = frames.stream().map(RelayMessage::parse).toList();
        frames.clear();
        return parsed;
    }

    @Test
    void aRequestIsAnsweredWithTheNewestMatchingEventsThenEose() throws Exception {
        RelayConnections relay = relay(Limits.DEFAULTS);
        assertThat(relay.connect("c1", ENDPOINT, "127.0.0.1", "test")).isEqualTo(RelayConnections.Admission.ACCEPTED);
        relay.message(ENDPOINT, "c1", "[\"REQ\",\"notes\",{\"kinds\":[1],\"limit\":3}]");

        List<RelayMessage> answers = answers();
        assertThat(answers).hasSize(4).last().isEqualTo(new RelayMessage.Eose("notes"));
        EventParser parser = new EventParser(Limits.DEFAULTS);
        List<Long> times = new ArrayList<>();
        for (RelayMessage m : answers.subList(0, 3)) {
            Event e = parser.parse(((RelayMessage.EventMessage) m).eventJson());
            assertThat(e.kind()).isEqualTo(1);
            times.add(e.createdAt());
        }
        List<Long> newest = workload.stream().filter(e -> e.kind() == 1).map(Event::createdAt)
                .sorted(Comparator.reverseOrder()).limit(3).toList();
        assertThat(times).isEqualTo(newest);

        relay.message(ENDPOINT, "c1", "[\"REQ\",\"all\",{\"kinds\":[1],\"limit\":500}]");
        int notes = answers().size() - 1;
        assertThat(notes).as("fewer than the limit: every stored note").isBetween(3, 499);
        relay.message(ENDPOINT, "c1", "[\"COUNT\",\"n\",{\"kinds\":[1]}]");
        assertThat(frames).containsExactly(RelayFrames.count("n", notes));
        relay.disconnect("c1");
    }

    /**
     * A client repeating a REQ (same id, same filters) costs one statement: the query, which checks in itself that the
     * subscription is still open. Closed meanwhile by another process (another Lambda container), it is opened again.
     */
    @Test
    void aRepeatedRequestTakesOneStatementAndNoticesACloseMadeElsewhere() throws Exception {
        AtomicInteger checkouts = new AtomicInteger();
        DataSource counted = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        checkouts.incrementAndGet();
                    }
                    try {
                        return method.invoke(ds, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        subscriptions = new SubscriptionRepository(counted);
        RelayConnections here = new RelayConnections(subscriptions, new EventQueries(counted, Limits.DEFAULTS.maxLimit()),
                KnownEvents.direct(new EventRepository(counted)), messenger, submitter, cache, new SimpleMeterRegistry(),
                Limits.DEFAULTS, Clock.systemUTC(), List.of());
        here.connect("c9", ENDPOINT, null, null);
        String req = "[\"REQ\",\"again\",{\"kinds\":[1],\"limit\":3}]";
        here.message(ENDPOINT, "c9", req);
        List<RelayMessage> first = answers();
        assertThat(first).hasSize(4);

        checkouts.set(0);
        here.message(ENDPOINT, "c9", req);
        assertThat(answers()).isEqualTo(first);
        assertThat(checkouts).as("database connections taken by a repeated REQ").hasValue(1);

        RelayConnections elsewhere = new RelayConnections(new SubscriptionRepository(ds), new EventQueries(ds,
                Limits.DEFAULTS.maxLimit()), KnownEvents.direct(new EventRepository(ds)), messenger, submitter, cache,
                new SimpleMeterRegistry(), Limits.DEFAULTS, Clock.systemUTC(), List.of());
        elsewhere.message(ENDPOINT, "c9", "[\"CLOSE\",\"again\"]");
        assertThat(subscriptions.subscriptionCount("c9")).isZero();
        here.message(ENDPOINT, "c9", req);
        assertThat(answers()).isEqualTo(first);
        assertThat(subscriptions.subscriptionCount("c9")).as("opened again").isOne();

        String nothing = "[\"REQ\",\"again\",{\"kinds\":[1],\"since\":4000000000}]";
        here.message(ENDPOINT, "c9", nothing);
        here.message(ENDPOINT, "c9", nothing);
        assertThat(answers()).containsExactly(new RelayMessage.Eose("again"), new RelayMessage.Eose("again"));
        assertThat(subscriptions.subscriptionCount("c9")).isOne();
        here.disconnect("c9");
    }

    @Test
    void publishedEventsAreVerifiedQueuedAndAnsweredWithOk() {
        RelayConnections relay = relay(Limits.DEFAULTS);
        relay.connect("c2", ENDPOINT, null, null);
        Event fresh = TestKeys.signer(7).sign(System.currentTimeMillis() / 1000, 1, List.of(), "hello relay");
        relay.message(ENDPOINT, "c2", "[\"EVENT\"," + fresh.toJson() + "]");
        assertThat(answers()).containsExactly(new RelayMessage.Ok(fresh.id(), true, ""));
        assertThat(submitted).containsExactly(fresh.toJson());

        String forged = fresh.toJson().replace("hello relay", "hello forger");
        relay.message(ENDPOINT, "c2", "[\"EVENT\"," + forged + "]");
        assertThat(answers()).singleElement().satisfies(m -> assertThat(((RelayMessage.Ok) m).accepted()).isFalse());

        Event stored = workload.getFirst();
        relay.message(ENDPOINT, "c2", "[\"EVENT\"," + stored.toJson() + "]");
        assertThat(answers()).containsExactly(new RelayMessage.Ok(stored.id(), true, "duplicate: already have this event"));
        assertThat(submitted).as("only the new valid event is queued").hasSize(1);
        relay.disconnect("c2");
    }

    /** The OK follows the queue: sent once the event is queued, OK false with a reason if it could not be. */
    @Test
    void anEventIsAnsweredOnceQueuedOrRefusedWhenItCannotBe() {
        RelayConnections relay = relay(Limits.DEFAULTS);
        relay.connect("c5", ENDPOINT, null, null);
        long now = System.currentTimeMillis() / 1000;
        Event queued = TestKeys.signer(8).sign(now, 1, List.of(), "queued later");
        queuedLater = new CompletableFuture<>();
        relay.message(ENDPOINT, "c5", "[\"EVENT\"," + queued.toJson() + "]");
        assertThat(answers()).as("no OK before the queue has it").isEmpty();
        queuedLater.complete(null);
        assertThat(answers()).containsExactly(new RelayMessage.Ok(queued.id(), true, ""));

        Event lost = TestKeys.signer(8).sign(now, 1, List.of(), "the queue refuses this one");
        queuedLater = CompletableFuture.failedFuture(new IllegalStateException("the queue refused the event"));
        relay.message(ENDPOINT, "c5", "[\"EVENT\"," + lost.toJson() + "]");
        assertThat(answers()).containsExactly(new RelayMessage.Ok(lost.id(), false, "error: the event could not be queued, try again"));
        relay.disconnect("c5");
    }

    /**
     * Locally the duplicate lookups of a connection's events are gathered and answered later (the connection goes on
     * meanwhile): each event is still answered, a duplicate as such, a new one once queued; a lookup the database
     * could not answer is an OK false asking to try again, and nothing is queued for it.
     */
    @Test
    void gatheredLookupsAnswerEachEventOnceTheyEnd() {
        List<Runnable> lookups = new ArrayList<>();
        RelayConnections relay = relay(KnownEvents.gathered(new EventRepository(ds), lookups::add), Limits.DEFAULTS);
        relay.connect("c6", ENDPOINT, null, null);
        Event fresh = TestKeys.signer(9).sign(System.currentTimeMillis() / 1000, 1, List.of(), "gathered");
        Event stored = workload.getFirst();
        relay.message(ENDPOINT, "c6", "[\"EVENT\"," + fresh.toJson() + "]");
        relay.message(ENDPOINT, "c6", "[\"EVENT\"," + stored.toJson() + "]");
        assertThat(answers()).as("no OK before the lookup").isEmpty();
        assertThat(lookups).hasSize(1);
        lookups.getFirst().run();
        assertThat(answers()).containsExactlyInAnyOrder(new RelayMessage.Ok(fresh.id(), true, ""),
                new RelayMessage.Ok(stored.id(), true, "duplicate: already have this event"));
        assertThat(submitted).containsExactly(fresh.toJson());

        Event unlucky = TestKeys.signer(9).sign(System.currentTimeMillis() / 1000, 1, List.of(), "database away");
        relay(id -> CompletableFuture.failedFuture(new SQLException("the database went away")), Limits.DEFAULTS)
                .message(ENDPOINT, "c6", "[\"EVENT\"," + unlucky.toJson() + "]");
        assertThat(answers()).containsExactly(new RelayMessage.Ok(unlucky.id(), false,
                "error: the relay could not handle that message, try again"));
        assertThat(submitted).hasSize(1);
        relay.disconnect("c6");
    }

    @Test
    void policiesRefuseAtConnectAndGarbageGetsANotice() {
        RelayConnections relay = relay(Limits.DEFAULTS, (ip, agent) -> "10.1.2.3".equals(ip) ? "blocked" : null);
        assertThat(relay.connect("bad", ENDPOINT, "10.1.2.3", null)).isEqualTo(RelayConnections.Admission.REFUSED);
        assertThat(relay.connect("good", ENDPOINT, "127.0.0.1", null)).isEqualTo(RelayConnections.Admission.ACCEPTED);
        relay.message(ENDPOINT, "good", "{not json");
        assertThat(answers()).singleElement().isInstanceOf(RelayMessage.Notice.class);
        relay.message(ENDPOINT, "good", "[\"REQ\",\"s\",{\"kinds\":\"one\"}]");
        assertThat(answers()).singleElement().isInstanceOf(RelayMessage.Closed.class);
        relay.disconnect("good");
    }

    @Test
    void cacheRequestsGoToTheirPortAndAFailureEndsThemWithNoticeAndEose() {
        RelayConnections relay = relay(Limits.DEFAULTS);
        relay.connect("c3", ENDPOINT, null, null);
        relay.message(ENDPOINT, "c3", "[\"REQ\",\"p1\",{\"cache\":[\"user_profile\",{\"pubkey\":\"" + "a".repeat(64) + "\"}]}]");
        assertThat(answers()).containsExactly(new RelayMessage.EventMessage("p1", "{\"op\":\"user_profile\"}"),
                new RelayMessage.Eose("p1"));

        cache = (request, reply) -> {
            throw new SQLException("database away");
        };
        relay.message(ENDPOINT, "c3", "[\"REQ\",\"p2\",{\"cache\":[\"user_profile\",{}]}]");
        assertThat(frames).containsExactly(
                RelayFrames.notice("p2", "error: the relay could not handle that message, try again"), RelayFrames.eose("p2"));
        frames.clear();
        relay.disconnect("c3");
    }

    @Test
    void aConnectionOverItsBurstIsRefusedInTheTermsOfEachMessage() {
        RelayConnections relay = relay(new Limits(64 * 1024, 128 * 1024, 600, 200, 500, 64, 20, 5000, 1, 2));
        relay.connect("c4", ENDPOINT, null, null);
        relay.message(ENDPOINT, "c4", "[\"CLOSE\",\"a\"]");
        relay.message(ENDPOINT, "c4", "[\"CLOSE\",\"b\"]");
        assertThat(frames).as("within the burst").isEmpty();
        relay.message(ENDPOINT, "c4", "[\"REQ\",\"late\",{\"kinds\":[1]}]");
        assertThat(answers()).singleElement().satisfies(m -> {
            assertThat(m).isInstanceOf(RelayMessage.Closed.class);
            assertThat(((RelayMessage.Closed) m).message()).startsWith("rate-limited:");
        });
        relay.disconnect("c4");
    }

    @Test
    void aGoneConnectionIsRemovedWithItsSubscriptions() throws Exception {
        RelayConnections relay = relay(Limits.DEFAULTS);
        relay.connect("c5", ENDPOINT, null, null);
        relay.message(ENDPOINT, "c5", "[\"REQ\",\"live\",{\"kinds\":[1],\"limit\":1}]");
        Event note = TestKeys.signer(8).sign(System.currentTimeMillis() / 1000, 1, List.of(), "for live");
        assertThat(subscriptions.matching(note)).extracting(SubscriptionRepository.Match::connectionId).contains("c5");

        connectionGone.set(true);
        relay.message(ENDPOINT, "c5", "[\"REQ\",\"more\",{\"kinds\":[1],\"limit\":5}]");
        assertThat(subscriptions.matching(note)).extracting(SubscriptionRepository.Match::connectionId).doesNotContain("c5");
    }
}
