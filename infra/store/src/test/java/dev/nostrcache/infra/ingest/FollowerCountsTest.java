package dev.nostrcache.infra.ingest;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Follower counts logged by contact-list transactions and folded into user_stats (migration V17). */
class FollowerCountsTest {
    private static final long NOW = 1_900_000_000L;
    private HikariDataSource ds;
    private EventProcessor processor;

    @BeforeEach
    void open() {
        ds = TestDatabase.fresh();
        processor = new EventProcessor(ds);
    }

    @AfterEach
    void close() {
        ds.close();
    }

    /** The contact list of signer {@code author} following {@code followed} (64-digit hex of those numbers). */
    private static Event list(int author, long createdAt, List<Integer> followed) {
        List<List<String>> tags = new ArrayList<>();
        for (int f : followed) {
            tags.add(List.of("p", key(f)));
        }
        return TestKeys.signer(author).sign(createdAt, 3, tags, "");
    }

    private static String key(int n) {
        return String.format("%064x", n);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> keys = new ArrayList<>();
        for (int k = from; k < to; k++) {
            keys.add(k);
        }
        return keys;
    }

    private long followers(int followed) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT followers_count FROM user_stats WHERE pubkey = decode(?, 'hex')")) {
            ps.setString(1, key(followed));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private long pendingRows() throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM follower_deltas")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void assertVerifies() throws SQLException {
        assertThat(new StatsVerifier(ds, 10).verify().mismatches()).isEmpty();
    }

    @Test
    void aLiveListsFewChangesAreFoldedWhenItsTransactionCommits() throws SQLException {
        processor.process(list(1, NOW - 10, List.of(1, 2, 3)), NOW);

        assertThat(pendingRows()).isZero();
        assertThat(followers(1)).isEqualTo(1);
        assertThat(followers(3)).isEqualTo(1);
        processor.process(list(1, NOW - 5, List.of(3, 4)), NOW);
        assertThat(List.of(followers(1), followers(2), followers(3), followers(4))).containsExactly(0L, 0L, 1L, 1L);
        assertVerifies();
    }

    /** Another batch of contact lists, in flight until the connection is closed (it holds the shared lock). */
    private Connection anotherBatchInFlight() throws SQLException {
        Connection c = ds.getConnection();
        c.setAutoCommit(false);
        FollowerCounts.inFlight(c);
        return c;
    }

    /** As if {@code age} had passed since the logged changes were committed. */
    private void ageLoggedChanges(Duration age) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE follower_deltas SET logged_at = logged_at - interval '" + age.toSeconds() + " seconds'");
        }
    }

    @Test
    void manyChangesWaitWhileOtherBatchesRunAndTheLastBatchFoldsThemAll() throws Exception {
        // Two lists of 600 follows in one transaction: 900 keys changed, 300 of them by both.
        processor.processAll(List.of(list(1, NOW - 10, range(0, 600)), list(2, NOW - 10, range(300, 900))), NOW);
        // Under FOLD_AT_ONCE_BELOW: folded at once.
        assertThat(pendingRows()).isZero();
        assertThat(followers(400)).isEqualTo(2);

        try (Connection other = anotherBatchInFlight()) {
            processor.processAll(List.of(list(3, NOW - 10, range(1_000, 1_800)), list(4, NOW - 10, range(1_400, 2_200))), NOW);
            assertThat(pendingRows()).as("1,200 changes wait while another batch runs").isEqualTo(1);
            assertThat(followers(1_500)).isZero();
            assertVerifies();
            processor.processAll(List.of(list(5, NOW - 10, range(1_500, 2_700))), NOW);
            assertThat(pendingRows()).isEqualTo(2);
            other.rollback();
        }
        // The next batch finds no other in flight and folds all three: each count written once.
        processor.processAll(List.of(list(6, NOW - 10, range(5_000, 6_200))), NOW);
        assertThat(pendingRows()).isZero();
        assertThat(List.of(followers(1_000), followers(1_500), followers(2_100), followers(2_500), followers(5_000)))
                .containsExactly(1L, 3L, 2L, 1L, 1L);
        assertVerifies();

        // A list replaced by one following no one takes its followers back, through the log as well.
        try (Connection other = anotherBatchInFlight()) {
            processor.processAll(List.of(list(5, NOW - 5, List.of())), NOW);
            assertThat(new FollowerCounts(ds).foldPending()).isEqualTo(1_200);
            other.rollback();
        }
        assertThat(List.of(followers(1_500), followers(2_500))).containsExactly(2L, 0L);
        assertThat(new FollowerCounts(ds).foldPending()).as("nothing left to fold").isZero();
        assertVerifies();
    }

    @Test
    void underASteadyStreamOfBatchesAChangeWaitsNoLongerThanTheFoldAge() throws Exception {
        try (Connection other = anotherBatchInFlight()) {
            processor.processAll(List.of(list(3, NOW - 10, range(1_000, 1_800)), list(4, NOW - 10, range(1_400, 2_200))), NOW);
            assertThat(pendingRows()).isEqualTo(1);
            ageLoggedChanges(FollowerCounts.FOLD_AGE.plusSeconds(1));
            processor.processAll(List.of(list(5, NOW - 10, range(1_500, 2_700))), NOW);
            assertThat(pendingRows()).as("the first batch's changes were due: both folded").isZero();
            other.rollback();
        }
        assertThat(List.of(followers(1_000), followers(1_500), followers(2_600))).containsExactly(1L, 3L, 1L);
        assertVerifies();
    }

    @Test
    void theSweepFoldsWhatABatchLeftOnceNoOtherIsInFlight() throws Exception {
        try (Connection other = anotherBatchInFlight()) {
            processor.processAll(List.of(list(3, NOW - 10, range(1_000, 1_800)), list(4, NOW - 10, range(1_400, 2_200))), NOW);
            assertThat(pendingRows()).isEqualTo(1);
            assertThat(new FollowerCounts(ds).sweep()).as("another batch is in flight").isZero();
            other.rollback();
        }
        assertThat(new FollowerCounts(ds).sweep()).isEqualTo(1_200);
        assertThat(pendingRows()).isZero();
        assertThat(List.of(followers(1_000), followers(1_500), followers(2_100))).containsExactly(1L, 2L, 1L);
        assertThat(new FollowerCounts(ds).sweep()).as("nothing left").isZero();
    }

    @Test
    void concurrentLargeTransactionsDuplicatedAndShuffledCountExactly() throws Exception {
        Random random = new Random(7);
        List<Event> lists = new ArrayList<>();
        for (int author = 10; author < 40; author++) {
            for (int version = 0; version < 2; version++) {
                List<Integer> followed = new ArrayList<>();
                for (int k = 0; k < 1_200; k++) {
                    followed.add(random.nextInt(3_000));
                }
                lists.add(list(author, NOW - 100 + version, followed));
            }
        }
        List<Event> arrivals = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            arrivals.addAll(lists);
        }
        Collections.shuffle(arrivals, random);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int from = 0; from < arrivals.size(); from += 6) {
                List<Event> batch = arrivals.subList(from, Math.min(arrivals.size(), from + 6));
                done.add(pool.submit(() -> processor.processAll(batch, NOW)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(pendingRows()).as("the last batch to commit folded what every batch logged").isZero();
        assertVerifies();
        Map<Integer, Long> expected = new HashMap<>();
        for (Event newest : lists.stream().filter(e -> e.createdAt() == NOW - 99).toList()) {
            newest.tags().stream().map(t -> Integer.parseInt(t.get(1).substring(48), 16)).distinct()
                    .forEach(k -> expected.merge(k, 1L, Long::sum));
        }
        for (int k : List.of(0, 1, 1_500, 2_999)) {
            assertThat(followers(k)).as("followers of %d", k).isEqualTo(expected.getOrDefault(k, 0L));
        }
    }
}
