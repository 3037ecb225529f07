package dev.nostrcache.localstack;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.relay.SubscriptionRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Real WebSocket clients against the local gateway, over the stored workload. */
class RelayTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(15);
    @TempDir
    private static Path dir;
    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
        EventParser parser = new EventParser(Limits.DEFAULTS);
        for (String line : TestData.lines("workload-events.jsonl")) {
            Event e = parser.parse(line);
            stack.publisher().submit(new OutboundEvent(line, e.kind(), "test", 1L, null)).join();
        }
        assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static long sql(String query) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(query);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void reqReturnsStoredEventsThenEoseAndCountCounts() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            client.send("[\"REQ\",\"profiles\",{\"kinds\":[0],\"limit\":5}]");
            List<String> answer = client.until("[\"EOSE\"", WAIT);
            assertThat(answer).hasSize(6).last().isEqualTo("[\"EOSE\",\"profiles\"]");
            long previous = Long.MAX_VALUE;
            for (String m : answer.subList(0, 5)) {
                JsonNode msg = JSON.readTree(m);
                assertThat(msg.get(0).asString()).isEqualTo("EVENT");
                assertThat(msg.get(1).asString()).isEqualTo("profiles");
                assertThat(msg.get(2).get("kind").asInt()).isZero();
                assertThat(msg.get(2).get("created_at").asLong()).isLessThanOrEqualTo(previous);
                previous = msg.get(2).get("created_at").asLong();
            }
            client.send("[\"COUNT\",\"c\",{\"kinds\":[1]}]");
            assertThat(client.until("[\"COUNT\"", WAIT).getLast())
                    .isEqualTo("[\"COUNT\",\"c\",{\"count\":" + sql("SELECT count(*) FROM events WHERE kind = 1") + "}]");
            client.send("[\"REQ\",\"bad\",{\"ids\":[\"abcd\"]}]");
            assertThat(client.until("[\"CLOSED\"", WAIT).getLast()).startsWith("[\"CLOSED\",\"bad\",\"invalid: ");
            client.send("not json");
            assertThat(client.until("[\"NOTICE\"", WAIT).getLast()).startsWith("[\"NOTICE\",\"invalid: malformed JSON");
        }
    }

    @Test
    void aPublishedEventReachesMatchingSubscriptionsOnly() throws Exception {
        EventSigner author = TestKeys.signer(4242);
        try (RelayClient publisher = new RelayClient(stack.gatewayUrl());
             RelayClient follower = new RelayClient(stack.gatewayUrl());
             RelayClient other = new RelayClient(stack.gatewayUrl())) {
            follower.send("[\"REQ\",\"mine\",{\"kinds\":[1],\"authors\":[\"" + author.pubkey() + "\"]}]");
            assertThat(follower.until("[\"EOSE\"", WAIT)).containsExactly("[\"EOSE\",\"mine\"]");
            other.send("[\"REQ\",\"reactions\",{\"kinds\":[7],\"limit\":0}]");
            assertThat(other.until("[\"EOSE\"", WAIT)).containsExactly("[\"EOSE\",\"reactions\"]");

            Event note = author.sign(System.currentTimeMillis() / 1000, 1, List.of(), "live through the gateway");
            publisher.send("[\"EVENT\"," + note.toJson() + "]");
            assertThat(publisher.until("[\"OK\"", WAIT).getLast()).isEqualTo("[\"OK\",\"" + note.id() + "\",true,\"\"]");
            assertThat(follower.until("[\"EVENT\"", WAIT).getLast()).isEqualTo("[\"EVENT\",\"mine\"," + note.toJson() + "]");
            assertThat(other.next(Duration.ofSeconds(2))).as("a non-matching subscription gets nothing").isNull();

            assertThat(stack.awaitDrained(WAIT)).isTrue();
            publisher.send("[\"EVENT\"," + note.toJson() + "]");
            assertThat(publisher.until("[\"OK\"", WAIT).getLast())
                    .isEqualTo("[\"OK\",\"" + note.id() + "\",true,\"duplicate: already have this event\"]");

            follower.send("[\"CLOSE\",\"mine\"]");
            Event second = author.sign(System.currentTimeMillis() / 1000, 1, List.of(), "after CLOSE");
            publisher.send("[\"EVENT\"," + second.toJson() + "]");
            publisher.until("[\"OK\"", WAIT);
            assertThat(follower.next(Duration.ofSeconds(2))).as("closed subscriptions get nothing").isNull();
        }
    }

    /**
     * Events published together over one connection: each is answered OK once queued, they travel through the
     * runtime's publisher in bundles rather than a message each, every one is stored, and a live subscription gets
     * each of them once (the ingest function matches a whole batch's events at once).
     */
    @Test
    void eventsPublishedTogetherAreQueuedInBundlesAndEachAnswered() throws Exception {
        EventSigner author = TestKeys.signer(4711);
        long now = System.currentTimeMillis() / 1000;
        Set<String> ids = new java.util.HashSet<>();
        long sentBefore = stack.publisher().sent();
        try (RelayClient client = new RelayClient(stack.gatewayUrl());
             RelayClient subscriber = new RelayClient(stack.gatewayUrl())) {
            subscriber.send("[\"REQ\",\"live\",{\"kinds\":[1],\"authors\":[\"" + author.pubkey() + "\"],\"limit\":0}]");
            assertThat(subscriber.until("[\"EOSE\"", WAIT)).containsExactly("[\"EOSE\",\"live\"]");
            for (int i = 0; i < 300; i++) {
                Event note = author.sign(now - i, 1, List.of(), "published together " + i);
                ids.add(note.id());
                client.send("[\"EVENT\"," + note.toJson() + "]");
            }
            Set<String> answered = new java.util.HashSet<>();
            while (answered.size() < ids.size()) {
                String ok = client.until("[\"OK\"", WAIT).getLast();
                assertThat(ok).endsWith("\",true,\"\"]");
                answered.add(ok.substring(7, 71));
            }
            assertThat(answered).isEqualTo(ids);
            List<String> delivered = new ArrayList<>();
            while (delivered.size() < ids.size()) {
                String frame = subscriber.until("[\"EVENT\"", WAIT).getLast();
                delivered.add(JSON.readTree(frame).get(2).get("id").asString());
            }
            assertThat(delivered).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
            assertThat(subscriber.next(Duration.ofSeconds(1))).as("nothing more").isNull();
        }
        assertThat(stack.publisher().sent() - sentBefore).as("sent in the publisher's bundles").isEqualTo(ids.size());
        assertThat(stack.awaitDrained(WAIT)).isTrue();
        assertThat(sql("SELECT count(*) FROM events WHERE pubkey = decode('" + author.pubkey() + "', 'hex')"))
                .isEqualTo(ids.size());
    }

    @Test
    void everyBadEventIsRefusedWithOkFalseAndAReason() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            List<String> lines = TestData.lines("bad-events.jsonl");
            for (String line : lines) {
                String event = JSON.writeValueAsString(JSON.readTree(line).get("event"));
                client.send("[\"EVENT\"," + event + "]");
                String ok = client.until("[\"OK\"", WAIT).getLast();
                JsonNode reply = JSON.readTree(ok);
                assertThat(reply.get(2).asBoolean()).as(line).isFalse();
                assertThat(reply.get(3).asString()).as(line).startsWith("invalid: ");
            }
        }
    }

    @Test
    void theSubscriptionCapIsAnsweredWithItsPrefixAndNothingIsLeftAfterDisconnects() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            for (int i = 0; i < Limits.DEFAULTS.maxSubscriptions(); i++) {
                client.send("[\"REQ\",\"s" + i + "\",{\"ids\":[\"" + "0".repeat(64) + "\"]}]");
            }
            for (int i = 0; i < Limits.DEFAULTS.maxSubscriptions(); i++) {
                client.until("[\"EOSE\"", WAIT);
            }
            client.send("[\"REQ\",\"one-too-many\",{\"kinds\":[1]}]");
            assertThat(client.until("[\"CLOSED\"", WAIT).getLast())
                    .isEqualTo("[\"CLOSED\",\"one-too-many\",\"rate-limited: at most 200 open subscriptions per connection\"]");
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sql("SELECT count(*) FROM ws_subscriptions") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(sql("SELECT count(*) FROM ws_subscriptions")).isZero();
        assertThat(sql("SELECT count(*) FROM ws_subscription_keys")).isZero();
    }

    @Test
    void aFloodIsRateLimitedWithItsPrefixAndTheConnectionRecovers() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            for (int i = 0; i < 1200; i++) {
                client.send("[\"CLOSE\",\"nothing-" + i + "\"]");  // a CLOSE is answered only when refused
            }
            List<String> notices = new java.util.ArrayList<>();
            String m;
            while ((m = client.next(Duration.ofSeconds(3))) != null) {
                notices.add(m);
            }
            assertThat(notices).isNotEmpty().allMatch(n -> n.startsWith("[\"NOTICE\",\"rate-limited: "));
            Thread.sleep(1000);
            client.send("[\"COUNT\",\"after\",{\"kinds\":[0]}]");
            assertThat(client.until("[\"COUNT\"", WAIT).getLast()).startsWith("[\"COUNT\",\"after\",{\"count\":");
        }
    }

    @Test
    void theManagementApiServesTheRealSdkClient() throws Exception {
        try (RelayClient client = new RelayClient(stack.gatewayUrl());
             var api = software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient.builder()
                     .endpointOverride(stack.managementUrl().resolve("/local"))
                     .region(software.amazon.awssdk.regions.Region.of(LocalAws.REGION)).credentialsProvider(LocalAws.credentials())
                     .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            client.send("[\"COUNT\",\"warm\",{\"kinds\":[0]}]");
            client.until("[\"COUNT\"", WAIT);
            String id;
            try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT connection_id FROM ws_connections ORDER BY connected_at DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getString(1);
            }
            var info = api.getConnection(r -> r.connectionId(id));
            assertThat(info.identity().sourceIp()).isEqualTo("127.0.0.1");
            assertThat(info.connectedAt()).isNotNull();
            api.postToConnection(r -> r.connectionId(id).data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("[\"NOTICE\",\"hello\"]")));
            assertThat(client.until("[\"NOTICE\"", WAIT).getLast()).isEqualTo("[\"NOTICE\",\"hello\"]");
            // The messenger the Lambda functions answer with (locally they call the gateway directly).
            String endpoint = stack.managementUrl().resolve("/local").toString();
            var messenger = new dev.nostrcache.infra.aws.ApiGatewayMessenger(uri -> api);
            assertThat(messenger.send(endpoint, id, "[\"NOTICE\",\"through the messenger\"]")).isTrue();
            assertThat(client.until("[\"NOTICE\"", WAIT).getLast()).isEqualTo("[\"NOTICE\",\"through the messenger\"]");
            api.deleteConnection(r -> r.connectionId(id));
            Thread.sleep(500);
            assertThat(messenger.send(endpoint, id, "[\"NOTICE\",\"late\"]")).as("a gone connection").isFalse();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.postToConnection(r -> r.connectionId(id)
                            .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("late"))))
                    .isInstanceOf(software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException.class);
        }
    }

    @Test
    void eventsWithCharactersSqsRefusesTravelEscapedAndAreServedByteIdentical() throws Exception {
        EscapeEdgeEvents.publishAndReadBack(stack, EscapeEdgeEvents.all(77));
    }

    @Test
    void theClientPortServesNoManagementPath() throws Exception {
        try (RelayClient victim = new RelayClient(stack.gatewayUrl())) {
            victim.send("[\"COUNT\",\"warm\",{\"kinds\":[0]}]");
            victim.until("[\"COUNT\"", WAIT);
            String id;
            try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT connection_id FROM ws_connections ORDER BY connected_at DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                id = rs.getString(1);
            }
            var http = java.net.http.HttpClient.newHttpClient();
            java.net.URI client = stack.httpUrl();
            String forged = "[\"EVENT\",\"x\",{\"id\":\"" + "0".repeat(64) + "\"}]";
            for (String method : List.of("GET", "POST", "DELETE")) {
                for (String path : List.of("/local/@connections/" + id, "/local/@connections/" + id + "/",
                        "/@connections/" + id, "/metrics", "/local/metrics")) {
                    var request = java.net.http.HttpRequest.newBuilder(client.resolve(path))
                            .method(method, java.net.http.HttpRequest.BodyPublishers.ofString(forged)).build();
                    int status;
                    // A fresh client each time: a request whose body is not read closes its connection.
                    try (var once = java.net.http.HttpClient.newHttpClient()) {
                        status = once.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                    }
                    assertThat(status).as("%s %s on the client port", method, path).isIn(403, 404, 405);
                }
            }
            victim.send("[\"COUNT\",\"still\",{\"kinds\":[0]}]");
            List<String> seen = victim.until("[\"COUNT\",\"still\"", WAIT);
            assertThat(seen).as("nothing forged reached the victim, and it is still connected")
                    .noneMatch(m -> m.contains("0".repeat(64)));
            // The management listener itself is on loopback only.
            assertThat(stack.managementUrl().getHost()).isEqualTo("127.0.0.1");
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(stack.managementUrl().resolve("/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void filtersOfEveryKindAnswerAsTheQueryPathDoes() throws Exception {
        var queries = new dev.nostrcache.infra.query.EventQueries(stack.dataSource(), Limits.DEFAULTS.maxLimit());
        var parser = new dev.nostrcache.core.filter.FilterParser(Limits.DEFAULTS);
        String author;
        String tagged;
        try (Connection c = stack.dataSource().getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT encode(pubkey, 'hex') FROM events WHERE kind = 1 GROUP BY pubkey ORDER BY count(*) DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                author = rs.getString(1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM event_tags WHERE name = 'e' GROUP BY value ORDER BY count(*) DESC LIMIT 1");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                tagged = rs.getString(1);
            }
        }
        String[] filters = {
            "{\"authors\":[\"" + author + "\"],\"kinds\":[1],\"limit\":50}",
            "{\"#e\":[\"" + tagged + "\"]}",
            "{\"kinds\":[1,7],\"since\":1600000000,\"until\":1700000000,\"limit\":20}",
            "{\"kinds\":[0],\"limit\":3},{\"kinds\":[3],\"limit\":2}"};
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            for (int i = 0; i < filters.length; i++) {
                client.send("[\"REQ\",\"f" + i + "\"," + filters[i] + "]");
                List<String> got = client.until("[\"EOSE\"", WAIT);
                List<String> ids = got.subList(0, got.size() - 1).stream().map(m -> JSON.readTree(m).get(2).get("id").asString()).toList();
                List<dev.nostrcache.core.filter.Filter> parsed = new java.util.ArrayList<>();
                for (JsonNode f : JSON.readTree("[" + filters[i] + "]").values()) {
                    parsed.add(parser.parse(f));
                }
                assertThat(ids).as(filters[i]).isEqualTo(queries.find(parsed, System.currentTimeMillis() / 1000).stream()
                        .map(dev.nostrcache.infra.query.EventQueries.Row::id).toList());
                assertThat(ids).as(filters[i]).isNotEmpty();
            }
            String tooMany = String.join(",", java.util.Collections.nCopies(21, "{}"));
            client.send("[\"REQ\",\"many\"," + tooMany + "]");
            assertThat(client.until("[\"CLOSED\"", WAIT).getLast()).isEqualTo("[\"CLOSED\",\"many\",\"invalid: 21 filters, the limit is 20\"]");
        }
    }

    @Test
    void anOversizedMessageClosesTheConnectionAsApiGatewayDoes() throws Exception {
        java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(stack.gatewayUrl(), LocalStackTest.closeListener(closed)).join();
        ws.sendText("[\"REQ\",\"big\",{\"search\":\"" + "x".repeat(140 * 1024) + "\"}]", true);
        assertThat(closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1009);
    }

    @Test
    void nip11DescribesTheRealLimitsWithCorsHeaders() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI base = java.net.URI.create(stack.gatewayUrl().toString().replace("ws://", "http://"));
        var info = http.send(java.net.http.HttpRequest.newBuilder(base).header("Accept", "application/nostr+json").build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.headers().firstValue("Content-Type")).contains("application/nostr+json");
        assertThat(info.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(info.headers().firstValue("Access-Control-Allow-Methods")).isPresent();
        assertThat(info.headers().firstValue("Access-Control-Allow-Headers")).isPresent();
        JsonNode limitation = JSON.readTree(info.body()).get("limitation");
        assertThat(limitation.get("max_subscriptions").asInt()).isEqualTo(Limits.DEFAULTS.maxSubscriptions());
        assertThat(limitation.get("max_limit").asInt()).isEqualTo(Limits.DEFAULTS.maxLimit());
        assertThat(limitation.get("max_message_length").asInt()).isEqualTo(Limits.DEFAULTS.maxMessageBytes());
        assertThat(limitation.get("max_subid_length").asInt()).isEqualTo(Limits.DEFAULTS.maxSubscriptionIdLength());
        assertThat(JSON.readTree(info.body()).get("supported_nips").toString()).contains("1", "11", "45");

        var preflight = http.send(java.net.http.HttpRequest.newBuilder(base).method("OPTIONS",
                java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("*");

        var plain = http.send(java.net.http.HttpRequest.newBuilder(base).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
        assertThat(plain.body()).as("a pointer, not the working directory").startsWith("nostr-cache: connect");
        var elsewhere = http.send(java.net.http.HttpRequest.newBuilder(base.resolve("/config.json")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).as("no working directory or anything else served").isEqualTo(404);
    }

    @Test
    void withTheAvatarCacheTurnedOffNoPictureIsQueuedOrFetched() throws Exception {
        // This stack runs with avatar_cache false, so the workload's real picture URLs are never fetched by tests.
        assertThat(stack.queueDepths().get("nostr-cache-avatars")).isZero();
        assertThat(sql("SELECT count(*) FROM avatars")).isZero();
        long withPictures = sql("SELECT count(*) FROM profiles WHERE picture IS NOT NULL");
        assertThat(withPictures).as("the workload has profiles with pictures").isPositive();
        String pubkey;
        try (Connection c = stack.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT encode(pubkey, 'hex') FROM profiles WHERE picture IS NOT NULL LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            pubkey = rs.getString(1);
        }
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                stack.gatewayUrl().toString().replace("ws://", "http://") + "profile-pic/" + pubkey)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("turned off");
        assertThat(sql("SELECT count(*) FROM avatars")).isZero();
    }

    @Test
    void aGoneConnectionIsCleanedUpWhenAnEventIsPushedToIt() throws Exception {
        SubscriptionRepository subscriptions = new SubscriptionRepository(stack.dataSource());
        subscriptions.openConnection("ghost", stack.gatewayUrl().toString().replace("ws://", "http://") + "local", null, null);
        subscriptions.subscribe("ghost", "all-notes", List.of(new Filter(null, null, Set.of(1), null, null, null, null, null)), 10);
        try (RelayClient publisher = new RelayClient(stack.gatewayUrl())) {
            Event note = TestKeys.signer(99).sign(System.currentTimeMillis() / 1000, 1, List.of(), "to a ghost");
            publisher.send("[\"EVENT\"," + note.toJson() + "]");
            publisher.until("[\"OK\"", WAIT);
        }
        assertThat(stack.awaitDrained(WAIT)).isTrue();
        assertThat(sql("SELECT count(*) FROM ws_connections WHERE connection_id = 'ghost'")).isZero();
    }
}
