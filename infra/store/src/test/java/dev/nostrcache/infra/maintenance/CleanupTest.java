package dev.nostrcache.infra.maintenance;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.ingest.StatsVerifier;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CleanupTest {

    private static long count(HikariDataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void expiredEventsGoWithTheirCountsAndStaleRowsWithThem() throws Exception {
        // Stored long ago, when the workload's expiring events were still valid.
        try (HikariDataSource ds = TestDatabase.withWorkload(1_000_000_000L)) {
            long now = 2_000_000_000L;
            long expiring = count(ds, "SELECT count(*) FROM events WHERE expires_at <= " + now);
            assertThat(expiring).as("the workload has events that expire").isPositive();
            long total = count(ds, "SELECT count(*) FROM events");
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO ws_connections (connection_id, connected_at) VALUES ('old', to_timestamp(" + (now - 3 * 3600) + ")),"
                        + " ('new', to_timestamp(" + (now - 60) + "))");
                s.execute("INSERT INTO ws_subscriptions (connection_id, sub_id, filters) VALUES ('old', 's', '[]')");
                s.execute("INSERT INTO avatars (pubkey, source_url, status, fetched_at) VALUES (decode(repeat('aa', 32), 'hex'), 'x',"
                        + " 'cached', to_timestamp(" + (now - 90L * 86400) + ")), (decode(repeat('bb', 32), 'hex'), 'y', 'cached',"
                        + " to_timestamp(" + (now - 86400) + "))");
                s.execute("INSERT INTO avatar_jobs (job_id, origin, total, created_at, finished_at) VALUES"
                        + " (gen_random_uuid(), 'batch', 0, to_timestamp(" + (now - 30L * 86400) + "), to_timestamp(" + (now - 30L * 86400) + ")),"
                        + " (gen_random_uuid(), 'batch', 0, to_timestamp(" + now + "), NULL)");
            }
            Map<String, Integer> removed = new Cleanup(ds, Duration.ofDays(59)).run(now);
            assertThat(removed).containsEntry("expired_events", (int) expiring).containsEntry("stale_connections", 1)
                    .containsEntry("expired_avatars", 1).containsEntry("old_jobs", 1);
            assertThat(count(ds, "SELECT count(*) FROM events")).isEqualTo(total - expiring);
            assertThat(count(ds, "SELECT count(*) FROM ws_subscriptions")).as("with their connection").isZero();
            assertThat(count(ds, "SELECT count(*) FROM ws_connections")).isEqualTo(1);
            assertThat(new StatsVerifier(ds, 100).verify().ok()).as("counts equal a recomputation afterwards").isTrue();
            assertThat(new Cleanup(ds, Duration.ofDays(59)).run(now).get("expired_events")).isZero();
        }
    }
}
