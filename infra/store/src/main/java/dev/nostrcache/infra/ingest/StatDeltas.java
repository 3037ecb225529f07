package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Key32;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counter changes collected while a transaction's events are processed, with the notes whose statistics rows get
 * their author and time, then written in one pass per table, keys in sorted order, so that concurrent transactions
 * lock counter rows in the same order and do not deadlock each other.
 */
final class StatDeltas {
    /** Counter columns of user_stats; the names are SQL identifiers, never user input. */
    enum UserStat { followers_count, follows_count, note_count, reply_count, long_form_note_count,
        reactions_received, reposts_received, zaps_received, zapped_msats }

    /** Counter columns of event_stats; quotes are what Primal calls an event's mentions. */
    enum EventStat { replies, reactions, reposts, zaps, zapped_msats, quotes }

    /**
     * Hash maps of {@link Key32}, sorted once when written: a transaction of contact lists adds tens of thousands of
     * follower changes, and a sorted map's inserts of 64-character keys were a tenth of the JVM's samples importing
     * them; hashing and sorting the keys as strings in hash maps was still a fifth of the contacts function's.
     */
    private final Map<Key32, long[]> users = new HashMap<>();
    private final Map<Key32, long[]> events = new HashMap<>();
    private final Map<Key32, Note> notes = new HashMap<>();

    private record Note(String author, long createdAt) {
    }

    void user(String pubkey, UserStat stat, long delta) {
        if (pubkey != null && delta != 0) {
            user(Key32.ofHex(pubkey), stat, delta);
        }
    }

    void user(Key32 pubkey, UserStat stat, long delta) {
        if (delta != 0) {
            users.computeIfAbsent(pubkey, k -> new long[UserStat.values().length])[stat.ordinal()] += delta;
        }
    }

    void event(String id, EventStat stat, long delta) {
        if (id != null && delta != 0) {
            events.computeIfAbsent(Key32.ofHex(id), k -> new long[EventStat.values().length])[stat.ordinal()] += delta;
        }
    }

    /** Gives a note's statistics row its author and time (the row may already exist from earlier replies). */
    void note(String id, String author, long createdAt) {
        Key32 key = Key32.ofHex(id);
        notes.put(key, new Note(author, createdAt));
        events.computeIfAbsent(key, k -> new long[EventStat.values().length]);
    }

    void write(Connection c) throws SQLException {
        if (!users.isEmpty()) {
            write(c, "user_stats", "pubkey", List.of(), UserStat.values(), sortedKeys(users), users);
        }
        if (!events.isEmpty()) {
            Key32[] ids = sortedKeys(events);
            byte[][] authors = new byte[ids.length][];
            Long[] times = new Long[ids.length];
            int i = 0;
            for (Key32 id : ids) {
                Note note = notes.get(id);
                authors[i] = note == null ? null : Hex.decode(note.author());
                times[i++] = note == null ? null : note.createdAt();
            }
            write(c, "event_stats", "event_id", List.of(new Attribute("author", "bytea", c.createArrayOf("bytea", authors)),
                    new Attribute("created_at", "bigint", c.createArrayOf("bigint", times))), EventStat.values(), ids, events);
        }
    }

    /** In their bytes' order, which is the order PostgreSQL's index of the column keeps. */
    private static Key32[] sortedKeys(Map<Key32, long[]> rows) {
        Key32[] keys = rows.keySet().toArray(Key32[]::new);
        Arrays.sort(keys);
        return keys;
    }

    /** A column set when given, else kept: its SQL type and its values in the order of the keys. */
    private record Attribute(String name, String type, Array values) {
    }

    /**
     * One set-based upsert of every row, keys in sorted order (unnest keeps the order of its arrays): the attributes,
     * then the counters, added. Only the counters some row changes are sent and set (a new row's others are 0 by
     * default): a transaction of contact lists changes two of user_stats' nine for about 23,000 rows.
     */
    private static void write(Connection c, String table, String key, List<Attribute> attributes, Enum<?>[] counters,
                              Key32[] keys, Map<Key32, long[]> rows) throws SQLException {
        long[][] values = new long[keys.length][];
        byte[][] keyBytes = new byte[keys.length][];
        boolean[] changed = new boolean[counters.length];
        for (int k = 0; k < keys.length; k++) {
            keyBytes[k] = keys[k].bytes();
            values[k] = rows.get(keys[k]);
            for (int i = 0; i < counters.length; i++) {
                changed[i] |= values[k][i] != 0;
            }
        }
        List<String> columns = new ArrayList<>(List.of(key));
        List<String> types = new ArrayList<>(List.of("bytea"));
        List<String> sets = new ArrayList<>();
        for (Attribute a : attributes) {
            columns.add(a.name());
            types.add(a.type());
            sets.add(a.name() + " = coalesce(EXCLUDED." + a.name() + ", " + table + '.' + a.name() + ')');
        }
        for (int i = 0; i < counters.length; i++) {
            if (changed[i]) {
                String column = counters[i].name();
                columns.add(column);
                types.add("bigint");
                sets.add(column + " = " + table + '.' + column + " + EXCLUDED." + column);
            }
        }
        String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") SELECT * FROM unnest("
                + String.join(", ", types.stream().map(t -> "?::" + t + "[]").toList()) + ") ON CONFLICT (" + key
                + (sets.isEmpty() ? ") DO NOTHING" : ") DO UPDATE SET " + String.join(", ", sets));
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int parameter = 1;
            ps.setArray(parameter++, c.createArrayOf("bytea", keyBytes));
            for (Attribute a : attributes) {
                ps.setArray(parameter++, a.values());
            }
            for (int i = 0; i < counters.length; i++) {
                if (changed[i]) {
                    Long[] column = new Long[keys.length];
                    for (int k = 0; k < keys.length; k++) {
                        column[k] = values[k][i];
                    }
                    ps.setArray(parameter++, c.createArrayOf("bigint", column));
                }
            }
            ps.executeUpdate();
        }
    }
}
