package dev.nostrcache.infra.maintenance;

import dev.nostrcache.infra.ingest.EventProcessor;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a scheduled run removes: events whose NIP-40 expiration passed (their statistics taken back), connections
 * older than API Gateway lets any connection live (their $disconnect never came; subscriptions go with them),
 * avatar rows whose S3 objects the lifecycle rule has deleted, and finished avatar jobs older than a week.
 */
public final class Cleanup {
    /** API Gateway closes every WebSocket connection after two hours; ten minutes of grace. */
    public static final Duration CONNECTION_MAX_AGE = Duration.ofMinutes(130);
    public static final Duration JOB_RETENTION = Duration.ofDays(7);
    private static final int EXPIRED_PER_RUN = 5000;

    private final DataSource dataSource;
    private final Duration avatarObjectLifetime;

    public Cleanup(DataSource dataSource, Duration avatarObjectLifetime) {
        this.dataSource = dataSource;
        this.avatarObjectLifetime = avatarObjectLifetime;
    }

    /** Runs every step as of {@code nowSeconds}; answers how many rows each removed. */
    public Map<String, Integer> run(long nowSeconds) throws SQLException {
        Map<String, Integer> removed = new LinkedHashMap<>();
        removed.put("expired_events", new EventProcessor(dataSource).removeExpired(nowSeconds, EXPIRED_PER_RUN));
        removed.put("stale_connections", delete("DELETE FROM ws_connections WHERE connected_at < to_timestamp(?)",
                nowSeconds - CONNECTION_MAX_AGE.toSeconds()));
        removed.put("expired_avatars", delete("DELETE FROM avatars WHERE fetched_at < to_timestamp(?)",
                nowSeconds - avatarObjectLifetime.toSeconds()));
        removed.put("old_jobs", delete("DELETE FROM avatar_jobs WHERE finished_at < to_timestamp(?)",
                nowSeconds - JOB_RETENTION.toSeconds()));
        return removed;
    }

    private int delete(String sql, long before) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, before);
            return ps.executeUpdate();
        }
    }
}
