package dev.nostrcache.infra.primal;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rankings behind "trending" and "most zapped": recomputed by a scheduled function (every few minutes) from the
 * exact statistics, and read by {@code scored}, {@code explore} and {@code mega_feed_directive}. Trending is an
 * engagement score over the notes of a time window: replies 3, reposts 2, reactions 1, zaps 2 and a point per 1,000
 * sats; most zapped orders by sats zapped. A ranking keeps its best {@value #KEPT} notes. Once an hour it also takes a
 * snapshot of the {@value #SNAPSHOT_ACCOUNTS} most-followed accounts' follower counts (kept two days), from which
 * {@code explore_people} ranks the day's follower gains.
 */
public final class TrendingScores {
    public static final int KEPT = 500;
    public static final int SNAPSHOT_ACCOUNTS = 10_000;
    static final long SNAPSHOT_EVERY_SECONDS = 3600;
    static final long SNAPSHOTS_KEPT_SECONDS = 2 * 86_400;
    private static final Map<String, Integer> WINDOWS = new LinkedHashMap<>();

    static {
        for (int hours : new int[]{1, 4, 12, 24}) {
            WINDOWS.put("trending_" + hours + "h", hours);
        }
        for (int hours : new int[]{4, 24}) {
            WINDOWS.put("mostzapped_" + hours + "h", hours);
        }
    }

    /** Every selector {@code scored} accepts. */
    public static final List<String> SELECTORS = List.copyOf(WINDOWS.keySet());

    private final DataSource dataSource;

    public TrendingScores(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The trending selector whose window is the smallest one covering {@code hours}. */
    static String trendingSelector(int hours) {
        return "trending_" + (hours <= 1 ? 1 : hours <= 4 ? 4 : hours <= 12 ? 12 : 24) + "h";
    }

    static String mostZappedSelector(int hours) {
        return "mostzapped_" + (hours <= 4 ? 4 : 24) + "h";
    }

    /** {@code selector}, then the selectors of its family with wider windows, narrowest first. */
    static List<String> widening(String selector) {
        String family = selector.substring(0, selector.indexOf('_') + 1);
        int hours = WINDOWS.getOrDefault(selector, 0);
        return WINDOWS.entrySet().stream().filter(w -> w.getKey().startsWith(family) && w.getValue() >= hours)
                .map(Map.Entry::getKey).toList();
    }

    /** Recomputes every ranking as of {@code nowSeconds}, each in its own transaction; returns rows written. */
    public int recompute(long nowSeconds) throws SQLException {
        int written = snapshotFollowers(nowSeconds);
        for (Map.Entry<String, Integer> w : WINDOWS.entrySet()) {
            boolean zapped = w.getKey().startsWith("mostzapped");
            String score = zapped ? "s.zapped_msats::double precision"
                    : "3 * s.replies + 2 * s.reposts + s.reactions + 2 * s.zaps + s.zapped_msats / 1000000.0";
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM trending WHERE selector = ?");
                     PreparedStatement insert = c.prepareStatement("""
                             INSERT INTO trending (selector, rank, event_id, score, computed_at)
                             SELECT ?, row_number() OVER (ORDER BY score DESC, id), id, score, now() FROM (
                                 SELECT e.id, %s AS score FROM event_stats s JOIN events e ON e.id = s.event_id
                                 WHERE e.kind = 1 AND e.created_at >= ? AND e.created_at <= ?
                                   AND (e.expires_at IS NULL OR e.expires_at > ?)
                                 ORDER BY score DESC, e.id LIMIT ?) ranked
                             WHERE score > 0""".formatted(score))) {
                    delete.setString(1, w.getKey());
                    delete.executeUpdate();
                    insert.setString(1, w.getKey());
                    insert.setLong(2, nowSeconds - w.getValue() * 3600L);
                    insert.setLong(3, nowSeconds);
                    insert.setLong(4, nowSeconds);
                    insert.setInt(5, KEPT);
                    written += insert.executeUpdate();
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }
        return written;
    }

    /** A snapshot of follower counts, unless one was taken within the hour; older than two days ones go. */
    private int snapshotFollowers(long nowSeconds) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement prune = c.prepareStatement("DELETE FROM follower_snapshots WHERE taken_at < ?");
             PreparedStatement take = c.prepareStatement("""
                     INSERT INTO follower_snapshots (taken_at, pubkey, followers)
                     SELECT ?, pubkey, followers_count FROM user_stats
                     WHERE followers_count > 0 AND NOT EXISTS (SELECT 1 FROM follower_snapshots WHERE taken_at > ?)
                     ORDER BY followers_count DESC, pubkey LIMIT ?""")) {
            prune.setLong(1, nowSeconds - SNAPSHOTS_KEPT_SECONDS);
            prune.executeUpdate();
            take.setLong(1, nowSeconds);
            take.setLong(2, nowSeconds - SNAPSHOT_EVERY_SECONDS);
            take.setInt(3, SNAPSHOT_ACCOUNTS);
            return take.executeUpdate();
        }
    }
}
