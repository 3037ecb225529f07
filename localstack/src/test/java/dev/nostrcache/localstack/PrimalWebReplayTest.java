package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.functions.scheduled.ScheduledFunctions;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.primal.PrimalKinds;
import dev.nostrcache.infra.queue.OutboundEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Primal's web client, page by page: the exact messages the real client (2.6.10, unmodified, in headless Chromium)
 * sent to this cache while opening the anonymous and logged-in home, a profile and each of its tabs, a thread, explore
 * and each of its tabs, reads, a long-form article, search and notifications (recorded in
 * {@code primal-web/requests.json}), replayed in order over the local gateway against the workload events. Every
 * REQ must end with EOSE and carry no NOTICE, every object must be well formed, and each op's answer must have the
 * shape docs/primal-api.md documents; an op the recording holds that this test has no shape for fails it.
 */
class PrimalWebReplayTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int PRIMAL_KINDS = 10_000_000;
    private static LocalStack stack;
    private static JsonNode recording;
    private static final Set<String> articleIds = new HashSet<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, "
                + "\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
        List<String> events = new ArrayList<>(TestData.lines("workload-events.jsonl"));
        events.addAll(resourceLines("primal-web/extra-events.jsonl"));
        for (String line : events) {
            JsonNode e = JSON.readTree(line);
            if (e.get("kind").asInt() == 30023) {
                articleIds.add(e.get("id").asString());
            }
            stack.publisher().submit(new OutboundEvent(line, e.get("kind").asInt(), "test", 1L, null)).join();
        }
        assertThat(stack.awaitDrained(Duration.ofSeconds(120))).isTrue();
        assertThat(stack.runScheduled(ScheduledFunctions.TRENDING)).isTrue();
        try (InputStream in = PrimalWebReplayTest.class.getResourceAsStream("/primal-web/requests.json")) {
            recording = JSON.readTree(in);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static List<String> resourceLines(String name) throws Exception {
        try (InputStream in = PrimalWebReplayTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** What one replayed request got: its params and the objects of its EVENTs. */
    private record Answered(String page, String op, JsonNode params, List<JsonNode> objects) {
        List<Integer> kinds() {
            return objects.stream().map(o -> o.get("kind").asInt()).toList();
        }

        JsonNode only(int kind) {
            List<JsonNode> of = objects.stream().filter(o -> o.get("kind").asInt() == kind).toList();
            assertThat(of).as("%s on %s: one object of kind %d in %s", op, page, kind, kinds()).hasSize(1);
            return JSON.readTree(of.getFirst().get("content").asString());
        }

        JsonNode range() {
            assertThat(kinds()).as("%s on %s ends with its range", op, page).isNotEmpty();
            assertThat(kinds().getLast()).as("%s on %s ends with its range", op, page).isEqualTo(PrimalKinds.RANGE);
            return JSON.readTree(objects.getLast().get("content").asString());
        }

        String string(String key) {
            return params.path(key).asString("");
        }
    }

    /** Replays one page's messages on a fresh connection; each REQ waits for its EOSE before the next message. */
    private static List<Answered> replay(JsonNode page) throws Exception {
        List<Answered> answered = new ArrayList<>();
        String name = page.get("name").asString();
        try (RelayClient client = new RelayClient(stack.gatewayUrl())) {
            for (JsonNode message : page.get("requests")) {
                client.send(message.toString());
                if (!message.get(0).asString().equals("REQ")) {
                    continue;
                }
                String sub = message.get(1).asString();
                JsonNode request = message.get(2).get("cache");
                List<JsonNode> objects = new ArrayList<>();
                for (String raw : client.until("[\"EOSE\",\"" + sub + "\"]", WAIT)) {
                    JsonNode m = JSON.readTree(raw);
                    assertThat(m.get(0).asString()).as("%s on %s answered %s", request.get(0), name, raw)
                            .isIn("EVENT", "EVENTS", "EOSE");
                    if (m.get(1).asString().equals(sub)) {
                        objects.addAll(PrimalClientTest.objectsOf(m));
                    }
                }
                String op = request.get(0).asString();
                if (op.equals("notification_counts") || op.equals("directmsg_count") || op.equals("net_stats")) {
                    // Primal's async ops: EOSE first, the answer right after it.
                    String next = client.next(WAIT);
                    assertThat(next).as("%s on %s pushes its answer after EOSE", op, name).startsWith("[\"EVENT\",\"" + sub + "\",");
                    objects.add(JSON.readTree(next).get(2));
                }
                answered.add(new Answered(name, op, request.size() > 1 ? request.get(1) : JSON.createObjectNode(), objects));
            }
        }
        return answered;
    }

    /** Each op the web client sends, and the shape of its answer. */
    private static Map<String, Consumer<Answered>> shapes() {
        Map<String, Consumer<Answered>> s = new LinkedHashMap<>();
        s.put("set_primal_protocol", a -> assertThat(a.objects()).isEmpty());
        s.put("get_app_releases", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.APP_RELEASES));
        s.put("get_default_app_settings", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.DEFAULT_SETTINGS));
        s.put("get_home_feeds", a -> assertThat(a.only(PrimalKinds.HOME_FEEDS).isArray()).isTrue());
        s.put("get_reads_feeds", a -> assertThat(a.only(PrimalKinds.READS_FEEDS).isArray()).isTrue());
        s.put("get_recommended_blossom_servers", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.RECOMMENDED_BLOSSOM_SERVERS));
        s.put("get_default_relays", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.DEFAULT_RELAYS));
        s.put("user_infos", a -> {
            Set<String> asked = new HashSet<>();
            a.params().get("pubkeys").forEach(pk -> asked.add(pk.asString()));
            assertThat(a.only(PrimalKinds.USER_SCORES).propertyNames()).containsExactlyInAnyOrderElementsOf(asked);
            assertThat(a.objects().stream().filter(o -> o.get("kind").asInt() == 0).map(o -> o.get("pubkey").asString()))
                    .allMatch(asked::contains);
        });
        s.put("user_profile", a -> assertThat(a.only(PrimalKinds.USER_PROFILE).get("pubkey").asString())
                .isEqualTo(a.string("pubkey")));
        s.put("user_profile_scored_content", a -> assertThat(a.kinds()).doesNotContain(PrimalKinds.RANGE));
        s.put("creator_paid_tiers", a -> assertThat(a.objects()).isEmpty());
        s.put("mega_feed_directive", a -> {
            JsonNode range = a.range();
            List<String> ids = a.objects().stream().filter(o -> o.get("kind").asInt() < PRIMAL_KINDS && o.has("id"))
                    .map(o -> o.get("id").asString()).toList();
            range.get("elements").forEach(id -> assertThat(ids).as("ranged events are sent").contains(id.asString()));
        });
        s.put("scored", a -> assertThat(a.kinds()).isNotEmpty());
        s.put("events", a -> {
            if (a.params().path("extended_response").asBoolean(false)) {
                a.range();
            } else {
                assertThat(a.kinds()).allMatch(k -> k < PRIMAL_KINDS);
            }
        });
        s.put("thread_view", a -> {
            assertThat(a.objects()).anyMatch(o -> o.path("id").asString("").equals(a.string("event_id")));
            assertThat(a.kinds().stream().filter(k -> k == PrimalKinds.RANGE)).hasSize(2);
        });
        s.put("event_zaps_by_satszapped", a -> assertThat(a.range().get("order_by").asString()).isEqualTo("amount_sats"));
        s.put("note_mentions_count", a -> assertThat(a.only(PrimalKinds.NOTE_MENTIONS_COUNT).get("event_id").asString())
                .isEqualTo(a.string("event_id")));
        s.put("net_stats", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.NET_STATS));
        s.put("get_featured_dvm_feeds", a -> assertThat(a.kinds()).allMatch(k -> k == PrimalKinds.DVM_HANDLER || k == 0));
        s.put("explore_topics", a -> assertThat(a.only(PrimalKinds.TOPIC_STATS).isObject()).isTrue());
        s.put("scored_users_24h", a -> assertThat(a.kinds()).contains(PrimalKinds.USER_SCORES));
        s.put("explore_people", a -> {
            JsonNode increases = a.only(PrimalKinds.USER_FOLLOWER_INCREASE);
            assertThat(a.range().get("order_by").asString()).isEqualTo("increase");
            assertThat(increases.propertyNames()).as("people the cache holds").isNotEmpty();
            increases.properties().forEach(p -> assertThat(p.getValue().has("increase") && p.getValue().has("ratio")
                    && p.getValue().has("count")).isTrue());
        });
        s.put("explore_zaps", a -> assertThat(a.range().get("order_by").asString()).isEqualTo("amount_sats"));
        s.put("explore_media", a -> a.range());
        s.put("get_recommended_reads", a -> assertThat(a.only(PrimalKinds.RECOMMENDED_READS).get("reads")).isNotEmpty());
        s.put("get_reads_topics", a -> assertThat(a.only(PrimalKinds.READS_TOPICS).isArray()).isTrue());
        s.put("get_featured_authors", a -> assertThat(a.only(PrimalKinds.FEATURED_AUTHORS).isArray()).isTrue());
        s.put("parametrized_replaceable_events", a -> assertThat(a.kinds()).allMatch(k -> k >= 30000 && k < 40000));
        s.put("long_form_content_thread_view", a -> {
            assertThat(a.objects()).anyMatch(o -> articleIds.contains(o.path("id").asString("")));
            assertThat(a.kinds()).as("the reply to the article").contains(1);
        });
        s.put("get_highlights", a -> assertThat(a.kinds()).contains(PrimalKinds.HIGHLIGHT));
        s.put("long_form_content_feed", a -> a.range());
        s.put("user_zaps_sent", a -> assertThat(a.range().get("order_by").asString()).isEqualTo("created_at"));
        s.put("get_user_relays", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.USER_RELAYS));
        s.put("notification_counts", a -> {
            assertThat(a.kinds()).containsExactly(PrimalKinds.NOTIFICATIONS_SUMMARY);
            assertThat(a.objects().getFirst().path("1").isNumber()).isTrue();
        });
        s.put("get_notifications_seen", a -> assertThat(a.kinds()).containsExactly(PrimalKinds.NOTIFICATIONS_SEEN_UNTIL));
        s.put("get_bookmarks", a -> assertThat(a.kinds()).allMatch(k -> k == PrimalKinds.BOOKMARKS || k == 0));
        s.put("contact_list", a -> assertThat(a.kinds()).contains(3));
        s.put("mutelist", a -> assertThat(a.kinds()).allMatch(k -> k == PrimalKinds.MUTE_LIST || k == 0));
        s.put("mutelists", a -> assertThat(a.kinds()).allMatch(k -> k == PrimalKinds.FOLLOW_SETS || k == 0
                || k == PrimalKinds.USER_SCORES));
        s.put("allowlist", a -> assertThat(a.kinds()).allMatch(k -> k == PrimalKinds.FOLLOW_SETS || k == 0
                || k == PrimalKinds.USER_SCORES));
        s.put("replaceable_event", a -> assertThat(a.kinds()).allMatch(k -> k == a.params().get("kind").asInt()));
        s.put("directmsg_count", a -> {
            assertThat(a.kinds()).containsExactly(PrimalKinds.MESSAGE_STATS);
            assertThat(a.objects().getFirst().path("cnt").asString()).isEqualTo("0");
        });
        s.put("live_events_from_follows", a -> assertThat(a.kinds()).allMatch(k -> k == PrimalKinds.LIVE_EVENT || k == 0));
        s.put("get_notifications", a -> assertThat(a.kinds()).allMatch(k -> k < PRIMAL_KINDS
                || k == PrimalKinds.NOTIFICATION || k == PrimalKinds.USER_PROFILE || k > 10_000_100));
        return s;
    }

    @Test
    void everyRequestOfEveryPageIsAnsweredInTheShapeTheClientReads() throws Exception {
        Map<String, Consumer<Answered>> shapes = shapes();
        Set<String> pages = new HashSet<>();
        List<Answered> all = new ArrayList<>();
        for (JsonNode page : recording.get("pages")) {
            pages.add(page.get("name").asString());
            all.addAll(replay(page));
        }
        assertThat(pages).as("the pages the issue names").contains("home (anonymous)", "home (logged in)", "profile",
                "profile#replies", "profile#reads", "profile#media", "profile#zaps", "profile#relays", "thread", "explore",
                "explore#people", "explore#zaps", "explore#media", "explore#topics", "reads", "article", "search",
                "notifications");
        for (Answered a : all) {
            assertThat(shapes).as("a shape for %s (sent on %s)", a.op(), a.page()).containsKey(a.op());
            for (JsonNode o : a.objects()) {
                int kind = o.get("kind").asInt();
                if (kind >= PRIMAL_KINDS) {
                    // Two of Primal's objects carry their values at the top level rather than as content.
                    if (kind != PrimalKinds.NOTIFICATIONS_SUMMARY && kind != PrimalKinds.MESSAGE_STATS) {
                        assertThat(JSON.readTree(o.get("content").asString())).as("%s content of %s", kind, a.op()).isNotNull();
                    }
                } else {
                    assertThat(o.path("id").asString("")).as("an event of %s: %s", a.op(), o).hasSize(64);
                    assertThat(o.path("sig").asString("")).as("an event of %s: %s", a.op(), o).hasSize(128);
                }
            }
            shapes.get(a.op()).accept(a);
        }
    }

    @Test
    void thePagesShowWhatTheStoredEventsHold() throws Exception {
        Map<String, List<Answered>> byPage = new LinkedHashMap<>();
        for (JsonNode page : recording.get("pages")) {
            String name = page.get("name").asString();
            if (List.of("home (anonymous)", "search", "thread", "article").contains(name)) {
                byPage.put(name, replay(page));
            }
        }
        // Logged out, "Latest" is the follows of Primal's own account, which this cache lacks: it opens on notes.
        assertThat(byPage.get("home (anonymous)")).filteredOn(a -> a.op().equals("mega_feed_directive")).first()
                .satisfies(a -> assertThat(a.kinds()).contains(1));
        assertThat(byPage.get("search")).filteredOn(a -> a.op().equals("mega_feed_directive")
                && a.string("spec").contains("advsearch")).first()
                .satisfies(a -> assertThat(a.objects()).filteredOn(o -> o.get("kind").asInt() == 1)
                        .isNotEmpty().allMatch(o -> o.get("content").asString().toLowerCase().contains("nostr")));
        assertThat(byPage.get("article")).filteredOn(a -> a.op().equals("events")).first()
                .satisfies(a -> assertThat(a.objects()).anyMatch(o -> articleIds.contains(o.path("id").asString(""))));
    }
}
