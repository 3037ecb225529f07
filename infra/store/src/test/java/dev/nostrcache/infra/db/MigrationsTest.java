package dev.nostrcache.infra.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationsTest {

    @Test
    void createsTheWholeSchemaOnceAndIsIdempotent() throws SQLException {
        try (HikariDataSource ds = DataSources.forLocal(TestDatabase.freshJdbcUrl(), "postgres", null)) {
            assertThat(Migrations.migrate(ds)).isGreaterThanOrEqualTo(1);
            assertThat(Migrations.migrate(ds)).isZero();
            assertThat(tables(ds)).contains("events", "event_tags", "note_search", "deletions_by_id",
                    "deletions_by_address", "profiles", "follow_lists", "user_relays", "user_stats", "event_stats", "zaps",
                    "relays", "avatars", "avatar_jobs", "avatar_job_items", "ws_connections", "ws_subscriptions",
                    "ws_subscription_keys");
        }
    }

    /** Version 11 turned the follow graph's rows into one array per list; a database written before keeps its graph. */
    @Test
    void followsWrittenAsRowsBecomeOneListPerFollower() throws SQLException {
        try (HikariDataSource ds = DataSources.forLocal(TestDatabase.freshJdbcUrl(), "postgres", null)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("10").load().migrate();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO follows (follower, followed) VALUES ('\\xaa', '\\x02'), ('\\xaa', '\\x01'),"
                        + " ('\\xbb', '\\x01')");
            }
            assertThat(Migrations.migrate(ds)).isGreaterThanOrEqualTo(1);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT encode(follower, 'hex'), followed::text FROM follow_lists ORDER BY 1")) {
                List<String> lists = new ArrayList<>();
                while (rs.next()) {
                    lists.add(rs.getString(1) + " " + rs.getString(2));
                }
                assertThat(lists).containsExactly("aa {\"\\\\x01\",\"\\\\x02\"}", "bb {\"\\\\x01\"}");
            }
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM follows WHERE follower = '\\xaa'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
        }
    }

    /** Version 15 keeps each event's quotes as a counter; a database written before gets them counted. */
    @Test
    void quotesStoredBeforeTheCounterAreCounted() throws SQLException {
        String quoted = "ab".repeat(32);
        try (HikariDataSource ds = DataSources.forLocal(TestDatabase.freshJdbcUrl(), "postgres", null)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("14").load().migrate();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO events (id, pubkey, created_at, kind, json) VALUES ('\\x" + "a1".repeat(32)
                        + "', '\\x" + "0a".repeat(32) + "', 1, 1, '{}'), ('\\x" + "a2".repeat(32) + "', '\\x"
                        + "0a".repeat(32) + "', 1, 1, '{}'), ('\\x" + "a3".repeat(32) + "', '\\x" + "0a".repeat(32)
                        + "', 1, 7, '{}')");
                s.execute("INSERT INTO event_tags (event_id, name, value, kind, created_at) VALUES"
                        + " ('\\x" + "a1".repeat(32) + "', 'q', '" + quoted + "', 1, 1),"
                        + " ('\\x" + "a1".repeat(32) + "', 'q', '" + quoted.toUpperCase() + "', 1, 1),"
                        + " ('\\x" + "a2".repeat(32) + "', 'q', '" + quoted + "', 1, 1),"
                        + " ('\\x" + "a2".repeat(32) + "', 'q', 'nevent1qqs', 1, 1),"
                        + " ('\\x" + "a3".repeat(32) + "', 'q', '" + quoted + "', 7, 1)");
                s.execute("INSERT INTO event_stats (event_id, replies) VALUES ('\\x" + quoted + "', 3)");
            }
            assertThat(Migrations.migrate(ds)).isGreaterThanOrEqualTo(1);
            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT encode(event_id, 'hex'), replies, quotes FROM event_stats")) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
                }
                assertThat(rows).as("two notes quote it; a reaction and malformed ids count for nothing")
                        .containsExactly(quoted + " 3 2");
            }
        }
    }

    /** Version 16 deletes an event's tags, search document and zap with it by a trigger instead of foreign keys. */
    @Test
    void deletingEventsDeletesTheirRowsAndNoOthers() throws SQLException {
        try (HikariDataSource ds = TestDatabase.fresh(); Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String id : List.of("a1", "a2", "a3")) {
                String key = "'\\x" + id.repeat(32) + "'";
                s.execute("INSERT INTO events (id, pubkey, created_at, kind, json) VALUES (" + key + ", '\\x"
                        + "0a".repeat(32) + "', 1, 1, '{}')");
                s.execute("INSERT INTO event_tags (event_id, name, value, kind, created_at) VALUES (" + key + ", 't', 'x', 1, 1),"
                        + " (" + key + ", 'e', 'y', 1, 1)");
                s.execute("INSERT INTO note_search (event_id, document) VALUES (" + key + ", to_tsvector('simple', 'hello'))");
                s.execute("INSERT INTO zaps (receipt_id, recipient, amount_msats, created_at) VALUES (" + key + ", '\\x0b', 1000, 1)");
            }
            s.execute("DELETE FROM events WHERE id = '\\x" + "a1".repeat(32) + "'");
            assertThat(rowsOf(s)).containsExactly("a2 2 1 1", "a3 2 1 1");
            s.execute("DELETE FROM events WHERE id IN ('\\x" + "a2".repeat(32) + "', '\\x" + "a3".repeat(32) + "')");
            assertThat(rowsOf(s)).isEmpty();
        }
    }

    /** Each stored event's first id byte, with its counts of tag, search and zap rows. */
    private static List<String> rowsOf(Statement s) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT left(encode(id, 'hex'), 2),"
                + " (SELECT count(*) FROM event_tags t WHERE t.event_id = e.id),"
                + " (SELECT count(*) FROM note_search n WHERE n.event_id = e.id),"
                + " (SELECT count(*) FROM zaps z WHERE z.receipt_id = e.id) FROM events e"
                + " UNION ALL SELECT 'orphan', (SELECT count(*) FROM event_tags t WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = t.event_id)),"
                + " (SELECT count(*) FROM note_search n WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = n.event_id)),"
                + " (SELECT count(*) FROM zaps z WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = z.receipt_id)) ORDER BY 1")) {
            while (rs.next()) {
                String row = rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3) + " " + rs.getLong(4);
                if (!row.equals("orphan 0 0 0")) {
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    @Test
    void constraintsRefuseCorruptRows() throws SQLException {
        try (HikariDataSource ds = TestDatabase.fresh(); Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute("INSERT INTO events (id, pubkey, created_at, kind, json) "
                    + "VALUES ('\\x00', '\\x" + "00".repeat(32) + "', 1, 1, '{}')"))
                    .hasMessageContaining("events_id_len");
            assertThatThrownBy(() -> s.execute("INSERT INTO events (id, pubkey, created_at, kind, json) "
                    + "VALUES ('\\x" + "00".repeat(32) + "', '\\x" + "00".repeat(32) + "', 1, 70000, '{}')"))
                    .hasMessageContaining("events_kind_range");
            assertThatThrownBy(() -> s.execute("INSERT INTO avatars (pubkey, source_url, status) VALUES ('\\x01', 'x', 'bogus')"))
                    .hasMessageContaining("avatars_status_check");
        }
    }

    private static List<String> tables(HikariDataSource ds) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = ds.getConnection(); ResultSet rs = c.getMetaData().getTables(null, "public", "%", new String[]{"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
