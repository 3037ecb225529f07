package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Recomputes every maintained count from the stored events, in SQL, and lists where the maintained value differs.
 * What each kind contributes to which counter comes from the {@link KindRegistry}'s recounts.
 * The recomputation reads other data than the incremental path does: follows come from the JSON of the current
 * contact lists, not from the {@code follows} table; notes and replies from the events' NIP-10 columns; quotes from
 * the notes' {@code q} rows of {@code event_tags}; reactions and reposts from the events' reference columns; zaps from
 * the receipts still stored. It runs in one repeatable-read transaction, so a consistent snapshot is compared.
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

    private static final String[] USER_COUNTERS = names(StatDeltas.UserStat.values());
    private static final String[] EVENT_COUNTERS = names(StatDeltas.EventStat.values());

    /**
     * The follow graph read from the stored contact lists' JSON, as {@code ContactList.follows} reads an event: each
     * {@code p} tag whose value is a lowercase hex pubkey. PostgreSQL's JSON functions refuse an escaped U+0000, which
     * a hostile tag may hold, so it is read as U+FFFD (neither can be part of a pubkey).
     */
    private static final String FOLLOWS = """
            SELECT DISTINCT e.pubkey AS follower, decode(t.tag ->> 1, 'hex') AS followed
            FROM events e CROSS JOIN LATERAL json_array_elements(replace(e.json, '\\u0000', '\\ufffd')::json -> 'tags') AS t(tag)
            WHERE e.kind = 3 AND t.tag ->> 0 = 'p' AND t.tag ->> 1 ~ '^[0-9a-f]{64}$'""";

    private final DataSource dataSource;
    private final int maxReported;
    private final String userRecomputed;
    private final String eventRecomputed;

    public StatsVerifier(DataSource dataSource, int maxReported) {
        this(dataSource, maxReported, KindRegistry.STANDARD);
    }

    StatsVerifier(DataSource dataSource, int maxReported, KindRegistry kinds) {
        this.dataSource = dataSource;
        this.maxReported = maxReported;
        this.userRecomputed = recomputed(kinds, "user_stats", "pubkey", USER_COUNTERS);
        this.eventRecomputed = recomputed(kinds, "event_stats", "event_id", EVENT_COUNTERS);
    }

    /**
     * Every counter of {@code table} summed per key over the registry's recounts: each recount fills its counter's
     * column and zeros the others, so one GROUP BY gives each key's row.
     */
    private static String recomputed(KindRegistry kinds, String table, String key, String[] counters) {
        List<String> parts = new ArrayList<>();
        for (KindRegistry.Entry entry : kinds.entries()) {
            for (KindRegistry.Recount recount : entry.recounts()) {
                if (!recount.table().equals(table)) {
                    continue;
                }
                StringBuilder part = new StringBuilder("SELECT q.k");
                for (String counter : counters) {
                    part.append(", ").append(counter.equals(recount.counter()) ? "q.n" : "0").append("::bigint");
                }
                parts.add(part.append(" FROM (").append(entry.sql(recount)).append(") AS q(k, n)").toString());
            }
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(key);
        for (String counter : counters) {
            sql.append(", sum(").append(counter).append(") AS ").append(counter);
        }
        sql.append(" FROM (").append(parts.isEmpty() ? "SELECT NULL::bytea" + ", 0::bigint".repeat(counters.length) + " WHERE false"
                : String.join(" UNION ALL ", parts)).append(") AS contributions(").append(key);
        for (String counter : counters) {
            sql.append(", ").append(counter);
        }
        return sql.append(") GROUP BY ").append(key).toString();
    }

    public Report verify() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                List<Mismatch> mismatches = new ArrayList<>();
                long follows = compareFollows(c, mismatches);
                long users = compare(c, "user", "user_stats", "pubkey", userRecomputed, USER_COUNTERS, mismatches);
                long events = compare(c, "event", "event_stats", "event_id", eventRecomputed, EVENT_COUNTERS, mismatches);
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

    private static String[] names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }
}
