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
 * current when it returns. A transaction of many (a queue batch of a back-fill or an import) holds a shared advisory
 * lock, {@link #IN_FLIGHT}, from its start to its end, and after its commit folds only if no other such transaction
 * holds it then, or the oldest logged change is {@link #FOLD_AGE} old: while the lists keep coming the folds wait,
 * and the last transaction of a backlog folds what all of them logged, with no wait after it. The scheduled
 * {@code followerCounts} function ({@link #sweep}) folds on the same condition what a transaction that failed or a
 * process that stopped left (every minute on AWS, every second in the local runtime). Until its fold a change is
 * pending: {@code verify-stats} counts pending changes as stored; a reader of {@code user_stats} sees them after it.
 *
 * <p>A fold that fails (the database went away, a deadlock) leaves its rows logged for the next one: the events are
 * already committed, and nothing is lost.
 */
public final class FollowerCounts {
    private static final Logger LOG = LoggerFactory.getLogger(FollowerCounts.class);
    /** The bound, under a steady stream of large transactions, on how long a change waits for its fold. */
    static final Duration FOLD_AGE = Duration.ofSeconds(30);
    /** Fewer changes than this in a transaction fold at once: a live list changes a few hundred. */
    static final int FOLD_AT_ONCE_BELOW = 1_000;
    /**
     * The advisory lock a transaction of contact lists holds shared while it runs: a fold after another's commit
     * looks in {@code pg_locks} whether anyone holds it (never taking it, so no one waits).
     */
    static final long IN_FLIGHT = 0x636f6e7461637473L;
    /** The transaction-scoped advisory lock a fold holds, so that folds do not queue behind each other's rows. */
    private static final long FOLD_LOCK = 0x666f6c6c6f776572L;
    private static final String NONE_IN_FLIGHT = "NOT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
            + " AND classid = " + (IN_FLIGHT >>> 32) + " AND objid = " + (IN_FLIGHT & 0xffffffffL) + " AND objsubid = 1"
            + " AND granted AND pid <> pg_backend_pid())";
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

    /** Marks the transaction on {@code c} as one of contact lists in flight until it ends ({@link #IN_FLIGHT}). */
    static void inFlight(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock_shared(" + IN_FLIGHT + ")");
        }
    }

    /**
     * After a transaction that logged {@code changes} (or held {@link #IN_FLIGHT}) committed: folds now or when due
     * (see the class comment). A failure is logged, not thrown: the committed events stand, the rows wait.
     */
    void afterCommit(int changes) {
        try {
            fold(changes > 0 && changes < FOLD_AT_ONCE_BELOW ? "true" : due());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("follower counts not folded yet ({}); the next fold adds them", e.toString());
        }
    }

    /** Folds every change logged and committed so far. Returns the number of follower counts written. */
    public int foldPending() throws SQLException {
        return fold("true");
    }

    /**
     * The scheduled fold: folds when no transaction of contact lists is in flight or the oldest change is
     * {@link #FOLD_AGE} old. Returns the number of follower counts written.
     */
    public int sweep() throws SQLException {
        return fold(due());
    }

    private static String due() {
        return NONE_IN_FLIGHT + " OR min(logged_at) <= clock_timestamp() - interval '" + FOLD_AGE.toMillis() + " milliseconds'";
    }

    /**
     * Folds, if {@code due} (a condition over the logged rows) holds for the rows logged; none logged is never due.
     * It first waits for a running fold to end: that one may have begun before the caller's rows were committed.
     */
    private int fold(String due) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + FOLD_LOCK + ")");
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
