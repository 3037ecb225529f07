package dev.nostrcache.infra.upstream;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** The upstream relays the worker reads: where each one was found, its resume cursor and its health. */
public final class RelayRepository {

    /** A relay to connect to, with the {@code since} to resume from (null: never fully received). */
    public record Relay(String url, String source, Long sinceCursor) {
    }

    /** Health as the operator sees it. */
    public record Health(String url, String source, String status, long eventsReceived, Integer latencyMs,
                         String lastError) {
    }

    private final DataSource dataSource;

    public RelayRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records the configured relays (enabling them again if they were known, disabling configured ones no longer
     * listed) and returns every enabled relay.
     */
    public List<Relay> registerConfigured(List<String> urls) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO relays (url, source, enabled) VALUES (?, 'config', true)
                ON CONFLICT (url) DO UPDATE SET source = 'config', enabled = true""")) {
            for (String url : urls) {
                ps.setString(1, url);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE relays SET enabled = false WHERE source = 'config' AND NOT (url = ANY (?))")) {
            ps.setArray(1, c.createArrayOf("text", urls.toArray()));
            ps.executeUpdate();
        }
        return enabled();
    }

    public List<Relay> enabled() throws SQLException {
        List<Relay> relays = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT url, source, since_cursor FROM relays WHERE enabled ORDER BY source, url");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long since = rs.getLong(3);
                Long cursor = rs.wasNull() ? null : since;
                relays.add(new Relay(rs.getString(1), rs.getString(2), cursor));
            }
        }
        return relays;
    }

    /**
     * The write relays most used in stored NIP-65 lists that are not known yet, as many as {@code cap} still allows
     * (relays found that way and enabled count against it), most used first. The caller checks each one's address
     * before it {@link #addDiscovered adds} or {@link #refuse refuses} it.
     */
    public List<String> discoveryCandidates(int cap) throws SQLException {
        List<String> candidates = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            int known;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM relays WHERE source = 'nip65' AND enabled");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                known = rs.getInt(1);
            }
            if (known >= cap) {
                return candidates;
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT u.url FROM user_relays u WHERE u.write AND NOT EXISTS (SELECT 1 FROM relays r WHERE r.url = u.url)
                    GROUP BY u.url ORDER BY count(*) DESC, u.url LIMIT ?""")) {
                ps.setInt(1, cap - known);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(rs.getString(1));
                    }
                }
            }
        }
        return candidates;
    }

    /**
     * Makes sure a relay the operator named for a one-off fetch has a row (its jobs and progress hang on it); a new one
     * is recorded as configured but not enabled, so the worker does not start reading it.
     */
    public void ensureKnown(String url) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO relays (url, source, enabled) VALUES (?, 'config', false) ON CONFLICT DO NOTHING")) {
            ps.setString(1, url);
            ps.executeUpdate();
        }
    }

    /** Records a relay found in stored relay lists, to be read from now on; false if it was known already. */
    public boolean addDiscovered(String url) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO relays (url, source) VALUES (?, 'nip65') ON CONFLICT DO NOTHING")) {
            ps.setString(1, url);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Records that a relay found in stored relay lists must never be connected to (its address is not public), so
     * that it is neither read nor offered again; a known one is disabled. Configured relays are the operator's
     * choice and never refused.
     */
    public void refuse(String url, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO relays (url, source, enabled, status, last_error, last_error_at)
                VALUES (?, 'nip65', false, 'refused', ?, now())
                ON CONFLICT (url) DO UPDATE SET enabled = false, status = 'refused', last_error = excluded.last_error,
                                                last_error_at = now()
                WHERE relays.source = 'nip65'""")) {
            ps.setString(1, url);
            ps.setString(2, truncated(reason));
            ps.executeUpdate();
        }
    }

    public void connected(String url) throws SQLException {
        update("UPDATE relays SET status = 'connected', last_connected_at = now() WHERE url = ?", url);
    }

    public void status(String url, String status) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE relays SET status = ? WHERE url = ?")) {
            ps.setString(1, status);
            ps.setString(2, url);
            ps.executeUpdate();
        }
    }

    public void failed(String url, String error) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE relays SET status = 'backoff', last_error = ?, last_error_at = now() WHERE url = ?")) {
            ps.setString(1, truncated(error));
            ps.setString(2, url);
            ps.executeUpdate();
        }
    }

    /** Saves progress: the resume cursor, events received since the last save, and the last REQ-to-EOSE time. */
    public void progress(String url, Long sinceCursor, long newEvents, Integer latencyMs) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE relays SET since_cursor = coalesce(?, since_cursor), events_received = events_received + ?,
                                  latency_ms = coalesce(?, latency_ms)
                WHERE url = ?""")) {
            if (sinceCursor == null) {
                ps.setNull(1, Types.BIGINT);
            } else {
                ps.setLong(1, sinceCursor);
            }
            ps.setLong(2, newEvents);
            if (latencyMs == null) {
                ps.setNull(3, Types.INTEGER);
            } else {
                ps.setInt(3, latencyMs);
            }
            ps.setString(4, url);
            ps.executeUpdate();
        }
    }

    public List<Health> health() throws SQLException {
        List<Health> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT url, source, status, events_received, latency_ms, last_error FROM relays ORDER BY url");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int latency = rs.getInt(5);
                Integer latencyMs = rs.wasNull() ? null : latency;
                out.add(new Health(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), latencyMs,
                        rs.getString(6)));
            }
        }
        return out;
    }

    private static String truncated(String text) {
        return text.length() > 500 ? text.substring(0, 500) : text;
    }

    private void update(String sql, String url) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, url);
            ps.executeUpdate();
        }
    }
}
