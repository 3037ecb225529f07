package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.functions.scheduled.ScheduledFunctions;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.primal.PrimalKinds;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.testing.SocialScenario;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.worker.testing.TestRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Primal's web client sends, in its order, over a real WebSocket to the local gateway: start-up, the home
 * page, a profile page and a thread page, against the social scenario stored through the ingest pipeline. Every
 * answer must end with EOSE, carry no NOTICE, and hold what the page draws.
 */
class PrimalClientTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AtomicInteger SUBS = new AtomicInteger();
    private static LocalStack stack;
    private static SocialScenario s;
    /** Holds the one profile the cache lacks: a page naming its pubkey gets it from here. */
    private static TestRelay upstream;
    private static Event upstreamProfile;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        upstreamProfile = TestKeys.signer(70).sign(1_700_000_000L, 0, List.of(), "{\"name\":\"only upstream\"}");
        upstream = TestRelay.serving(List.of(upstreamProfile.toJson()));
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [\"" + upstream.url() + "\"], \"avatar_cache\": false, "
                + "\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
        s = new SocialScenario();
        for (Event e : s.events()) {
            stack.publisher().submit(new OutboundEvent(e.toJson(), e.kind(), "test", 1L, null)).join();
        }
        assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
        assertThat(stack.runScheduled(ScheduledFunctions.TRENDING)).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
        upstream.close();
    }

    /** Sends one cache request and returns the objects of its EVENTs, checking the envelope on the way. */
    private static List<JsonNode> ask(RelayClient client, String op, Object params) throws Exception {
        String sub = "web-" + SUBS.incrementAndGet();
        client.send(JSON.writeValueAsString(List.of("REQ", sub, Map.of("cache", List.of(op, params)))));
        List<JsonNode> objects = new ArrayList<>();
        for (String raw : client.until("[\"EOSE\",\"" + sub + "\"]", WAIT)) {
            JsonNode message = JSON.readTree(raw);
            assertThat(message.get(0).asString()).as(op + " answered " + raw).isIn("EVENT", "EVENTS", "EOSE");
            assertThat(message.get(1).asString()).isEqualTo(sub);
            objects.addAll(objectsOf(message));
        }
        return objects;
    }

    /** The objects an EVENT carries, or an EVENTS batch (Primal's answer once the client asked for compression). */
    static List<JsonNode> objectsOf(JsonNode message) {
        return switch (message.get(0).asString()) {
            case "EVENT" -> List.of(message.get(2));
            case "EVENTS" -> {
                List<JsonNode> batch = new ArrayList<>();
                message.get(2).forEach(batch::add);
                yield batch;
            }
            default -> List.of();
        };
    }

    private static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    private static List<Integer> kinds(List<JsonNode> objects) {
        return objects.stream().map(o -> o.get("kind").asInt()).toList();
    }

    private static List<String> idsOfKind(List<JsonNode> objects, int kind) {
        return objects.stream().filter(o -> o.get("kind").asInt() == kind).map(o -> o.get("id").asString()).toList();
    }

    @Test
    void theWebClientsPagesGetWhatTheyDraw() throws Exception {
        String viewer = s.alice.pubkey();
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            // Start-up: the handshake first; the client waits for its EOSE before anything else.
            String handshake = "set_protocol_1";
            client.send("[\"REQ\",\"" + handshake + "\",{\"cache\":[\"set_primal_protocol\",{\"compression\":\"zlib\"}]}]");
            assertThat(client.next(WAIT)).isEqualTo("[\"EOSE\",\"" + handshake + "\"]");
            assertThat(kinds(ask(client, "get_default_app_settings", params("client", "Primal-Web App"))))
                    .containsExactly(PrimalKinds.DEFAULT_SETTINGS);
            assertThat(kinds(ask(client, "get_app_releases", params()))).containsExactly(PrimalKinds.APP_RELEASES);
            assertThat(kinds(ask(client, "get_home_feeds", params()))).containsExactly(PrimalKinds.HOME_FEEDS);
            assertThat(kinds(ask(client, "get_reads_feeds", params()))).containsExactly(PrimalKinds.READS_FEEDS);
            assertThat(kinds(ask(client, "get_recommended_blossom_servers", params())))
                    .containsExactly(PrimalKinds.RECOMMENDED_BLOSSOM_SERVERS);
            assertThat(idsOfKind(ask(client, "user_infos", params("pubkeys", List.of(viewer))), 0))
                    .containsExactly(s.aliceProfile.id());
            Event settingsRequest = s.alice.sign(System.currentTimeMillis() / 1000, 30078,
                    List.of(List.of("d", "Primal-Web App")), "{\"description\":\"Sync app settings\"}");
            assertThat(kinds(ask(client, "get_app_settings", params("event_from_user", JSON.readTree(settingsRequest.toJson())))))
                    .containsExactly(30078);
            assertThat(kinds(ask(client, "contact_list", params("pubkey", viewer, "extended_response", false)))).containsExactly(3);

            // Home: the "Latest" feed of the home feed list, then its next page by the range.
            JsonNode latest = JSON.readTree(JSON.readTree(ask(client, "get_home_feeds", params()).getFirst()
                    .get("content").asString()).get(0).get("spec").asString());
            List<JsonNode> home = ask(client, "mega_feed_directive", params("spec", latest.toString(), "limit", 2,
                    "user_pubkey", viewer));
            assertThat(idsOfKind(home, 1)).containsExactly(s.quote.id(), s.n3.id());
            assertThat(kinds(home).getLast()).isEqualTo(PrimalKinds.RANGE);
            assertThat(kinds(home)).contains(0, PrimalKinds.EVENT_STATS, PrimalKinds.USER_SCORES, PrimalKinds.REFERENCED_EVENT);
            long since = JSON.readTree(home.getLast().get("content").asString()).get("since").asLong();
            List<JsonNode> next = ask(client, "mega_feed_directive", params("spec", latest.toString(), "limit", 2,
                    "until", since - 1, "user_pubkey", viewer));
            assertThat(idsOfKind(next, 1)).containsExactly(s.n2.id(), s.n1.id());

            // Profile page /p/<npub of bob>.
            String bob = Nip19.pubkeyFrom(Nip19.npub(s.bob.pubkey()));
            List<JsonNode> profile = ask(client, "user_profile", params("pubkey", bob, "user_pubkey", viewer));
            assertThat(idsOfKind(profile, 0)).containsExactly(s.bobProfile.id());
            JsonNode stats = JSON.readTree(profile.stream().filter(o -> o.get("kind").asInt() == PrimalKinds.USER_PROFILE)
                    .findFirst().orElseThrow().get("content").asString());
            assertThat(stats.get("followers_count").asLong()).isEqualTo(3);
            List<JsonNode> notes = ask(client, "mega_feed_directive", params("spec",
                    "{\"id\":\"feed\",\"kind\":\"notes\",\"notes\":\"authored\",\"pubkey\":\"" + bob + "\"}", "limit", 20,
                    "user_pubkey", viewer));
            assertThat(idsOfKind(notes, 1)).containsExactly(s.n3.id(), s.n1.id());
            assertThat(kinds(notes).getLast()).isEqualTo(PrimalKinds.RANGE);
            assertThat(ask(client, "is_user_following", params("pubkey", bob, "user_pubkey", viewer)).getFirst()
                    .get("content").asString()).isEqualTo("true");
            ask(client, "user_profile_followed_by", params("pubkey", bob, "user_pubkey", viewer));
            ask(client, "get_user_relays", params("pubkey", bob));
            ask(client, "user_profile_scored_content", params("pubkey", bob, "user_pubkey", viewer));
            assertThat(ask(client, "creator_paid_tiers", params("pubkey", bob))).isEmpty();

            // Thread page /e/<note of n1>.
            List<JsonNode> thread = ask(client, "thread_view", params("event_id", s.n1.id(), "limit", 100, "user_pubkey", viewer));
            assertThat(idsOfKind(thread, 1)).containsExactly(s.r1.id(), s.n1.id());
            assertThat(kinds(thread).stream().filter(k -> k == PrimalKinds.RANGE)).hasSize(2);
            assertThat(kinds(thread)).contains(PrimalKinds.EVENT_ACTIONS_COUNT);
            ask(client, "event_zaps_by_satszapped", params("event_id", s.n1.id(), "limit", 20, "user_pubkey", viewer));
            assertThat(JSON.readTree(ask(client, "note_mentions_count", params("event_id", s.n1.id())).getFirst()
                    .get("content").asString()).get("count").asLong()).isEqualTo(1);
            assertThat(idsOfKind(ask(client, "events", params("event_ids", List.of(s.n1.id()), "extended_response", true,
                    "user_pubkey", viewer)), 1)).containsExactly(s.n1.id());
        }
    }

    /**
     * A profile the cache lacks is asked of the upstream relays while the answer waits (the web client's start-up asks
     * for ten fixed accounts and breaks on any missing one), answered, and stored through the ingest queue; a pubkey
     * no relay has is not asked again at once.
     */
    @Test
    void profilesTheCacheLacksAreLookedUpUpstreamAnsweredAndStored() throws Exception {
        String nowhere = TestKeys.signer(71).pubkey();
        String params = "{\"pubkeys\":[\"" + upstreamProfile.pubkey() + "\",\"" + nowhere + "\"]}";
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            int before = upstream.connections();
            List<JsonNode> answer = ask(client, "user_infos", JSON.readTree(params));
            assertThat(idsOfKind(answer, 0)).containsExactly(upstreamProfile.id());
            assertThat(upstream.connections()).as("one question for both").isEqualTo(before + 1);
            assertThat(stack.awaitDrained(Duration.ofSeconds(30))).isTrue();
            try (var c = stack.dataSource().getConnection();
                 var ps = c.prepareStatement("SELECT count(*) FROM profiles WHERE pubkey = decode(?, 'hex')")) {
                ps.setString(1, upstreamProfile.pubkey());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("stored through the ingest queue").isEqualTo(1);
                }
            }
            assertThat(idsOfKind(ask(client, "user_profile", params("pubkey", nowhere)), 0)).isEmpty();
            assertThat(idsOfKind(ask(client, "user_infos", JSON.readTree(params)), 0)).containsExactly(upstreamProfile.id());
            assertThat(upstream.connections()).as("stored now, and the missing one remembered as missing")
                    .isEqualTo(before + 1);
        }
    }

    /**
     * Once a client asked {@code set_primal_protocol} for compression, an answer comes as EVENTS batches holding
     * exactly the objects the same request gets one EVENT at a time without it; NIP-01 requests on that connection
     * stay one EVENT per event.
     */
    @Test
    void aClientThatAskedForCompressionGetsTheSameObjectsInBatches() throws Exception {
        String request = "[\"REQ\",\"t\",{\"cache\":[\"thread_view\",{\"event_id\":\"" + s.n1.id()
                + "\",\"limit\":100,\"user_pubkey\":\"" + s.alice.pubkey() + "\"}]}]";
        List<String> single;
        try (RelayClient plain = new RelayClient(stack.gatewayUrl())) {
            plain.send(request);
            single = plain.until("[\"EOSE\",\"t\"]", WAIT);
        }
        try (RelayClient primal = new RelayClient(stack.gatewayUrl())) {
            primal.send("[\"REQ\",\"p\",{\"cache\":[\"set_primal_protocol\",{\"compression\":\"zlib\"}]}]");
            assertThat(primal.next(WAIT)).isEqualTo("[\"EOSE\",\"p\"]");
            primal.send(request);
            List<String> batched = primal.until("[\"EOSE\",\"t\"]", WAIT);

            assertThat(single).allMatch(m -> m.startsWith("[\"EVENT\",\"t\",") || m.equals("[\"EOSE\",\"t\"]"));
            assertThat(single.size()).as("a thread of several objects").isGreaterThan(5);
            assertThat(batched).as("one batch and EOSE").hasSize(2);
            assertThat(batched.getFirst()).startsWith("[\"EVENTS\",\"t\",[");
            List<JsonNode> unpacked = new ArrayList<>();
            List<JsonNode> expected = new ArrayList<>();
            for (String m : batched) {
                unpacked.addAll(objectsOf(JSON.readTree(m)));
            }
            for (String m : single) {
                expected.addAll(objectsOf(JSON.readTree(m)));
            }
            assertThat(unpacked).containsExactlyElementsOf(expected);

            primal.send("[\"REQ\",\"nip01\",{\"kinds\":[1],\"limit\":3}]");
            List<String> nip01 = primal.until("[\"EOSE\",\"nip01\"]", WAIT);
            assertThat(nip01).hasSize(4).allMatch(m -> m.startsWith("[\"EVENT\",\"nip01\",{") || m.startsWith("[\"EOSE\""));
        }
    }

    @Test
    void settingsAreStoredSignedAndReadBack() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        Event settings = s.carol.sign(now, 30078, List.of(List.of("d", "Primal-Web App")), "{\"theme\":\"midnight\"}");
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            assertThat(ask(client, "set_app_settings", params("settings_event", JSON.readTree(settings.toJson())))
                    .getFirst().get("id").asString()).isEqualTo(settings.id());
            assertThat(stack.awaitDrained(Duration.ofSeconds(30))).isTrue();
            Event request = s.carol.sign(now, 30078, List.of(List.of("d", "Primal-Web App")), "{\"description\":\"Sync app settings\"}");
            JsonNode stored = ask(client, "get_app_settings", params("event_from_user", JSON.readTree(request.toJson()))).getFirst();
            assertThat(stored.get("id").asString()).isEqualTo(settings.id());
            assertThat(stored.get("content").asString()).contains("midnight");
            String forged = settings.toJson().replace("midnight", "daylight");
            client.send("[\"REQ\",\"bad_set\",{\"cache\":[\"set_app_settings\",{\"settings_event\":" + forged + "}]}]");
            assertThat(client.next(WAIT)).startsWith("[\"NOTICE\",\"bad_set\",\"invalid:");
            assertThat(client.next(WAIT)).isEqualTo("[\"EOSE\",\"bad_set\"]");
        }
    }

    @Test
    void theLocalRuntimeServesPrometheusMetricsOfEveryFunction() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            ask(client, "user_profile", params("pubkey", s.bob.pubkey()));
        }
        var http = java.net.http.HttpClient.newHttpClient();
        var metrics = http.send(java.net.http.HttpRequest.newBuilder(stack.managementUrl().resolve("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("nostr_cache_primal_requests_total{op=\"user_profile\",result=\"ok\"}")
                .contains("nostr_cache_invocations_seconds_count{function=\"wsDefault\",outcome=\"ok\"}")
                .contains("nostr_cache_events_total{function=\"ingestProfiles\",outcome=\"stored\"}");
    }

    /** Logged in, Primal's web client names its requests {@code <name>_<app id>}: up to about 142 characters. */
    @Test
    void theLoggedInClientsLongSubscriptionIdsAreAnswered() throws Exception {
        String sub = "user_profile_" + "a1b2c3d4".repeat(16);
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            client.send("[\"REQ\",\"" + sub + "\",{\"cache\":[\"user_profile\",{\"pubkey\":\"" + s.bob.pubkey() + "\"}]}]");
            List<String> answer = client.until("[\"EOSE\",\"" + sub + "\"]", WAIT);
            assertThat(answer).anyMatch(m -> m.startsWith("[\"EVENT\",\"" + sub + "\",{"));
            assertThat(answer).noneMatch(m -> m.startsWith("[\"NOTICE\""));
        }
    }

    @Test
    void refusalsAreThreeElementNoticesThenEose() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            client.send("[\"REQ\",\"x_1\",{\"cache\":[\"no_such_op\",{}]}]");
            assertThat(client.next(WAIT)).isEqualTo("[\"NOTICE\",\"x_1\",\"unknown api request\"]");
            assertThat(client.next(WAIT)).isEqualTo("[\"EOSE\",\"x_1\"]");
            client.send("[\"REQ\",\"x_2\",{\"cache\":[\"feed\",{\"pubkey\":\"" + s.bob.pubkey() + "\",\"limit\":5000}]}]");
            assertThat(client.next(WAIT)).isEqualTo("[\"NOTICE\",\"x_2\",\"limit too big\"]");
            assertThat(client.next(WAIT)).isEqualTo("[\"EOSE\",\"x_2\"]");
            client.send("[\"REQ\",\"x_3\",{\"cache\":[\"user_infos\",{\"pubkeys\":[\"not-hex\"]}]}]");
            assertThat(client.next(WAIT)).isEqualTo("[\"NOTICE\",\"x_3\",\"invalid pubkey\"]");
            assertThat(client.next(WAIT)).isEqualTo("[\"EOSE\",\"x_3\"]");
        }
    }

    @Test
    void oneShotRequestsNeverFillTheSubscriptionCap() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            for (int i = 0; i < 210; i++) {
                client.send("[\"REQ\",\"android-" + i + "\",{\"cache\":[\"get_app_releases\",{}]}]");
            }
            client.until("[\"EOSE\",\"android-209\"]", WAIT);
            client.send("[\"REQ\",\"nip01\",{\"kinds\":[1],\"limit\":1}]");
            List<String> answer = client.until("[\"EOSE\",\"nip01\"]", WAIT);
            assertThat(answer).noneMatch(m -> m.startsWith("[\"CLOSED\""));
        }
    }

    @Test
    void notificationCountsArePushedWhenANotificationIsStoredUntilClosed() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            client.send("[\"REQ\",\"nc_1\",{\"cache\":[\"notification_counts\",{\"pubkey\":\"" + s.bob.pubkey() + "\"}]}]");
            assertThat(client.next(WAIT)).as("EOSE at once").isEqualTo("[\"EOSE\",\"nc_1\"]");
            JsonNode first = JSON.readTree(client.next(WAIT)).get(2);
            assertThat(first.get("kind").asInt()).isEqualTo(PrimalKinds.NOTIFICATIONS_SUMMARY);
            long likes = first.get("4").asLong();

            Event like = s.dave.sign(System.currentTimeMillis() / 1000, 7, List.of(List.of("e", s.n3.id()),
                    List.of("p", s.bob.pubkey())), "+");
            stack.publisher().submit(new OutboundEvent(like.toJson(), 7, "test", 1L, null)).join();
            JsonNode pushed = JSON.readTree(client.until("[\"EVENT\",\"nc_1\"", WAIT).getLast()).get(2);
            assertThat(pushed.get("kind").asInt()).isEqualTo(PrimalKinds.NOTIFICATIONS_SUMMARY);
            assertThat(pushed.get("4").asLong()).isEqualTo(likes + 1);

            // The web client's CLOSE carries the request as a third element: accepted silently, and pushes stop.
            client.send("[\"CLOSE\",\"nc_1\",{\"cache\":[\"notification_counts\",{\"pubkey\":\"" + s.bob.pubkey() + "\"}]}]");
            client.send("[\"REQ\",\"probe\",{\"cache\":[\"get_app_releases\",{}]}]");
            assertThat(client.until("[\"EOSE\",\"probe\"]", WAIT)).noneMatch(m -> m.startsWith("[\"NOTICE\""));
            Event another = s.carol.sign(System.currentTimeMillis() / 1000, 7, List.of(List.of("e", s.n3.id()),
                    List.of("p", s.bob.pubkey())), "+");
            stack.publisher().submit(new OutboundEvent(another.toJson(), 7, "test", 1L, null)).join();
            assertThat(stack.awaitDrained(Duration.ofSeconds(30))).isTrue();
            assertThat(client.next(Duration.ofSeconds(2))).as("nothing pushed after CLOSE").isNull();
        }
    }
}
