package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes every maintained count from the stored events, in SQL, and lists where the maintained value differs.
 * The recomputation reads other data than the incremental path does: follows come from the {@code p} tags of the
 * current contact lists in {@code event_tags}, not from the {@code follows} table; notes and replies from the
 * events' NIP-10 columns; reactions and reposts from the events' reference columns; zaps from the receipts
 * still stored. It runs in one repeatable-read transaction, so a consistent snapshot is compared.
 */
public final class StatsVerifier {

    /** One count that differs: {@code scope} is "user", "event" or "follow". */
    public record Mismatch(String scope, String key, String counter, long stored, long recomputed) {
        @Override
        public String toString() {
            return scope + " " + key + " " + counter + ": stored " + stored + ", recomputed " + recomputed;
        }
    }

    /** The outcome: how many rows were compared, and every mismatch found. */
    public record Report(long usersChecked, long eventsChecked, long followsChecked, List<Mismatch> mismatches) {
        public boolean ok() {
            return mismatches.isEmpty();
        }
    }

    private static final String[] USER_COUNTERS = {"followers_count", "follows_count", "note_count", "reply_count",
        "long_form_note_count", "reactions_received", "reposts_received", "zaps_received", "zapped_msats"};
    private static final String[] EVENT_COUNTERS = {"replies", "reactions", "reposts", "zaps", "zapped_msats"};

    private static final String FOLLOWS = """
            SELECT e.pubkey AS follower, decode(t.value, 'hex') AS followed
            FROM events e JOIN event_tags t ON t.event_id = e.id
            WHERE e.kind = 3 AND t.name = 'p' AND t.value ~ '^[0-9a-f]{64}$'""";

    private static final String USER_RECOMPUTED = """
            SELECT pubkey, sum(followers) AS followers_count, sum(follows) AS follows_count, sum(notes) AS note_count,
                   sum(replies) AS reply_count, sum(long_form) AS long_form_note_count,
                   sum(reactions) AS reactions_received, sum(reposts) AS reposts_received,
                   sum(zaps) AS zaps_received, sum(msats) AS zapped_msats
            FROM (
              SELECT followed AS pubkey, 1 AS followers, 0 AS follows, 0 AS notes, 0 AS replies, 0 AS long_form,
                     0 AS reactions, 0 AS reposts, 0 AS zaps, 0::bigint AS msats FROM recomputed_follows
              UNION ALL SELECT follower, 0, 1, 0, 0, 0, 0, 0, 0, 0 FROM recomputed_follows
              UNION ALL SELECT pubkey, 0, 0, 1, 0, 0, 0, 0, 0, 0 FROM events WHERE kind = 1 AND reply_to IS NULL
              UNION ALL SELECT pubkey, 0, 0, 0, 1, 0, 0, 0, 0, 0 FROM events WHERE kind = 1 AND reply_to IS NOT NULL
              UNION ALL SELECT pubkey, 0, 0, 0, 0, 1, 0, 0, 0, 0 FROM events WHERE kind = 30023
              UNION ALL SELECT ref_pubkey, 0, 0, 0, 0, 0, 1, 0, 0, 0 FROM events WHERE kind = 7 AND ref_pubkey IS NOT NULL
              UNION ALL SELECT ref_pubkey, 0, 0, 0, 0, 0, 0, 1, 0, 0 FROM events
                  WHERE kind IN (6, 16) AND ref_pubkey IS NOT NULL
              UNION ALL SELECT recipient, 0, 0, 0, 0, 0, 0, 0, 1, amount_msats FROM zaps
            ) contributions GROUP BY pubkey""";

    private static final String EVENT_RECOMPUTED = """
            SELECT event_id, sum(replies) AS replies, sum(reactions) AS reactions, sum(reposts) AS reposts,
                   sum(zaps) AS zaps, sum(msats) AS zapped_msats
            FROM (
              SELECT reply_to AS event_id, 1 AS replies, 0 AS reactions, 0 AS reposts, 0 AS zaps, 0::bigint AS msats
                  FROM events WHERE kind = 1 AND reply_to IS NOT NULL
              UNION ALL SELECT ref_event, 0, 1, 0, 0, 0 FROM events WHERE kind = 7 AND ref_event IS NOT NULL
              UNION ALL SELECT ref_event, 0, 0, 1, 0, 0 FROM events WHERE kind IN (6, 16) AND ref_event IS NOT NULL
              UNION ALL SELECT target_event, 0, 0, 0, 1, amount_msats FROM zaps WHERE target_event IS NOT NULL
            ) contributions GROUP BY event_id""";

    private final DataSource dataSource;
    private final int maxReported;

    public StatsVerifier(DataSource dataSource, int maxReported) {
        this.dataSource = dataSource;
        this.maxReported = maxReported;
    }

    public Report verify() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                List<Mismatch> mismatches = new ArrayList<>();
                long follows = compareFollows(c, mismatches);
                long users = compare(c, "user", "user_stats", "pubkey", USER_RECOMPUTED, USER_COUNTERS, mismatches);
                long events = compare(c, "event", "event_stats", "event_id", EVENT_RECOMPUTED, EVENT_COUNTERS, mismatches);
                return new Report(users, events, follows, List.copyOf(mismatches));
            } finally {
                c.rollback();
            }
        }
    }

    /** The follow graph itself: edges in the table but not in the contact lists, and the other way round. */
    private long compareFollows(Connection c, List<Mismatch> out) throws SQLException {
        String sql = "WITH recomputed_follows AS (" + FOLLOWS + ") "
                + "SELECT coalesce(r.follower, f.follower), coalesce(r.followed, f.followed), r.follower IS NOT NULL, "
                + "f.follower IS NOT NULL, count(*) OVER () "
                + "FROM recomputed_follows r FULL OUTER JOIN follows f "
                + "ON f.follower = r.follower AND f.followed = r.followed "
                + "WHERE r.follower IS NULL OR f.follower IS NULL";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (out.size() < maxReported) {
                    out.add(new Mismatch("follow", Hex.encode(rs.getBytes(1)) + "->" + Hex.encode(rs.getBytes(2)),
                            "edge", rs.getBoolean(4) ? 1 : 0, rs.getBoolean(3) ? 1 : 0));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM follows"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long compare(Connection c, String scope, String table, String key, String recomputed, String[] counters,
                         List<Mismatch> out) throws SQLException {
        StringBuilder select = new StringBuilder("SELECT coalesce(s.").append(key).append(", r.").append(key).append(')');
        StringBuilder differs = new StringBuilder();
        for (String counter : counters) {
            select.append(", coalesce(s.").append(counter).append(", 0), coalesce(r.").append(counter).append(", 0)");
            differs.append(differs.isEmpty() ? "" : " OR ").append("coalesce(s.").append(counter)
                    .append(", 0) <> coalesce(r.").append(counter).append(", 0)");
        }
        String sql = "WITH recomputed_follows AS (" + FOLLOWS + "), r AS (" + recomputed + ") " + select + " FROM " + table
                + " s FULL OUTER JOIN r ON r." + key + " = s." + key + " WHERE " + differs;
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next() && out.size() < maxReported) {
                String id = Hex.encode(rs.getBytes(1));
                for (int i = 0; i < counters.length; i++) {
                    long stored = rs.getLong(2 + 2 * i);
                    long expected = rs.getLong(3 + 2 * i);
                    if (stored != expected) {
                        out.add(new Mismatch(scope, id, counters[i], stored, expected));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
