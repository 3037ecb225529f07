package dev.nostrcache.infra.ingest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Follower counts, written in folds: a transaction that changes follower counts logs its changes as one row of
 * {@code follower_deltas} (migration V17), and a fold adds every logged row to {@code user_stats} in one statement, in
 * key order, deleting them in the same transaction. A count changed by the lists of many transactions is then written
 * once per fold instead of once per transaction (the benchmark's import: 488,000 counter rows for 5,000 contact lists,
 * each transaction of about 250 lists rewriting 23,000 of its 25,000 users).
 *
 * <p>When: a transaction of few changes (a live contact list or two) folds as soon as it commits, so its counts are
 * current when it returns; one of many (a queue batch of an import) folds only once the oldest logged change is
 * {@link #FOLD_AGE} old, so that the changes of the transactions committed meanwhile are folded together. The
 * scheduled {@code followerCounts} function ({@link #sweep}) folds what is left once no change was logged for
 * {@link #QUIET} (every minute on AWS, four times a second in the local runtime). Until its fold a change is pending:
 * {@code verify-stats} counts pending changes as stored; a reader of {@code user_stats} sees them after the fold.
 *
 * <p>A fold that fails (the database went away, a deadlock) leaves its rows logged for the next one: the events are
 * already committed, and nothing is lost.
 */
public final class FollowerCounts {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerCounts.class);
    /** The bound, under a steady stream of large transactions, on how long a change waits for its fold. */
    static final Duration FOLD_AGE = Duration.ofSeconds(1);
    /** Fewer changes than this in a transaction fold at once: a live list changes a few hundred. */
    static final int FOLD_AT_ONCE_BELOW = 1_000;
    /** No change logged for so long: the lists have stopped coming, and the sweep folds what they left. */
    static final Duration QUIET = Duration.ofMillis(250);
    /** The transaction-scoped advisory lock a fold holds, so that folds do not queue behind each other's rows. */
    private static final long FOLD_LOCK = 0x666f6c6c6f776572L;
    private static final String FOLD = """
            WITH taken AS (DELETE FROM follower_deltas RETURNING pubkeys, deltas),
                 summed AS (SELECT pubkey, sum(delta)::bigint AS delta
                            FROM taken CROSS JOIN LATERAL unnest(taken.pubkeys, taken.deltas) AS d (pubkey, delta)
                            GROUP BY pubkey)
            INSERT INTO user_stats (pubkey, followers_count)
            SELECT pubkey, delta FROM summed WHERE delta <> 0 ORDER BY pubkey
            ON CONFLICT (pubkey) DO UPDATE SET followers_count = user_stats.followers_count + EXCLUDED.followers_count""";

    private final DataSource dataSource;

    public FollowerCounts(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Logs one transaction's changes, {@code pubkeys} in byte order, in that transaction. */
    static void log(Connection c, byte[][] pubkeys, Long[] deltas) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO follower_deltas (pubkeys, deltas) VALUES (?, ?)")) {
            ps.setArray(1, c.createArrayOf("bytea", pubkeys));
            ps.setArray(2, c.createArrayOf("bigint", deltas));
            ps.executeUpdate();
        }
    }

    /**
     * After a transaction that logged {@code changes} committed: folds now or when due (see the class comment),
     * unless another fold is running. A failure is logged, not thrown: the committed events stand, the rows wait.
     */
    void afterCommit(int changes) {
        try {
            fold(false, changes < FOLD_AT_ONCE_BELOW ? "true" : oldestOlderThan(FOLD_AGE));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("follower counts not folded yet ({}); the next fold adds them", e.toString());
        }
    }

    /**
     * Folds every change logged and committed so far, waiting for a running fold to finish first. Returns the number
     * of follower counts written.
     */
    public int foldPending() throws SQLException {
        return fold(true, "true");
    }

    /**
     * The scheduled fold: folds when the oldest change is {@link #FOLD_AGE} old or none was logged for {@link #QUIET},
     * unless another fold is running (the next sweep comes). Returns the number of follower counts written.
     */
    public int sweep() throws SQLException {
        return fold(false, oldestOlderThan(FOLD_AGE) + " OR max(logged_at) <= clock_timestamp() - " + interval(QUIET));
    }

    private static String oldestOlderThan(Duration age) {
        return "min(logged_at) <= clock_timestamp() - " + interval(age);
    }

    private static String interval(Duration duration) {
        return "interval '" + duration.toMillis() + " milliseconds'";
    }

    /** Folds, if {@code due} (a condition over the logged rows) holds for the rows logged; none logged is never due. */
    private int fold(boolean wait, String due) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (!wait && !firstBoolean(s, "SELECT pg_try_advisory_xact_lock(" + FOLD_LOCK + ")")) {
                    c.rollback();
                    return 0;
                }
                if (wait) {
                    s.execute("SELECT pg_advisory_xact_lock(" + FOLD_LOCK + ")");
                }
                if (!firstBoolean(s, "SELECT count(*) > 0 AND coalesce(" + due + ", false) FROM follower_deltas")) {
                    c.rollback();
                    return 0;
                }
                int written = s.executeUpdate(FOLD);
                c.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static boolean firstBoolean(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
