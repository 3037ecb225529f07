package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counter changes collected while a transaction's events are processed, with the notes whose statistics rows get
 * their author and time, then written in one pass per table, keys in sorted order, so that concurrent transactions
 * lock counter rows in the same order and do not deadlock each other.
 */
final class StatDeltas {
    /** Counter columns of user_stats; the names are SQL identifiers, never user input. */
    enum UserStat { followers_count, follows_count, note_count, reply_count, long_form_note_count,
        reactions_received, reposts_received, zaps_received, zapped_msats }

    /** Counter columns of event_stats. */
    enum EventStat { replies, reactions, reposts, zaps, zapped_msats }

    private final Map<String, long[]> users = new TreeMap<>();
    private final Map<String, long[]> events = new TreeMap<>();
    private final Map<String, Note> notes = new HashMap<>();

    private record Note(String author, long createdAt) {
    }

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

    /** Gives a note's statistics row its author and time (the row may already exist from earlier replies). */
    void note(String id, String author, long createdAt) {
        notes.put(id, new Note(author, createdAt));
        events.computeIfAbsent(id, k -> new long[EventStat.values().length]);
    }

    void write(Connection c) throws SQLException {
        if (!users.isEmpty()) {
            write(c, "user_stats", "pubkey", List.of(), UserStat.values(), users, (ps, key) -> { });
        }
        if (!events.isEmpty()) {
            write(c, "event_stats", "event_id", List.of("author", "created_at"), EventStat.values(), events, (ps, key) -> {
                Note note = notes.get(key);
                ps.setBytes(2, note == null ? null : Hex.decode(note.author()));
                if (note == null) {
                    ps.setNull(3, Types.BIGINT);
                } else {
                    ps.setLong(3, note.createdAt());
                }
            });
        }
    }

    private interface Attributes {
        void set(PreparedStatement ps, String key) throws SQLException;
    }

    /** One batched upsert: {@code attributes} (set when given, else kept), then the counters, added. */
    private static void write(Connection c, String table, String key, List<String> attributes, Enum<?>[] counters,
                              Map<String, long[]> rows, Attributes setAttributes) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (").append(key);
        attributes.forEach(name -> sql.append(", ").append(name));
        for (Enum<?> column : counters) {
            sql.append(", ").append(column.name());
        }
        sql.append(") VALUES (?").append(", ?".repeat(attributes.size() + counters.length)).append(") ON CONFLICT (")
                .append(key).append(") DO UPDATE SET ");
        List<String> sets = new ArrayList<>();
        attributes.forEach(name -> sets.add(name + " = coalesce(EXCLUDED." + name + ", " + table + '.' + name + ')'));
        for (Enum<?> column : counters) {
            sets.add(column.name() + " = " + table + '.' + column.name() + " + EXCLUDED." + column.name());
        }
        sql.append(String.join(", ", sets));
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (Map.Entry<String, long[]> row : rows.entrySet()) {
                ps.setBytes(1, Hex.decode(row.getKey()));
                setAttributes.set(ps, row.getKey());
                for (int i = 0; i < counters.length; i++) {
                    ps.setLong(i + 2 + attributes.size(), row.getValue()[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
