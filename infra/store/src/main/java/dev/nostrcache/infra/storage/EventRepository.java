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

    private static final String INSERT_EVENT = """
            INSERT INTO events (id, pubkey, created_at, kind, d_tag, json, expires_at, reply_to, root_id,
                                ref_event, ref_pubkey)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";
    private static final String INSERT_TAG = """
            INSERT INTO event_tags (event_id, name, value, kind, created_at) VALUES (?, ?, ?, ?, ?)""";
    private static final String INSERT_SEARCH = """
            INSERT INTO note_search (event_id, document) VALUES (?, to_tsvector('simple', ?))""";

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
        for (int attempt = 0; ; attempt++) {
            if (insert(c, event, key, columns)) {
                return StoreResult.STORED;
            }
            if (exists(c, event.id())) {
                return StoreResult.DUPLICATE;
            }
            // Only a replaceable head can conflict now: lock it and apply newest-wins.
            Head head = lockHead(c, key);
            if (head == null) {
                if (attempt > 3) {
                    throw new SQLException("replaceable head of " + key + " keeps changing; giving up");
                }
                continue; // deleted between our insert and the lock: try the insert again
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

    /**
     * A contact list's {@code p} tags are not written: they are most of the rows a cache would write (hundreds per
     * list), and the {@code follows} table holds exactly the current lists' follows, which is what {@code #p} filters
     * on kind 3 are answered from ({@link dev.nostrcache.infra.query.EventQueries}). Filters accept only pubkeys as
     * {@code #p} values, so a list's malformed {@code p} values, which {@code follows} leaves out, could never match.
     */
    private static void insertTags(Connection c, byte[] id, Event event) throws SQLException {
        Set<List<String>> seen = new HashSet<>();
        boolean contactList = event.kind() == ContactList.KIND;
        try (PreparedStatement ps = c.prepareStatement(INSERT_TAG)) {
            int rows = 0;
            for (List<String> tag : event.tags()) {
                if (!isIndexable(tag) || (contactList && tag.get(0).equals("p"))
                        || !seen.add(List.of(tag.get(0), tag.get(1)))) {
                    continue;
                }
                ps.setBytes(1, id);
                ps.setString(2, tag.get(0));
                ps.setString(3, tag.get(1));
                ps.setInt(4, event.kind());
                ps.setLong(5, event.createdAt());
                ps.addBatch();
                rows++;
            }
            if (rows > 0) {
                ps.executeBatch();
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
