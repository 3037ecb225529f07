package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counter changes collected while one event is processed, then written in one pass, keys in sorted order so that
 * concurrent transactions lock counter rows in the same order and do not deadlock each other.
 */
final class StatDeltas {
    /** Counter columns of user_stats; the names are SQL identifiers, never user input. */
    enum UserStat { followers_count, follows_count, note_count, reply_count, long_form_note_count,
        reactions_received, reposts_received, zaps_received, zapped_msats }

    /** Counter columns of event_stats. */
    enum EventStat { replies, reactions, reposts, zaps, zapped_msats }

    private final Map<String, long[]> users = new TreeMap<>();
    private final Map<String, long[]> events = new TreeMap<>();

    void user(String pubkey, UserStat stat, long delta) {
        if (pubkey != null && delta != 0) {
            users.computeIfAbsent(pubkey, k -> new long[UserStat.values().length])[stat.ordinal()] += delta;
        }
    }

    void event(String id, EventStat stat, long delta) {
        if (id != null && delta != 0) {
            events.computeIfAbsent(id, k -> new long[EventStat.values().length])[stat.ordinal()] += delta;
        }
    }

    void write(Connection c) throws SQLException {
        if (!users.isEmpty()) {
            write(c, "user_stats", "pubkey", UserStat.values(), users);
        }
        if (!events.isEmpty()) {
            write(c, "event_stats", "event_id", EventStat.values(), events);
        }
    }

    private static void write(Connection c, String table, String key, Enum<?>[] columns, Map<String, long[]> rows)
            throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (").append(key);
        for (Enum<?> column : columns) {
            sql.append(", ").append(column.name());
        }
        sql.append(") VALUES (?").append(", ?".repeat(columns.length)).append(") ON CONFLICT (").append(key)
                .append(") DO UPDATE SET ");
        for (int i = 0; i < columns.length; i++) {
            String name = columns[i].name();
            sql.append(i == 0 ? "" : ", ").append(name).append(" = ").append(table).append('.').append(name)
                    .append(" + EXCLUDED.").append(name);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (Map.Entry<String, long[]> row : rows.entrySet()) {
                ps.setBytes(1, Hex.decode(row.getKey()));
                for (int i = 0; i < columns.length; i++) {
                    ps.setLong(i + 2, row.getValue()[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
