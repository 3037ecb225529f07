package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.SocialScenario;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Golden tests of the Primal ops over a known social graph: each op's documented parameters in, exactly the
 * documented kinds and content keys out, and values that agree with the stored data (counted again here in SQL).
 */
class PrimalApiTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long NOW = 2000;
    private static final String MEDIA = "http://cache.test/";
    private static HikariDataSource ds;
    private static SocialScenario s;
    private static PrimalApi api;

    @BeforeAll
    static void setUp() throws Exception {
        ds = TestDatabase.fresh();
        s = new SocialScenario();
        s.store(ds, NOW);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO avatars (pubkey, source_url, sha256, content_type, size_bytes, width, height, variants, status, fetched_at)
                VALUES (decode(?, 'hex'), 'https://pictures.example/alice.png', decode(repeat('ab', 32), 'hex'), 'image/png',
                        1000, 800, 600, '{s.png,m.png,l.png}', 'cached', now())""")) {
            ps.setString(1, s.alice.pubkey());
            ps.executeUpdate();
        }
        new TrendingScores(ds).recompute(NOW);
        api = new PrimalApi(ds, TestApis.NOTHING_SUBMITTED, List.of("wss://relay.example"), MEDIA, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    @AfterAll
    static void tearDown() {
        ds.close();
    }

    private static List<JsonNode> call(String op, String params) throws Exception {
        PrimalApi.Result result = api.answer(op, JSON.readTree(params));
        assertThat(result).isInstanceOf(PrimalApi.Result.Objects.class);
        List<JsonNode> out = new ArrayList<>();
        for (String o : ((PrimalApi.Result.Objects) result).objects()) {
            out.add(JSON.readTree(o));
        }
        return out;
    }

    private static List<Integer> kinds(List<JsonNode> objects) {
        return objects.stream().map(o -> o.get("kind").asInt()).toList();
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, int kind) {
        return objects.stream().filter(o -> o.get("kind").asInt() == kind).toList();
    }

    /** The content of a synthetic object: a JSON string holding JSON, never a nested object. */
    private static JsonNode content(JsonNode object) {
        assertThat(object.get("content").isString()).as("content is a string: " + object).isTrue();
        return JSON.readTree(object.get("content").asString());
    }

    private static JsonNode only(List<JsonNode> objects, int kind) {
        List<JsonNode> found = ofKind(objects, kind);
        assertThat(found).as("one object of kind " + kind + " in " + objects).hasSize(1);
        return found.getFirst();
    }

    private static List<String> ids(List<JsonNode> objects, Predicate<JsonNode> which) {
        return objects.stream().filter(which).map(o -> o.get("id").asString()).toList();
    }

    private static long sql(String query, String... hex) throws Exception {
        return sql(ds, query, hex);
    }

    private static long sql(HikariDataSource on, String query, String... hex) throws Exception {
        try (Connection c = on.getConnection(); PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < hex.length; i++) {
                ps.setString(i + 1, hex[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static String params(Object... keyValues) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return JSON.writeValueAsString(m);
    }

    @Test
    void userProfileIsTheKind0AndStatisticsEqualToTheStoredGraph() throws Exception {
        List<JsonNode> out = call("user_profile", params("pubkey", s.bob.pubkey(), "user_pubkey", s.alice.pubkey()));
        assertThat(kinds(out)).containsExactly(0, PrimalKinds.USER_PROFILE);
        assertThat(out.getFirst().get("id").asString()).isEqualTo(s.bobProfile.id());
        JsonNode stats = content(only(out, PrimalKinds.USER_PROFILE));
        assertThat(stats.propertyNames()).containsExactlyInAnyOrder("pubkey", "follows_count", "followers_count",
                "note_count", "long_form_note_count", "reply_count", "time_joined", "relay_count", "total_zap_count",
                "total_satszapped", "media_count", "content_zap_count");
        assertThat(stats.get("followers_count").asLong())
                .isEqualTo(sql("SELECT count(*) FROM follows WHERE followed = decode(?, 'hex')", s.bob.pubkey())).isEqualTo(3);
        assertThat(stats.get("follows_count").asLong()).isEqualTo(1);
        assertThat(stats.get("note_count").asLong()).isEqualTo(2);
        assertThat(stats.get("reply_count").asLong()).isZero();
        assertThat(stats.get("time_joined").asLong()).isEqualTo(1000);
        assertThat(stats.get("relay_count").asLong()).isEqualTo(2);
        assertThat(content(only(call("user_profile", params("pubkey", s.alice.pubkey())), PrimalKinds.USER_PROFILE))
                .get("reply_count").asLong()).isEqualTo(1);
    }

    @Test
    void hotAnswersAreCachedUntilAnEventAboutTheirPubkeyIsStored() throws Exception {
        try (OwnScenario fresh = OwnScenario.stored()) {
            HikariDataSource own = fresh.ds();
            SocialScenario scenario = fresh.scenario();
            PrimalApi cached = fresh.api();
            String bob = scenario.bob.pubkey();
            JsonNode before = content(only(objects(cached, "user_profile", params("pubkey", bob)), PrimalKinds.USER_PROFILE));
            assertThat(before.get("note_count").asLong()).isEqualTo(2);
            long followersBefore = content(only(objects(cached, "user_infos", params("pubkeys", List.of(bob))),
                    PrimalKinds.USER_SCORES)).get(bob).asLong();

            Event note = scenario.bob.sign(1900, 1, List.of(), "a third note");
            new EventProcessor(own).process(note, NOW);
            assertThat(content(only(objects(cached, "user_profile", params("pubkey", bob)), PrimalKinds.USER_PROFILE))
                    .get("note_count").asLong()).as("served from the cache until told").isEqualTo(2);
            cached.changed(note);
            assertThat(content(only(objects(cached, "user_profile", params("pubkey", bob)), PrimalKinds.USER_PROFILE))
                    .get("note_count").asLong()).isEqualTo(3);

            Event follow = scenario.alice.sign(1950, 3, List.of(List.of("p", scenario.carol.pubkey())), "");
            new EventProcessor(own).process(follow, NOW);
            cached.changed(follow);
            assertThat(content(only(objects(cached, "user_infos", params("pubkeys", List.of(bob))), PrimalKinds.USER_SCORES))
                    .get(bob).asLong()).as("alice unfollowed bob: a contact list clears everything")
                    .isEqualTo(followersBefore - 1);
        }
    }

    @Test
    void feedsTakeAuthorsCardsAndFollowSetsFromTheHotCacheUntilTold() throws Exception {
        try (OwnScenario fresh = OwnScenario.stored()) {
            SocialScenario scenario = fresh.scenario();
            String feedOfDave = params("pubkey", scenario.dave.pubkey(), "limit", 20);
            List<JsonNode> first = objects(fresh.api(), "feed", feedOfDave);
            assertThat(ids(first, o -> o.get("kind").asInt() == 1)).containsExactly(scenario.n3.id(), scenario.n1.id());
            assertThat(ids(first, o -> o.get("kind").asInt() == 0)).containsExactly(scenario.bobProfile.id());
            assertThat(content(only(first, PrimalKinds.USER_SCORES)).get(scenario.bob.pubkey()).asLong()).isEqualTo(3);

            var processor = new EventProcessor(fresh.ds());
            Event renamed = scenario.bob.sign(1950, 0, List.of(), "{\"name\":\"robert\"}");
            processor.process(renamed, NOW);
            assertThat(ids(objects(fresh.api(), "feed", feedOfDave), o -> o.get("kind").asInt() == 0))
                    .as("bob's card is kept until an event of his is stored").containsExactly(scenario.bobProfile.id());
            fresh.api().changed(renamed);
            assertThat(ids(objects(fresh.api(), "feed", feedOfDave), o -> o.get("kind").asInt() == 0)).containsExactly(renamed.id());

            Event followsCarol = scenario.dave.sign(1960, 3, List.of(List.of("p", scenario.carol.pubkey())), "");
            processor.process(followsCarol, NOW);
            assertThat(ids(objects(fresh.api(), "feed", feedOfDave), o -> o.get("kind").asInt() == 1))
                    .as("dave's follow set is kept until a contact list is stored").containsExactly(scenario.n3.id(), scenario.n1.id());
            fresh.api().changed(followsCarol);
            List<JsonNode> after = objects(fresh.api(), "feed", feedOfDave);
            assertThat(ids(after, o -> o.get("kind").asInt() == 1)).containsExactly(scenario.quote.id(), scenario.n2.id());
            assertThat(content(only(after, PrimalKinds.USER_SCORES)).get(scenario.carol.pubkey()).asLong())
                    .isEqualTo(sql(fresh.ds(), "SELECT count(*) FROM follows WHERE followed = decode(?, 'hex')", scenario.carol.pubkey()))
                    .isEqualTo(2);
        }
    }

    @Test
    void aProfileTooLargeToKeepIsReadAgainForEveryFeed() throws Exception {
        try (OwnScenario fresh = OwnScenario.stored()) {
            SocialScenario scenario = fresh.scenario();
            var processor = new EventProcessor(fresh.ds());
            String about = "x".repeat(PrimalApi.MAX_KEPT_PROFILE_CHARS);
            Event large = scenario.bob.sign(1950, 0, List.of(), "{\"name\":\"bob\",\"about\":\"" + about + "\"}");
            processor.process(large, NOW);
            fresh.api().changed(large);
            String feedOfDave = params("pubkey", scenario.dave.pubkey(), "limit", 20);
            assertThat(ids(objects(fresh.api(), "feed", feedOfDave), o -> o.get("kind").asInt() == 0)).containsExactly(large.id());

            Event next = scenario.bob.sign(1960, 0, List.of(), "{\"name\":\"bob\",\"about\":\"" + about + "!\"}");
            processor.process(next, NOW);
            assertThat(ids(objects(fresh.api(), "feed", feedOfDave), o -> o.get("kind").asInt() == 0))
                    .as("not kept, so the newest is read without being told").containsExactly(next.id());
        }
    }

    /** A database of its own with the scenario stored, and an API over it whose hot cache no other test touches. */
    private record OwnScenario(HikariDataSource ds, SocialScenario scenario, PrimalApi api) implements AutoCloseable {
        static OwnScenario stored() throws Exception {
            HikariDataSource ds = TestDatabase.fresh();
            SocialScenario scenario = new SocialScenario();
            scenario.store(ds, NOW);
            return new OwnScenario(ds, scenario,
                    new PrimalApi(ds, null, List.of(), null, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC)));
        }

        @Override
        public void close() {
            ds.close();
        }
    }

    private static List<JsonNode> objects(PrimalApi api, String op, String params) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String o : ((PrimalApi.Result.Objects) api.answer(op, JSON.readTree(params))).objects()) {
            out.add(JSON.readTree(o));
        }
        return out;
    }

    @Test
    void userInfosGivesProfilesMediaAndFollowerCounts() throws Exception {
        List<JsonNode> out = call("user_infos", params("pubkeys", List.of(s.alice.pubkey(), s.bob.pubkey(), s.dave.pubkey())));
        assertThat(ids(out, o -> o.get("kind").asInt() == 0)).containsExactlyInAnyOrder(s.aliceProfile.id(), s.bobProfile.id());
        assertThat(kinds(out)).contains(PrimalKinds.USER_SCORES, PrimalKinds.USER_FOLLOWER_COUNTS, PrimalKinds.MEDIA_METADATA,
                PrimalKinds.USER_PRIMAL_NAMES, PrimalKinds.MEMBERSHIP_LEGEND_CUSTOMIZATION, PrimalKinds.MEMBERSHIP_COHORTS);
        JsonNode scores = content(only(out, PrimalKinds.USER_SCORES));
        assertThat(scores.get(s.alice.pubkey()).asLong()).isEqualTo(2);
        assertThat(scores.get(s.bob.pubkey()).asLong()).isEqualTo(3);
        assertThat(scores.get(s.dave.pubkey()).asLong()).isZero();
        assertThat(content(only(out, PrimalKinds.USER_FOLLOWER_COUNTS))).isEqualTo(scores);
        JsonNode media = content(only(out, PrimalKinds.MEDIA_METADATA));
        assertThat(media.get("event_id").asString()).as("keyed by the kind 0's id").isEqualTo(s.aliceProfile.id());
        JsonNode resource = media.get("resources").get(0);
        assertThat(resource.get("url").asString()).isEqualTo("https://pictures.example/alice.png");
        JsonNode small = resource.get("variants").get(0);
        assertThat(small.propertyNames()).containsExactlyInAnyOrder("s", "a", "w", "h", "mt", "dur", "media_url");
        assertThat(small.get("s").asString()).isEqualTo("s");
        assertThat(small.get("w").asInt()).isEqualTo(200);
        assertThat(small.get("h").asInt()).isEqualTo(150);
        assertThat(small.get("media_url").asString()).isEqualTo(MEDIA + "profile-pic/" + s.alice.pubkey() + "?size=s");
        assertThatThrownBy(() -> call("user_infos", params("pubkeys", List.of("npub1abc")))).hasMessage("invalid pubkey");
    }

    @Test
    void theFollowsFeedIsAnEnrichedBundleEndingInItsRange() throws Exception {
        List<JsonNode> out = call("feed", params("pubkey", s.alice.pubkey(), "user_pubkey", s.alice.pubkey(), "limit", 10));
        List<String> notes = ids(out, o -> o.get("kind").asInt() == 1);
        assertThat(notes).as("follows' notes, newest first, no replies")
                .containsExactly(s.quote.id(), s.n3.id(), s.n2.id(), s.n1.id());
        assertThat(kinds(out).getLast()).isEqualTo(PrimalKinds.RANGE);
        JsonNode range = content(out.getLast());
        assertThat(range.propertyNames()).containsExactlyInAnyOrder("since", "until", "order_by", "elements");
        assertThat(range.get("since").asLong()).isEqualTo(1000);
        assertThat(range.get("until").asLong()).isEqualTo(1800);
        assertThat(range.get("order_by").asString()).isEqualTo("created_at");
        assertThat(JSON.convertValue(range.get("elements"), List.class)).isEqualTo(notes);
        assertThat(ids(out, o -> o.get("kind").asInt() == 0)).containsExactlyInAnyOrder(s.bobProfile.id(), s.carolProfile.id());

        JsonNode n1Stats = ofKind(out, PrimalKinds.EVENT_STATS).stream().map(PrimalApiTest::content)
                .filter(c -> c.get("event_id").asString().equals(s.n1.id())).findFirst().orElseThrow();
        assertThat(n1Stats.propertyNames()).containsExactlyInAnyOrder("event_id", "likes", "replies", "mentions",
                "reposts", "zaps", "satszapped", "score", "score24h", "bookmarks");
        assertThat(n1Stats.get("likes").asLong()).isEqualTo(2);
        assertThat(n1Stats.get("replies").asLong()).isEqualTo(1);
        assertThat(n1Stats.get("reposts").asLong()).isEqualTo(1);
        assertThat(n1Stats.get("mentions").asLong()).isEqualTo(1);

        JsonNode actions = content(only(out, PrimalKinds.EVENT_ACTIONS_COUNT));
        assertThat(actions.get("event_id").asString()).isEqualTo(s.n1.id());
        assertThat(actions.get("liked").asBoolean()).isTrue();
        assertThat(actions.get("replied").asBoolean()).isTrue();
        assertThat(actions.get("reposted").asBoolean()).isFalse();
        assertThat(content(only(out, PrimalKinds.USER_SCORES)).get(s.bob.pubkey()).asLong()).isEqualTo(3);

        List<JsonNode> quotePage = call("feed", params("pubkey", s.alice.pubkey(), "limit", 1));
        assertThat(ids(quotePage, o -> o.get("kind").asInt() == 1)).containsExactly(s.quote.id());
        assertThat(JSON.readTree(only(quotePage, PrimalKinds.REFERENCED_EVENT).get("content").asString()).get("id")
                .asString()).as("the note its q tag quotes comes along").isEqualTo(s.n1.id());

        List<JsonNode> page2 = call("feed", params("pubkey", s.alice.pubkey(), "limit", 2, "until", range.get("since").asLong() + 199));
        assertThat(ids(page2, o -> o.get("kind").asInt() == 1)).containsExactly(s.n2.id(), s.n1.id());
        assertThatThrownBy(() -> call("feed", params("pubkey", s.alice.pubkey(), "limit", 5000))).hasMessage("limit too big");
    }

    @Test
    void authoredAndRepliesFeedsAndTheMegaFeedSpecsTheyBackOn() throws Exception {
        assertThat(ids(call("feed", params("pubkey", s.bob.pubkey(), "notes", "authored")), o -> o.get("kind").asInt() == 1))
                .containsExactly(s.n3.id(), s.n1.id());
        assertThat(ids(call("feed", params("pubkey", s.alice.pubkey(), "notes", "replies")), o -> o.get("kind").asInt() == 1))
                .containsExactly(s.r1.id());
        List<JsonNode> latest = call("mega_feed_directive", params("spec", "{\"id\":\"latest\",\"kind\":\"notes\"}",
                "user_pubkey", s.alice.pubkey(), "limit", 20));
        assertThat(ids(latest, o -> o.get("kind").asInt() == 1)).containsExactly(s.quote.id(), s.n3.id(), s.n2.id(), s.n1.id());
        assertThat(kinds(latest).getLast()).isEqualTo(PrimalKinds.RANGE);
        List<JsonNode> profile = call("mega_feed_directive", params("spec",
                "{\"id\":\"feed\",\"kind\":\"notes\",\"notes\":\"authored\",\"pubkey\":\"" + s.bob.pubkey() + "\"}"));
        assertThat(ids(profile, o -> o.get("kind").asInt() == 1)).containsExactly(s.n3.id(), s.n1.id());
        List<JsonNode> reads = call("mega_feed_directive", params("spec", "{\"id\":\"reads-feed\",\"kind\":\"reads\"}"));
        assertThat(ids(reads, o -> o.get("kind").asInt() == 30023)).containsExactly(s.article.id());
        assertThatThrownBy(() -> call("mega_feed_directive", params("spec", "{\"id\":\"video-reels\",\"kind\":\"notes\"}")))
                .hasMessageStartingWith("feed spec not served here");
        assertThatThrownBy(() -> call("mega_feed_directive", params("spec", "not json"))).hasMessage("invalid spec");
    }

    @Test
    void everyListedHomeAndReadsFeedIsServed() throws Exception {
        for (String op : List.of("get_home_feeds", "get_reads_feeds")) {
            JsonNode feeds = content(call(op, "{}").getFirst());
            assertThat(feeds.isArray()).isTrue();
            for (JsonNode feed : feeds.values()) {
                assertThat(feed.propertyNames()).containsExactlyInAnyOrder("name", "spec", "description", "enabled");
                List<JsonNode> answer = call("mega_feed_directive", params("spec", feed.get("spec").asString(),
                        "user_pubkey", s.alice.pubkey()));
                assertThat(kinds(answer).getLast()).as(feed.get("name").asString()).isEqualTo(PrimalKinds.RANGE);
            }
        }
        JsonNode home = content(call("get_home_feeds", "{}").getFirst());
        assertThat(home.values()).anySatisfy(f -> assertThat(JSON.readTree(f.get("spec").asString()))
                .isEqualTo(JSON.readTree("{\"id\":\"latest\",\"kind\":\"notes\"}")));
    }

    @Test
    void threadViewGivesTheRepliesThenTheParentChainEachWithItsRange() throws Exception {
        List<JsonNode> out = call("thread_view", params("event_id", s.r1.id(), "limit", 100, "user_pubkey", s.bob.pubkey()));
        List<JsonNode> ranges = ofKind(out, PrimalKinds.RANGE);
        assertThat(ranges).hasSize(2);
        assertThat(JSON.convertValue(content(ranges.get(0)).get("elements"), List.class)).containsExactly(s.r2.id());
        assertThat(JSON.convertValue(content(ranges.get(1)).get("elements"), List.class))
                .as("root first, down to the event").containsExactly(s.n1.id(), s.r1.id());
        assertThat(ids(out, o -> o.get("kind").asInt() == 1)).containsExactly(s.r2.id(), s.n1.id(), s.r1.id());
        assertThat(ids(out, o -> o.get("kind").asInt() == 0)).contains(s.aliceProfile.id(), s.bobProfile.id(), s.carolProfile.id());
    }

    @Test
    void eventsAreRawAscendingOrAnEnrichedBundle() throws Exception {
        List<JsonNode> raw = call("events", params("event_ids", List.of(s.n3.id(), s.n1.id())));
        assertThat(ids(raw, o -> true)).containsExactly(s.n1.id(), s.n3.id());
        assertThat(raw.getFirst().propertyNames()).containsExactlyInAnyOrder("id", "pubkey", "created_at", "kind", "tags",
                "content", "sig");
        List<JsonNode> extended = call("events", params("event_ids", List.of(s.daveRepostsN1.id()), "extended_response", true));
        assertThat(kinds(extended)).contains(6, PrimalKinds.REFERENCED_EVENT, PrimalKinds.EVENT_STATS, PrimalKinds.RANGE);
        JsonNode referenced = only(extended, PrimalKinds.REFERENCED_EVENT);
        assertThat(referenced.get("pubkey").asString()).isEqualTo(s.bob.pubkey());
        assertThat(content(referenced).get("id").asString()).as("the reposted note, whole").isEqualTo(s.n1.id());
        assertThat(only(call("events", params("event_ids", List.of(s.n1.id()), "idsonly", true)), 10000122).get("ids").get(0)
                .asString()).isEqualTo(s.n1.id());
    }

    @Test
    void followGraphOpsAgreeWithTheFollowsTable() throws Exception {
        assertThat(kinds(call("contact_list", params("pubkey", s.alice.pubkey(), "extended_response", false)))).containsExactly(3);
        List<JsonNode> extended = call("contact_list", params("pubkey", s.alice.pubkey()));
        assertThat(ids(extended, o -> o.get("kind").asInt() == 0)).containsExactlyInAnyOrder(s.bobProfile.id(), s.carolProfile.id());
        List<JsonNode> followers = call("user_followers", params("pubkey", s.bob.pubkey()));
        assertThat(ids(followers, o -> o.get("kind").asInt() == 0)).as("mutual follows first")
                .containsExactly(s.aliceProfile.id(), s.carolProfile.id());
        assertThat(content(only(followers, PrimalKinds.USER_SCORES)).size())
                .isEqualTo(sql("SELECT count(*) FROM follows WHERE followed = decode(?, 'hex')", s.bob.pubkey()));
        assertThat(only(call("is_user_following", params("pubkey", s.bob.pubkey(), "user_pubkey", s.alice.pubkey())),
                PrimalKinds.IS_USER_FOLLOWING).get("content").asString()).isEqualTo("true");
        assertThat(only(call("is_user_following", params("pubkey", s.dave.pubkey(), "user_pubkey", s.alice.pubkey())),
                PrimalKinds.IS_USER_FOLLOWING).get("content").asString()).isEqualTo("false");
        assertThat(ids(call("user_profile_followed_by", params("pubkey", s.bob.pubkey(), "user_pubkey", s.alice.pubkey())),
                o -> o.get("kind").asInt() == 0)).containsExactly(s.carolProfile.id());
        JsonNode relays = only(call("get_user_relays", params("pubkey", s.bob.pubkey())), PrimalKinds.USER_RELAYS);
        assertThat(relays.get("pubkey").asString()).isEqualTo(s.bob.pubkey());
        assertThat(relays.get("tags").toString()).isEqualTo("[[\"r\",\"wss://both.example\"],[\"r\",\"wss://read.example\",\"read\"]]");
    }

    @Test
    void searchFindsPeopleByFollowersAndNotesByWords() throws Exception {
        assertThat(ids(call("user_search", params("query", "carol")), o -> o.get("kind").asInt() == 0))
                .containsExactly(s.carolProfile.id());
        assertThat(ids(call("user_search", params("query", dev.nostrcache.core.nip.Nip19.npub(s.bob.pubkey()))),
                o -> o.get("kind").asInt() == 0)).containsExactly(s.bobProfile.id());
        assertThat(call("user_search", params("query", " "))).isEmpty();
        List<JsonNode> notes = call("search", params("query", "hello"));
        assertThat(ids(notes, o -> o.get("kind").asInt() == 1)).containsExactly(s.n2.id(), s.n1.id());
        assertThat(kinds(notes).getLast()).isEqualTo(PrimalKinds.RANGE);
    }

    @Test
    void listsMentionsAndTheStaticDocuments() throws Exception {
        assertThat(ids(call("mutelist", params("pubkey", s.bob.pubkey())), o -> o.get("kind").asInt() == 10000))
                .containsExactly(s.bobMutes.id());
        assertThat(ids(call("get_bookmarks", params("pubkey", s.bob.pubkey())), o -> true)).containsExactly(s.bobBookmarks.id());
        JsonNode mentions = content(only(call("note_mentions_count", params("event_id", s.n1.id())), PrimalKinds.NOTE_MENTIONS_COUNT));
        assertThat(mentions.get("count").asLong()).isEqualTo(1);
        assertThat(call("creator_paid_tiers", params("pubkey", s.bob.pubkey()))).isEmpty();
        JsonNode settings = only(call("get_default_app_settings", params("client", "Primal-Web App")), PrimalKinds.DEFAULT_SETTINGS);
        assertThat(settings.get("tags").toString()).isEqualTo("[[\"d\",\"Primal-Web App\"]]");
        assertThat(content(settings).isObject()).isTrue();
        assertThat(content(only(call("get_default_relays", "{}"), PrimalKinds.DEFAULT_RELAYS)).toString()).isEqualTo("[\"wss://relay.example\"]");
        assertThat(kinds(call("get_app_releases", "{}"))).containsExactly(PrimalKinds.APP_RELEASES);
        assertThat(content(only(call("get_recommended_blossom_servers", "{}"), PrimalKinds.RECOMMENDED_BLOSSOM_SERVERS)).isArray()).isTrue();
        JsonNode net = content(only(call("net_stats", "{}"), PrimalKinds.NET_STATS));
        assertThat(net.propertyNames()).containsExactlyInAnyOrder("users", "pubkeys", "pubnotes", "reactions", "reposts",
                "any", "zaps", "satszapped");
        assertThat(net.get("pubnotes").asLong()).isEqualTo(sql("SELECT count(*) FROM events WHERE kind = 1"));
        assertThat(api.answer("no_such_op", null)).isInstanceOf(PrimalApi.Result.Unknown.class);
        PrimalApi.Result.Objects dms = (PrimalApi.Result.Objects) api.answer("directmsg_count",
                JSON.readTree(params("pubkey", s.bob.pubkey())));
        assertThat(dms.eoseFirst()).as("async: EOSE first, the subscription stays open").isTrue();
        assertThat(dms.objects()).containsExactly("{\"kind\":10000117,\"cnt\":\"0\"}");
    }

    @Test
    void trendingAndExploreComeFromTheScheduledRanking() throws Exception {
        List<JsonNode> scored = call("scored", params("selector", "trending_24h"));
        assertThat(ids(scored, o -> o.get("kind").asInt() == 1).getFirst()).as("n1 has the most engagement").isEqualTo(s.n1.id());
        List<JsonNode> people = call("scored_users_24h", params("user_pubkey", s.bob.pubkey()));
        JsonNode scores = content(only(people, PrimalKinds.USER_SCORES));
        assertThat(scores.propertyNames().iterator().next()).as("the author of the best note first").isEqualTo(s.n1.pubkey());
        assertThat(ofKind(people, 0)).extracting(o -> o.get("pubkey").asString()).contains(s.n1.pubkey());
        assertThat(kinds(scored)).allMatch(k -> List.of(0, 1, PrimalKinds.REFERENCED_EVENT, PrimalKinds.MEDIA_METADATA).contains(k));
        List<JsonNode> explore = call("explore", params("timeframe", "trending", "scope", "global", "limit", 5));
        assertThat(ids(explore, o -> o.get("kind").asInt() == 1).getFirst()).isEqualTo(s.n1.id());
        assertThat(content(explore.getLast()).get("order_by").asString()).isEqualTo("score");
        assertThatThrownBy(() -> call("explore", params("timeframe", "trending", "scope", "tribe")))
                .hasMessageStartingWith("explore scope not served here");
        assertThatThrownBy(() -> call("scored", params("selector", "trending_7d"))).hasMessageStartingWith("unknown selector");
        assertThat(ids(call("user_profile_scored_content", params("pubkey", s.bob.pubkey())), o -> o.get("kind").asInt() == 1))
                .contains(s.n1.id());
    }

    @Test
    void notificationsAreDerivedFromWhatIsStoredAndCountedSinceSeen() throws Exception {
        List<JsonNode> out = call("get_notifications", params("pubkey", s.bob.pubkey(), "type_group", "all"));
        List<JsonNode> notifications = ofKind(out, PrimalKinds.NOTIFICATION).stream().map(PrimalApiTest::content).toList();
        Map<Integer, Long> byType = new java.util.TreeMap<>();
        notifications.forEach(n -> byType.merge(n.get("type").asInt(), 1L, Long::sum));
        assertThat(byType).isEqualTo(Map.of(1, 3L, 4, 2L, 5, 1L, 6, 1L, 7, 1L));
        JsonNode reply = notifications.stream().filter(n -> n.get("type").asInt() == 6).findFirst().orElseThrow();
        assertThat(reply.propertyNames()).containsExactlyInAnyOrder("id", "pubkey", "created_at", "type", "your_post",
                "who_replied_to_it", "reply");
        assertThat(reply.get("reply").asString()).isEqualTo(s.r1.id());
        assertThat(reply.get("who_replied_to_it").asString()).isEqualTo(s.alice.pubkey());
        assertThat(notifications.getFirst().get("created_at").asLong()).as("newest first").isEqualTo(1800);
        assertThat(ofKind(out, PrimalKinds.USER_PROFILE)).isNotEmpty();
        assertThat(ids(out, o -> o.get("kind").asInt() == 1)).contains(s.n1.id(), s.r1.id(), s.quote.id());

        JsonNode counts = only(call("notification_counts", params("pubkey", s.bob.pubkey())), PrimalKinds.NOTIFICATIONS_SUMMARY);
        assertThat(counts.get("pubkey").asString()).isEqualTo(s.bob.pubkey());
        assertThat(counts.get("1").asLong()).isEqualTo(3);
        assertThat(counts.get("4").asLong()).isEqualTo(2);
        assertThat(counts.get("101").asLong()).isZero();
        assertThat(counts.has("content")).as("counts are top-level keys").isFalse();

        Event seen = s.bob.sign(1650, 30078, List.of(List.of("d", "Primal-Web App")), "notifications seen");
        call("set_notifications_seen", params("event_from_user", JSON.readTree(seen.toJson())));
        JsonNode after = only(call("notification_counts", params("pubkey", s.bob.pubkey())), PrimalKinds.NOTIFICATIONS_SUMMARY);
        assertThat(after.get("1").asLong()).isZero();
        assertThat(after.get("5").asLong()).isEqualTo(1);
        assertThat(after.get("7").asLong()).isEqualTo(1);
        assertThat(only(call("get_notifications_seen", params("pubkey", s.bob.pubkey())), 10000111).get("content").asString())
                .isEqualTo("1650");
        Event forged = s.bob.sign(1700, 30078, List.of(), "x");
        JsonNode forgedJson = JSON.readTree(forged.toJson().replace("\"x\"", "\"y\""));
        assertThatThrownBy(() -> call("set_notifications_seen", params("event_from_user", forgedJson)))
                .isInstanceOf(PrimalException.class).hasMessageStartingWith("invalid:");
    }

    @Test
    void zapsOfAnEventComeLargestFirstWithTheirAmountsFromRealReceipts() throws Exception {
        try (HikariDataSource workload = TestDatabase.withWorkload(1_800_000_000L)) {
            PrimalApi real = new PrimalApi(workload, null, List.of(), null, Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC));
            String target;
            List<String> receipts = new ArrayList<>();
            List<Long> sats = new ArrayList<>();
            try (Connection c = workload.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    SELECT encode(target_event, 'hex') FROM zaps WHERE target_event IS NOT NULL
                    GROUP BY target_event ORDER BY count(*) DESC, target_event LIMIT 1"""); ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the workload has zaps of an event").isTrue();
                target = rs.getString(1);
            }
            try (Connection c = workload.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    SELECT encode(receipt_id, 'hex'), amount_msats / 1000 FROM zaps WHERE target_event = decode(?, 'hex')
                    ORDER BY amount_msats DESC, receipt_id""")) {
                ps.setString(1, target);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        receipts.add(rs.getString(1));
                        sats.add(rs.getLong(2));
                    }
                }
            }
            List<JsonNode> out = objects(real, "event_zaps_by_satszapped", params("event_id", target, "limit", 20));
            assertThat(ids(out, o -> o.get("kind").asInt() == 9735)).isEqualTo(receipts);
            List<JsonNode> zaps = ofKind(out, PrimalKinds.ZAP_EVENT).stream().map(PrimalApiTest::content).toList();
            assertThat(zaps.getFirst().propertyNames()).containsExactlyInAnyOrder("event_id", "created_at", "sender",
                    "receiver", "amount_sats", "zap_receipt_id");
            assertThat(zaps.stream().map(z -> z.get("amount_sats").asLong()).toList()).isEqualTo(sats);
            JsonNode range = content(out.getLast());
            assertThat(range.get("order_by").asString()).isEqualTo("amount_sats");
            assertThat(range.get("until").asLong()).isEqualTo(sats.getFirst());
        }
    }

    /**
     * The profile's "zaps" tab: what a pubkey sent, newest first, each receipt beside the event it zapped; and explore's
     * "zaps" tab, the largest.
     */
    @Test
    void zapsSentComeNewestFirstWithTheEventsTheyZapped() throws Exception {
        try (HikariDataSource workload = TestDatabase.withWorkload(1_800_000_000L)) {
            PrimalApi real = new PrimalApi(workload, null, List.of(), null, Clock.fixed(Instant.ofEpochSecond(1_800_000_000L), ZoneOffset.UTC));
            String sender;
            try (Connection c = workload.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    SELECT encode(z.sender, 'hex') FROM zaps z JOIN events e ON e.id = z.target_event
                    GROUP BY z.sender ORDER BY count(*) DESC, z.sender LIMIT 1"""); ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the workload has senders of zaps whose events are stored").isTrue();
                sender = rs.getString(1);
            }
            List<String> receipts = new ArrayList<>();
            List<String> zapped = new ArrayList<>();
            try (Connection c = workload.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    SELECT encode(z.receipt_id, 'hex'), encode(e.id, 'hex') FROM zaps z LEFT JOIN events e ON e.id = z.target_event
                    WHERE z.sender = decode(?, 'hex') ORDER BY z.created_at DESC, z.receipt_id""")) {
                ps.setString(1, sender);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        receipts.add(rs.getString(1));
                        if (rs.getString(2) != null) {
                            zapped.add(rs.getString(2));
                        }
                    }
                }
            }
            assertThat(zapped).as("some zapped events are stored").isNotEmpty();
            List<JsonNode> out = objects(real, "user_zaps_sent", params("sender", sender, "limit", 50));
            assertThat(ids(out, o -> o.get("kind").asInt() == 9735)).isEqualTo(receipts);
            assertThat(ids(out, o -> o.get("kind").asInt() != 9735 && o.has("id"))).as("the zapped events that are stored")
                    .containsAll(zapped);
            assertThat(ofKind(out, PrimalKinds.ZAP_EVENT).stream().map(z -> content(z).get("sender").asString()))
                    .hasSize(receipts.size()).containsOnly(sender);
            JsonNode range = content(out.getLast());
            assertThat(range.get("order_by").asString()).isEqualTo("created_at");
            assertThatThrownBy(() -> real.answer("user_zaps_sent", JSON.readTree("{}"))).hasMessage("missing sender");

            // Explore's zaps tab: the largest of the last day (here: since the workload's oldest zap), largest first.
            List<Long> largest = new ArrayList<>();
            try (Connection c = workload.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT amount_msats / 1000 FROM zaps ORDER BY amount_msats DESC, receipt_id LIMIT 5");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    largest.add(rs.getLong(1));
                }
            }
            List<JsonNode> explored = objects(real, "explore_zaps", params("created_after", 0, "limit", 5));
            assertThat(ofKind(explored, PrimalKinds.ZAP_EVENT).stream().map(z -> content(z).get("amount_sats").asLong()).toList())
                    .isEqualTo(largest);
            assertThat(content(explored.getLast()).get("order_by").asString()).isEqualTo("amount_sats");
        }
    }

    @Test
    void appSettingsFallBackToTheDefaultsWithZeroIds() throws Exception {
        Event request = s.alice.sign(NOW, 30078, List.of(List.of("d", "Primal-Web App")), "{\"description\":\"Sync app settings\"}");
        JsonNode settings = call("get_app_settings", params("event_from_user", JSON.readTree(request.toJson()))).getFirst();
        assertThat(settings.get("kind").asInt()).isEqualTo(30078);
        assertThat(settings.get("id").asString()).isEqualTo("0".repeat(64));
        assertThat(JSON.readTree(settings.get("content").asString()).isObject()).isTrue();
        assertThatThrownBy(() -> call("get_app_settings", params("event_from_user", JSON.readTree(
                s.alice.sign(NOW, 1, List.of(), "wrong kind").toJson())))).hasMessage("invalid event kind");
    }
}
