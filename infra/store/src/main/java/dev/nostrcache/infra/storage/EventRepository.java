package dev.nostrcache.infra.storage;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.Expiration;
import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.core.nip.EventRefs;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stores events idempotently and order-independently: insert-if-absent on the id; for replaceable and addressable
 * kinds the newest version wins (tie: lowest id), whatever order versions arrive in. The methods taking a
 * {@link Connection} run inside the caller's transaction, so that statistics can change in the same one.
 */
public final class EventRepository {
    /** Longer tag values are not indexed: a btree entry must stay under PostgreSQL's ~2.7 kB row limit. */
    static final int MAX_INDEXED_TAG_VALUE = 1024;
    /**
     * How many times {@link #store} finds an address's head gone between its insert and its lock before it gives up.
     * Each miss means another writer committed a strictly newer version (or a deletion) in between, so the misses
     * are bounded by the versions racing; callers that hold the address's advisory lock never miss. This only stops
     * a livelock, so it sits far above what racing writers cause (8 threads racing 40 versions missed more than 4).
     */
    static final int MAX_HEAD_MISSES = 64;

    private static final String INSERT_EVENT = """
            INSERT INTO events (id, pubkey, created_at, kind, d_tag, json, expires_at, reply_to, root_id,
                                ref_event, ref_pubkey)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String INSERT_EVENTS = """
            INSERT INTO events (id, pubkey, created_at, kind, d_tag, json, expires_at, reply_to, root_id, ref_event,
                                ref_pubkey)
            SELECT * FROM unnest(?::bytea[], ?::bytea[], ?::bigint[], ?::integer[], ?::text[], ?::text[], ?::bigint[],
                                 ?::bytea[], ?::bytea[], ?::bytea[], ?::bytea[])
            ON CONFLICT DO NOTHING RETURNING id""";
    private static final String INSERT_TAGS = """
            INSERT INTO event_tags (event_id, name, value, kind, created_at)
            SELECT * FROM unnest(?::bytea[], ?::text[], ?::text[], ?::integer[], ?::bigint[])""";
    private static final String INSERT_SEARCH = """
            INSERT INTO note_search (event_id, document) VALUES (?, to_tsvector('simple', ?))""";
    private static final String INSERT_SEARCHES = """
            INSERT INTO note_search (event_id, document)
            SELECT id, to_tsvector('simple', document) FROM unnest(?::bytea[], ?::text[]) AS d(id, document)""";

    private final DataSource dataSource;

    public EventRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Stores {@code event} inside the caller's transaction on {@code c}, with the {@code columns} its kind's projection
     * read from it.
     */
    public StoreResult store(Connection c, Event event, EventColumns columns) throws SQLException {
        if (event.kindClass() == KindClass.EPHEMERAL) {
            return StoreResult.EPHEMERAL;
        }
        ReplacementKey key = event.replacementKey();
        for (int misses = 0; ; ) {
            if (insert(c, event, key, columns)) {
                return StoreResult.STORED;
            }
            if (exists(c, event.id())) {
                return StoreResult.DUPLICATE;
            }
            // Only a replaceable head can conflict now: lock it and apply newest-wins.
            Head head = lockHead(c, key);
            if (head == null) {
                if (++misses >= MAX_HEAD_MISSES) {
                    throw new SQLException("replaceable head of " + key + " changed " + misses
                            + " times between insert and lock; giving up");
                }
                continue; // replaced or deleted between our insert and the lock: try the insert again
            }
            if (!ReplacementKey.supersedes(event.createdAt(), event.id(), head.createdAt(), head.id())) {
                return StoreResult.STALE;
            }
            delete(c, head.id());
            if (!insert(c, event, key, columns)) {
                throw new SQLException("could not insert " + event.id() + " after removing the version it replaces");
            }
            return new StoreResult(StoreResult.Outcome.REPLACED, head.id(), head.json());
        }
    }

    /**
     * Inserts events that are not ephemeral inside the caller's transaction with one statement per table, whatever
     * their number: the set-based path of a batch. Returns, in order, whether each was inserted now. One that was not
     * has its id stored already (possibly earlier in the same list), or, if replaceable or addressable, its address
     * holds a version (stored before, or earlier in the list), which {@link #store} then resolves newest-wins. For a
     * regular event this is equal in effect to {@link #store}: inserted is {@link StoreResult#STORED}, not inserted
     * {@link StoreResult#DUPLICATE}.
     */
    public boolean[] insertAbsent(Connection c, List<Event> events, List<EventColumns> columns) throws SQLException {
        int n = events.size();
        byte[][] ids = new byte[n][];
        byte[][] pubkeys = new byte[n][];
        Long[] createdAt = new Long[n];
        Integer[] kinds = new Integer[n];
        String[] dTags = new String[n];
        String[] json = new String[n];
        Long[] expiresAt = new Long[n];
        byte[][] replyTo = new byte[n][];
        byte[][] root = new byte[n][];
        byte[][] refEvent = new byte[n][];
        byte[][] refPubkey = new byte[n][];
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            if (e.kindClass() == KindClass.EPHEMERAL) {
                throw new IllegalArgumentException("an ephemeral event is never stored: kind " + e.kind());
            }
            ReplacementKey key = e.replacementKey();
            ThreadRefs thread = columns.get(i).thread();
            EventRefs refs = columns.get(i).refs();
            ids[i] = Hex.decode(e.id());
            pubkeys[i] = Hex.decode(e.pubkey());
            createdAt[i] = e.createdAt();
            kinds[i] = e.kind();
            dTags[i] = key == null ? null : key.dTag();
            json[i] = e.toJson();
            expiresAt[i] = Expiration.of(e);
            replyTo[i] = bytesOrNull(thread.replyTo());
            root[i] = bytesOrNull(thread.root());
            refEvent[i] = bytesOrNull(refs.event());
            refPubkey[i] = bytesOrNull(refs.author());
        }
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENTS)) {
            ps.setArray(1, c.createArrayOf("bytea", ids));
            ps.setArray(2, c.createArrayOf("bytea", pubkeys));
            ps.setArray(3, c.createArrayOf("bigint", createdAt));
            ps.setArray(4, c.createArrayOf("integer", kinds));
            ps.setArray(5, c.createArrayOf("text", dTags));
            ps.setArray(6, c.createArrayOf("text", json));
            ps.setArray(7, c.createArrayOf("bigint", expiresAt));
            ps.setArray(8, c.createArrayOf("bytea", replyTo));
            ps.setArray(9, c.createArrayOf("bytea", root));
            ps.setArray(10, c.createArrayOf("bytea", refEvent));
            ps.setArray(11, c.createArrayOf("bytea", refPubkey));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(Hex.encode(rs.getBytes(1)));
                }
            }
        }
        boolean[] results = new boolean[n];
        TagRows tags = new TagRows();
        List<byte[]> searchIds = new ArrayList<>();
        List<String> searchTexts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = events.get(i);
            if (!inserted.remove(e.id())) {
                continue;
            }
            results[i] = true;
            tags.add(ids[i], e);
            if (columns.get(i).searchable()) {
                searchIds.add(ids[i]);
                searchTexts.add(withoutNul(e.content()));
            }
        }
        tags.insert(c);
        if (!searchIds.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_SEARCHES)) {
                ps.setArray(1, c.createArrayOf("bytea", searchIds.toArray(byte[][]::new)));
                ps.setArray(2, c.createArrayOf("text", searchTexts.toArray(String[]::new)));
                ps.executeUpdate();
            }
        }
        return results;
    }

    private static byte[] bytesOrNull(String hex) {
        return hex == null ? null : Hex.decode(hex);
    }

    /** Which of {@code ids} (hex) are stored, in one statement. */
    public Set<String> storedIds(Collection<String> ids) throws SQLException {
        Set<String> stored = new HashSet<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM events WHERE id = ANY(?)")) {
            ps.setArray(1, c.createArrayOf("bytea", ids.stream().map(Hex::decode).toArray(byte[][]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.add(Hex.encode(rs.getBytes(1)));
                }
            }
        }
        return stored;
    }

    /** The stored wire JSON of an event, if present. */
    public Optional<String> findJson(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT json FROM events WHERE id = ?")) {
            ps.setBytes(1, Hex.decode(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The current version of a replaceable or addressable event, if any. */
    public Optional<String> findCurrentJson(ReplacementKey key) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT json FROM events WHERE pubkey = ? AND kind = ? AND d_tag = ?")) {
            ps.setBytes(1, Hex.decode(key.pubkey()));
            ps.setInt(2, key.kind());
            ps.setString(3, key.dTag());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    public long count() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM events");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean insert(Connection c, Event event, ReplacementKey key, EventColumns columns) throws SQLException {
        byte[] id = Hex.decode(event.id());
        ThreadRefs thread = columns.thread();
        try (PreparedStatement ps = c.prepareStatement(INSERT_EVENT)) {
            ps.setBytes(1, id);
            ps.setBytes(2, Hex.decode(event.pubkey()));
            ps.setLong(3, event.createdAt());
            ps.setInt(4, event.kind());
            ps.setString(5, key == null ? null : key.dTag());
            ps.setString(6, event.toJson());
            Long expiresAt = Expiration.of(event);
            if (expiresAt == null) {
                ps.setNull(7, Types.BIGINT);
            } else {
                ps.setLong(7, expiresAt);
            }
            ps.setBytes(8, thread.replyTo() == null ? null : Hex.decode(thread.replyTo()));
            ps.setBytes(9, thread.root() == null ? null : Hex.decode(thread.root()));
            EventRefs refs = columns.refs();
            ps.setBytes(10, refs.event() == null ? null : Hex.decode(refs.event()));
            ps.setBytes(11, refs.author() == null ? null : Hex.decode(refs.author()));
            if (ps.executeUpdate() == 0) {
                return false;
            }
        }
        insertTags(c, id, event);
        if (columns.searchable()) {
            try (PreparedStatement ps = c.prepareStatement(INSERT_SEARCH)) {
                ps.setBytes(1, id);
                ps.setString(2, withoutNul(event.content()));
                ps.executeUpdate();
            }
        }
        return true;
    }

    private static void insertTags(Connection c, byte[] id, Event event) throws SQLException {
        TagRows rows = new TagRows();
        rows.add(id, event);
        rows.insert(c);
    }

    /**
     * The {@code event_tags} rows of some events, written in one statement: each event's indexable tags, once per
     * name and value. A contact list's {@code p} tags are not written: they are most of the rows a cache would write
     * (hundreds per list), and the {@code follows} table holds exactly the current lists' follows, which is what
     * {@code #p} filters on kind 3 are answered from ({@link dev.nostrcache.infra.query.EventQueries}). Filters accept
     * only pubkeys as {@code #p} values, so a list's malformed {@code p} values, which {@code follows} leaves out,
     * could never match.
     */
    private static final class TagRows {
        private final List<byte[]> ids = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final List<String> values = new ArrayList<>();
        private final List<Integer> kinds = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();

        void add(byte[] id, Event event) {
            Set<List<String>> seen = new HashSet<>();
            boolean contactList = event.kind() == ContactList.KIND;
            for (List<String> tag : event.tags()) {
                if (!isIndexable(tag) || (contactList && tag.get(0).equals("p"))
                        || !seen.add(List.of(tag.get(0), tag.get(1)))) {
                    continue;
                }
                ids.add(id);
                names.add(tag.get(0));
                values.add(tag.get(1));
                kinds.add(event.kind());
                times.add(event.createdAt());
            }
        }

        void insert(Connection c) throws SQLException {
            if (ids.isEmpty()) {
                return;
            }
            try (PreparedStatement ps = c.prepareStatement(INSERT_TAGS)) {
                ps.setArray(1, c.createArrayOf("bytea", ids.toArray(byte[][]::new)));
                ps.setArray(2, c.createArrayOf("text", names.toArray(String[]::new)));
                ps.setArray(3, c.createArrayOf("text", values.toArray(String[]::new)));
                ps.setArray(4, c.createArrayOf("integer", kinds.toArray(Integer[]::new)));
                ps.setArray(5, c.createArrayOf("bigint", times.toArray(Long[]::new)));
                ps.executeUpdate();
            }
        }
    }

    /** Single-letter tags with a first value PostgreSQL can hold and index (no U+0000, bounded length). */
    static boolean isIndexable(List<String> tag) {
        if (tag.size() < 2 || tag.get(0).length() != 1) {
            return false;
        }
        char name = tag.get(0).charAt(0);
        String value = tag.get(1);
        return ((name >= 'a' && name <= 'z') || (name >= 'A' && name <= 'Z'))
                && value.length() <= MAX_INDEXED_TAG_VALUE && value.indexOf('\0') < 0;
    }

    private static String withoutNul(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace("\0", " ");
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM events WHERE id = ?")) {
            ps.setBytes(1, Hex.decode(id));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Head lockHead(Connection c, ReplacementKey key) throws SQLException {
        if (key == null) {
            throw new SQLException("a regular event conflicted on something other than its id");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, created_at, json FROM events WHERE pubkey = ? AND kind = ? AND d_tag = ? FOR UPDATE")) {
            ps.setBytes(1, Hex.decode(key.pubkey()));
            ps.setInt(2, key.kind());
            ps.setString(3, key.dTag());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Head(Hex.encode(rs.getBytes(1)), rs.getLong(2), rs.getString(3)) : null;
            }
        }
    }

    /** Removes a stored event and, by cascade, its tags, search document and zap row. */
    public static void delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM events WHERE id = ?")) {
            ps.setBytes(1, Hex.decode(id));
            ps.executeUpdate();
        }
    }

    private record Head(String id, long createdAt, String json) {
    }
}
