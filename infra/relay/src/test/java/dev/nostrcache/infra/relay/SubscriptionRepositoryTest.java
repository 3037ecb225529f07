package dev.nostrcache.infra.relay;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.infra.testing.RandomFilters;
import dev.nostrcache.infra.testing.TestDatabase;
import dev.nostrcache.infra.relay.SubscriptionRepository.Match;
import dev.nostrcache.infra.relay.SubscriptionRepository.Subscribed;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionRepositoryTest {
    private static HikariDataSource ds;
    private static SubscriptionRepository subscriptions;
    private static List<Event> workload;

    @BeforeAll
    static void start() throws Exception {
        ds = TestDatabase.fresh();
        subscriptions = new SubscriptionRepository(ds);
        workload = TestDatabase.workload();
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    @Test
    void liveEventsFindExactlyTheSubscriptionsTheyMatch() throws Exception {
        Random random = new Random(42);
        Map<Match, List<Filter>> all = new HashMap<>();
        for (int c = 0; c < 20; c++) {
            subscriptions.openConnection("conn-" + c, "local/test", "127.0.0.1", "test");
            for (int s = 0; s < 10; s++) {
                List<Filter> filters = new ArrayList<>();
                for (int f = 0; f < 1 + random.nextInt(2); f++) {
                    filters.add(RandomFilters.of(random, workload, 500));
                }
                assertThat(subscriptions.subscribe("conn-" + c, "sub-" + s, filters, 200)).isEqualTo(Subscribed.OPENED);
                all.put(new Match("conn-" + c, "sub-" + s, "local/test", null, null), filters);
            }
        }
        int matched = 0;
        List<Event> events = workload.subList(0, 400);
        List<List<Match>> inOneBatch = subscriptions.matchingEach(events);
        assertThat(inOneBatch).hasSameSizeAs(events);
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            Set<Match> expected = new HashSet<>();
            all.forEach((match, filters) -> {
                if (filters.stream().anyMatch(f -> f.matches(e))) {
                    expected.add(match);
                }
            });
            assertThat(new HashSet<>(subscriptions.matching(e))).as("event %s", e.id()).isEqualTo(expected);
            assertThat(new HashSet<>(inOneBatch.get(i))).as("event %s in the batch", e.id()).isEqualTo(expected);
            matched += expected.size();
        }
        assertThat(matched).as("the random subscriptions do match events").isGreaterThan(100);
        for (int c = 0; c < 20; c++) {
            subscriptions.closeConnection("conn-" + c);
        }
        assertThat(rows("ws_subscriptions")).isZero();
        assertThat(subscriptions.matchingEach(events)).as("with no subscription open").hasSize(events.size())
                .allMatch(List::isEmpty);
        assertThat(rows("ws_subscription_keys")).as("no orphan index rows").isZero();
    }

    @Test
    void theKeyIndexNeverMissesAMatchAndNarrowsTheSearch() {
        Random random = new Random(7);
        long candidates = 0;
        long pairs = 0;
        for (int i = 0; i < 300; i++) {
            Filter f = RandomFilters.of(random, workload, 500);
            Set<String> filterKeys = dev.nostrcache.core.filter.SubscriptionKeys.of(f);
            for (Event e : workload) {
                Set<String> shared = new HashSet<>(dev.nostrcache.core.filter.SubscriptionKeys.of(e));
                shared.retainAll(filterKeys);
                if (f.matches(e)) {
                    assertThat(shared).as("filter %s, event %s", f, e.id()).isNotEmpty();
                }
                candidates += shared.isEmpty() ? 0 : 1;
                pairs++;
            }
        }
        assertThat((double) candidates / pairs).as("share of (filter, event) pairs the index lets through").isLessThan(0.5);
    }

    @Test
    void theCapReplacementAndClose() throws Exception {
        subscriptions.openConnection("capped", "local/test", null, null);
        Filter any = new Filter(null, null, Set.of(1), null, null, null, null, null);
        for (int i = 0; i < 3; i++) {
            assertThat(subscriptions.subscribe("capped", "s" + i, List.of(any), 3)).isEqualTo(Subscribed.OPENED);
        }
        assertThat(subscriptions.subscribe("capped", "s3", List.of(any), 3)).isEqualTo(Subscribed.TOO_MANY);
        Filter other = new Filter(null, null, Set.of(7), null, null, null, null, null);
        assertThat(subscriptions.subscribe("capped", "s1", List.of(other), 3)).isEqualTo(Subscribed.REPLACED);
        assertThat(subscriptions.subscriptionCount("capped")).isEqualTo(3);
        Event note = workload.stream().filter(e -> e.kind() == 1).findFirst().orElseThrow();
        assertThat(subscriptions.matching(note)).extracting(Match::subscriptionId).containsExactlyInAnyOrder("s0", "s2");
        assertThat(subscriptions.unsubscribe("capped", "s0")).isTrue();
        assertThat(subscriptions.unsubscribe("capped", "s0")).isFalse();
        assertThat(subscriptions.subscribe("gone", "s", List.of(any), 3)).isEqualTo(Subscribed.NO_SUCH_CONNECTION);
        subscriptions.closeConnection("capped");
        assertThat(subscriptions.matching(note)).isEmpty();
    }

    private static long rows(String table) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String xmin(String connection, String sub) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT xmin::text FROM ws_subscriptions WHERE connection_id = ? AND sub_id = ?")) {
            ps.setString(1, connection);
            ps.setString(2, sub);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void askingAgainWithTheSameFiltersWritesNothingAndOtherFiltersReplaceThem() throws Exception {
        subscriptions.openConnection("again", "local/test", "127.0.0.1", "test");
        List<Filter> notes = List.of(new dev.nostrcache.core.filter.FilterParser(Limits.DEFAULTS).parse("{\"kinds\":[1],\"limit\":10}"));
        assertThat(subscriptions.subscribe("again", "feed", notes, 200)).isEqualTo(Subscribed.OPENED);
        String written = xmin("again", "feed");
        assertThat(subscriptions.subscribe("again", "feed", notes, 200)).isEqualTo(Subscribed.REPLACED);
        assertThat(xmin("again", "feed")).as("the same row, not rewritten").isEqualTo(written);
        try (java.sql.Connection holder = ds.getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement("SELECT 1 FROM ws_connections WHERE connection_id = 'again' FOR UPDATE")) {
                lock.execute();
            }
            var asked = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return subscriptions.subscribe("again", "feed", notes, 200);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(asked.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .as("answered while another transaction holds the connection's row: no lock taken")
                    .isEqualTo(Subscribed.REPLACED);
            holder.rollback();
        }

        Event note = workload.stream().filter(e -> e.kind() == 1).findFirst().orElseThrow();
        assertThat(subscriptions.matching(note)).extracting(Match::subscriptionId).contains("feed");
        List<Filter> profiles = List.of(new dev.nostrcache.core.filter.FilterParser(Limits.DEFAULTS).parse("{\"kinds\":[0]}"));
        assertThat(subscriptions.subscribe("again", "feed", profiles, 200)).isEqualTo(Subscribed.REPLACED);
        assertThat(xmin("again", "feed")).as("rewritten with the new filters").isNotEqualTo(written);
        assertThat(subscriptions.matching(note)).extracting(Match::subscriptionId).doesNotContain("feed");
        assertThat(subscriptions.unsubscribe("again", "feed")).isTrue();
        assertThat(subscriptions.unsubscribe("again", "feed")).isFalse();
        subscriptions.closeConnection("again");
    }
}
