package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Explore's "people" tab: accounts ranked by the followers they gained over the last day, measured against the hourly
 * follower snapshots the scheduled rankings take; and the feed marketplace of the same page.
 */
class ExplorePeopleTest {
    private static final long NOW = 1_900_000_000L;
    private static final long HOUR = 3_600;

    private static List<Event> followers(int first, int count, String followed, long at) {
        List<Event> lists = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            lists.add(TestKeys.signer(i).sign(at, 3, List.of(List.of("p", followed)), ""));
        }
        return lists;
    }

    private static long snapshots(HikariDataSource ds) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(DISTINCT taken_at) FROM follower_snapshots"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void accountsAreRankedByTheFollowersTheyGainedSinceTheSnapshotOfADayAgo() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            String steady = TestKeys.signer(1).pubkey();
            String rising = TestKeys.signer(2).pubkey();
            String quiet = TestKeys.signer(3).pubkey();
            EventProcessor processor = new EventProcessor(ds);
            processor.processAll(followers(100, 10, steady, NOW - 30 * HOUR), NOW - 26 * HOUR);
            processor.processAll(followers(200, 2, rising, NOW - 30 * HOUR), NOW - 26 * HOUR);
            processor.processAll(followers(300, 1, quiet, NOW - 30 * HOUR), NOW - 26 * HOUR);
            TrendingScores rankings = new TrendingScores(ds);
            rankings.recompute(NOW - 25 * HOUR);
            rankings.recompute(NOW - 25 * HOUR + 300);
            assertThat(snapshots(ds)).as("one snapshot an hour, however often the rankings run").isEqualTo(1);

            processor.processAll(followers(110, 3, steady, NOW - HOUR), NOW);
            processor.processAll(followers(210, 6, rising, NOW - HOUR), NOW);
            rankings.recompute(NOW);
            assertThat(snapshots(ds)).isEqualTo(2);

            List<JsonNode> answer = TestApis.call(TestApis.over(ds, NOW), "explore_people", "{\"limit\":20}");
            JsonNode increases = content(answer, PrimalKinds.USER_FOLLOWER_INCREASE);
            assertThat(increases.propertyNames()).as("gains only, largest first").containsExactly(rising, steady);
            assertThat(increases.get(rising).get("increase").asLong()).isEqualTo(6);
            assertThat(increases.get(rising).get("ratio").asDouble()).isEqualTo(3.0);
            assertThat(increases.get(rising).get("count").asLong()).isEqualTo(8);
            assertThat(increases.get(steady).get("increase").asLong()).isEqualTo(3);
            assertThat(answer).as("their profiles' follower counts").anyMatch(o -> o.get("kind").asInt() == PrimalKinds.USER_SCORES);
            JsonNode range = content(answer, PrimalKinds.RANGE);
            assertThat(range.get("order_by").asString()).isEqualTo("increase");
            assertThat(range.get("until").asLong()).isEqualTo(6);
            assertThat(range.get("since").asLong()).isEqualTo(3);

            JsonNode nextPage = content(TestApis.call(TestApis.over(ds, NOW), "explore_people", "{\"limit\":20,\"until\":5}"),
                    PrimalKinds.USER_FOLLOWER_INCREASE);
            assertThat(nextPage.propertyNames()).as("until: gains up to 5").containsExactly(steady);

            rankings.recompute(NOW + 3 * 86_400);
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM follower_snapshots WHERE taken_at < ?")) {
                ps.setLong(1, NOW + 86_400);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("snapshots older than two days are pruned").isZero();
                }
            }
        }
    }

    @Test
    void aNewCacheWithoutAGainShowsTheMostFollowedAccounts() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            String popular = TestKeys.signer(1).pubkey();
            String known = TestKeys.signer(2).pubkey();
            EventProcessor processor = new EventProcessor(ds);
            processor.processAll(followers(100, 3, popular, NOW - HOUR), NOW);
            processor.processAll(followers(200, 1, known, NOW - HOUR), NOW);
            new TrendingScores(ds).recompute(NOW);
            JsonNode increases = content(TestApis.call(TestApis.over(ds, NOW), "explore_people", "{}"),
                    PrimalKinds.USER_FOLLOWER_INCREASE);
            assertThat(increases.propertyNames()).containsExactly(popular, known);
            assertThat(increases.get(popular).get("increase").asLong()).isZero();
            assertThat(increases.get(popular).get("count").asLong()).isEqualTo(3);
        }
    }

    /** The explore page's feed marketplace: content-discovery DVMs (kind 5300) the cache holds, with their authors. */
    @Test
    void theFeedMarketplaceListsTheContentDiscoveryHandlersHeld() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner dvm = TestKeys.signer(1);
            Event feed = dvm.sign(NOW - HOUR, 31990, List.of(List.of("d", "trending"), List.of("k", "5300")),
                    "{\"name\":\"Trending\",\"about\":\"what is hot\"}");
            Event translator = dvm.sign(NOW - HOUR, 31990, List.of(List.of("d", "translate"), List.of("k", "5002")),
                    "{\"name\":\"Translator\"}");
            Event profile = dvm.sign(NOW - 2 * HOUR, 0, List.of(), "{\"name\":\"dvm\"}");
            new EventProcessor(ds).processAll(List.of(feed, translator, profile), NOW);
            List<JsonNode> answer = TestApis.call(TestApis.over(ds, NOW), "get_featured_dvm_feeds", "{\"kind\":\"notes\"}");
            assertThat(answer.stream().map(o -> o.get("id").asString()).toList()).containsExactly(feed.id(), profile.id());
        }
    }

    private static JsonNode content(List<JsonNode> objects, int kind) {
        return TestApis.JSON.readTree(objects.stream().filter(o -> o.get("kind").asInt() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no object of kind " + kind + " in " + objects)).get("content").asString());
    }
}
