package dev.nostrcache.infra.primal;

import dev.nostrcache.core.Hex;
import org.postgresql.PGStatement;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads behind the Primal API, one statement each, over the same tables ingest maintains. Expired events
 * (NIP-40) are left out at read time, as in the NIP-01 queries; deleted and superseded ones are not stored.
 */
final class PrimalQueries {
    /**
     * One stored event with the columns the bundle needs, and its counters when the statement read them too (a feed
     * page: {@link PrimalQueries#withStats}), else null.
     */
    record Row(String id, String pubkey, int kind, long createdAt, String json, String replyTo, String refEvent,
               EventStats stats) {
        Row(String id, String pubkey, int kind, long createdAt, String json, String replyTo, String refEvent) {
            this(id, pubkey, kind, createdAt, json, replyTo, refEvent, null);
        }
    }

    record EventStats(long replies, long reactions, long reposts, long zaps, long zappedMsats, long mentions) {
        static final EventStats NONE = new EventStats(0, 0, 0, 0, 0, 0);
    }

    record Actions(boolean replied, boolean liked, boolean reposted, boolean zapped) {
    }

    record UserStats(long followers, long follows, long notes, long replies, long longForm, long zaps,
                     long zappedMsats, Long timeJoined, long relays, long contentZaps) {
    }

    record Zap(String receiptId, String receiptJson, long createdAt, String sender, String receiver, long amountMsats,
               String targetEvent) {
    }

    /**
     * Which events a feed takes: by the follows of a pubkey, by one author, by the {@value #MOST_FOLLOWED_ACCOUNTS}
     * most-followed accounts the cache holds, or by anyone; replies in, out, or only.
     */
    enum Authors { FOLLOWS_OF, AUTHOR, MOST_FOLLOWED, ANYONE }

    static final int MOST_FOLLOWED_ACCOUNTS = 100;

    enum Replies { EXCLUDE, INCLUDE, ONLY }

    static final String COLUMNS = "encode(e.id, 'hex'), encode(e.pubkey, 'hex'), e.kind, e.created_at, e.json, "
            + "encode(e.reply_to, 'hex'), encode(e.ref_event, 'hex')";
    /** An event's counters, in {@link #stats}'s order. */
    private static final String STAT_COLUMNS = "s.replies, s.reactions, s.reposts, s.zaps, s.zapped_msats, s.quotes";
    private static final String LIVE = " (e.expires_at IS NULL OR e.expires_at > ?) ";

    private static final String FOLLOW_SET = "follows";
    /** Follow sets kept at most, and the largest kept: at worst about 40 MB of keys (larger sets are read each time). */
    private static final int KEPT_FOLLOW_SETS = 256;
    private static final int MAX_KEPT_FOLLOWS = 2_000;

    private static final int AUTHORS_ESTIMATE_MINUTES = 10;

    private final DataSource dataSource;
    private final Clock clock;
    private volatile int timeWalkFollows;
    private volatile long timeWalkFollowsUntil;
    /** Follow sets read for feeds, by follower; every stored contact list clears them ({@link #forgetFollowSets}). */
    private final HotCache<List<byte[]>> followSets;

    PrimalQueries(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.followSets = new HotCache<>(clock, HotCache.TTL, KEPT_FOLLOW_SETS, List::size, MAX_KEPT_FOLLOWS);
    }

    void forgetFollowSets() {
        followSets.clear();
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps, Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> list(String sql, Binder binder, Reader<T> reader) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps, c);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(reader.read(rs));
                }
            }
            return out;
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                rs.getString(7));
    }

    private static Row rowWithStats(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), rs.getString(5), rs.getString(6),
                rs.getString(7), stats(rs, 8));
    }

    /** The {@link #STAT_COLUMNS} from column {@code first} on; an event without a counters row counts nothing. */
    private static EventStats stats(ResultSet rs, int first) throws SQLException {
        return new EventStats(rs.getLong(first), rs.getLong(first + 1), rs.getLong(first + 2), rs.getLong(first + 3),
                rs.getLong(first + 4), rs.getLong(first + 5));
    }

    /**
     * A page of events with their counters in one statement: {@code page} selects the events' rows as {@code e} from
     * {@code FROM} on, ordered and limited; their counters are joined to that page's rows alone. A feed read its notes
     * and then their counters in two statements: 0.76-0.84 ms against 0.56-0.59 for this one (pgbench, the benchmark's
     * feed of 498 follows).
     */
    private static String withStats(String page) {
        return "SELECT " + COLUMNS + ", " + STAT_COLUMNS
                + " FROM (SELECT e.id, e.pubkey, e.kind, e.created_at, e.json, e.reply_to, e.ref_event " + page + ") e"
                + " LEFT JOIN event_stats s ON s.event_id = e.id ORDER BY e.created_at DESC, e.id";
    }

    private static List<byte[]> pubkeys(ResultSet rs) throws SQLException {
        return Arrays.stream((Object[]) rs.getArray(1).getArray()).map(byte[].class::cast).toList();
    }

    private static Array bytes(Connection c, Collection<String> hex) throws SQLException {
        return c.createArrayOf("bytea", hex.stream().map(Hex::decode).toArray(byte[][]::new));
    }

    List<Row> byIds(Collection<String> ids, long now) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.id = ANY (?) AND" + LIVE, (ps, c) -> {
            ps.setArray(1, bytes(c, ids));
            ps.setLong(2, now);
        }, PrimalQueries::row);
    }

    /** Events between since and until, oldest first (the {@code events} op without ids). */
    List<Row> between(long since, long until, int limit, int offset, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.created_at BETWEEN ? AND ? AND" + LIVE
                + "ORDER BY e.created_at, e.id LIMIT ? OFFSET ?", (ps, c) -> {
            ps.setLong(1, since);
            ps.setLong(2, until);
            ps.setLong(3, now);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
        }, PrimalQueries::row);
    }

    /** The current kind 0 of each pubkey that has one. */
    Map<String, Row> profiles(Collection<String> pubkeys) throws SQLException {
        Map<String, Row> out = new LinkedHashMap<>();
        if (pubkeys.isEmpty()) {
            return out;
        }
        for (Row r : list("SELECT " + COLUMNS + " FROM profiles p JOIN events e ON e.id = p.event_id WHERE p.pubkey = ANY (?)",
                (ps, c) -> ps.setArray(1, bytes(c, pubkeys)), PrimalQueries::row)) {
            out.put(r.pubkey(), r);
        }
        return out;
    }

    Map<String, Long> followerCounts(Collection<String> pubkeys) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        if (pubkeys.isEmpty()) {
            return out;
        }
        for (Object[] r : list("SELECT encode(pubkey, 'hex'), followers_count FROM user_stats WHERE pubkey = ANY (?)",
                (ps, c) -> ps.setArray(1, bytes(c, pubkeys)), rs -> new Object[]{rs.getString(1), rs.getLong(2)})) {
            out.put((String) r[0], (Long) r[1]);
        }
        return out;
    }

    UserStats userStats(String pubkey) throws SQLException {
        return list("""
                SELECT coalesce(s.followers_count, 0), coalesce(s.follows_count, 0), coalesce(s.note_count, 0),
                       coalesce(s.reply_count, 0), coalesce(s.long_form_note_count, 0), coalesce(s.zaps_received, 0),
                       coalesce(s.zapped_msats, 0),
                       (SELECT min(created_at) FROM events WHERE pubkey = k.pk AND kind = 1),
                       (SELECT count(*) FROM user_relays WHERE pubkey = k.pk),
                       (SELECT count(*) FROM zaps WHERE recipient = k.pk AND target_event IS NOT NULL)
                FROM (SELECT ?::bytea AS pk) k LEFT JOIN user_stats s ON s.pubkey = k.pk""",
                (ps, c) -> ps.setBytes(1, Hex.decode(pubkey)), rs -> {
                    long joined = rs.getLong(8);
                    Long timeJoined = rs.wasNull() ? null : joined;
                    return new UserStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), timeJoined, rs.getLong(9), rs.getLong(10));
                }).getFirst();
    }

    Map<String, EventStats> eventStats(Collection<String> ids) throws SQLException {
        Map<String, EventStats> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (Object[] r : list("SELECT encode(i.id, 'hex'), " + STAT_COLUMNS
                        + " FROM unnest(?::bytea[]) AS i(id) LEFT JOIN event_stats s ON s.event_id = i.id",
                (ps, c) -> ps.setArray(1, bytes(c, ids)), rs -> new Object[]{rs.getString(1), stats(rs, 2)})) {
            out.put((String) r[0], (EventStats) r[1]);
        }
        return out;
    }

    /** What {@code viewer} has done to each event; events with no action are absent. */
    Map<String, Actions> viewerActions(String viewer, Collection<String> ids) throws SQLException {
        Map<String, Actions> out = new HashMap<>();
        if (viewer == null || ids.isEmpty()) {
            return out;
        }
        for (Object[] r : list("""
                SELECT encode(t.id, 'hex'),
                       EXISTS (SELECT 1 FROM events e WHERE e.pubkey = v.pk AND e.kind = 1 AND e.reply_to = t.id),
                       EXISTS (SELECT 1 FROM events e WHERE e.pubkey = v.pk AND e.kind = 7 AND e.ref_event = t.id),
                       EXISTS (SELECT 1 FROM events e WHERE e.pubkey = v.pk AND e.kind IN (6, 16) AND e.ref_event = t.id),
                       EXISTS (SELECT 1 FROM zaps z WHERE z.sender = v.pk AND z.target_event = t.id)
                FROM unnest(?::bytea[]) AS t(id), (SELECT ?::bytea AS pk) v""", (ps, c) -> {
            ps.setArray(1, bytes(c, ids));
            ps.setBytes(2, Hex.decode(viewer));
        }, rs -> new Object[]{rs.getString(1), new Actions(rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
                rs.getBoolean(5))})) {
            Actions a = (Actions) r[1];
            if (a.replied() || a.liked() || a.reposted() || a.zapped()) {
                out.put((String) r[0], a);
            }
        }
        return out;
    }

    /**
     * How a feed of the follows of a pubkey finds its notes.
     * <ul>
     * <li>{@code FOLLOW_ARRAY}: the follow set goes into the statement as an array, planned afresh with its values (a
     * custom plan), so PostgreSQL hashes it and chooses with its statistics between probing each author's notes
     * ({@code events_pubkey_kind_created}) and walking the notes newest first. Parsing and planning the array grows
     * with it: 1.45 ms a feed for 498 follows on the benchmark's corpus, more than the walk itself.</li>
     * <li>{@code TIME_WALK}: the statement names the follower; PostgreSQL reads the set from {@code follow_lists}
     * into a hash (a hashed subplan, kept from being turned into a join by {@code IS TRUE}) and walks the notes newest
     * first ({@code events_root_notes} for root notes and reposts). 0.37 ms for the same 498 follows; but it walks
     * regardless of how rare the follows' notes are (1.79 ms for 50 follows against 0.54 through the array).</li>
     * </ul>
     */
    enum FollowsBy { FOLLOW_ARRAY, TIME_WALK }

    /**
     * A feed page, newest first (ties by id). For the follows of a pubkey, {@link FollowsBy#TIME_WALK} from
     * {@link #timeWalkFollows()} follows on, the array below it. Tried and worse: the array statement with a generic
     * plan, or {@code IN (SELECT ...)} left to become a join, which probe the follow graph or every author's index
     * instead (some 4,000 buffers, five times the time, on the benchmark).
     */
    List<Row> feed(Authors authors, String pubkey, List<Integer> kinds, Replies replies, Params.Page page, int limit,
                   long now) throws SQLException {
        List<byte[]> followed = authors == Authors.FOLLOWS_OF ? followed(pubkey) : List.of();
        if (authors == Authors.FOLLOWS_OF && followed.isEmpty()) {
            return List.of();
        }
        FollowsBy by = authors == Authors.FOLLOWS_OF && followed.size() >= timeWalkFollows()
                ? FollowsBy.TIME_WALK : FollowsBy.FOLLOW_ARRAY;
        return feed(authors, pubkey, followed, by, kinds, replies, page, limit, now);
    }

    /** A feed page with the follows (of {@code pubkey}, {@code followed}) found as {@code by} says. */
    List<Row> feed(Authors authors, String pubkey, List<byte[]> followed, FollowsBy by, List<Integer> kinds,
                   Replies replies, Params.Page page, int limit, long now) throws SQLException {
        String replyClause = switch (replies) {
            case EXCLUDE -> " AND e.reply_to IS NULL";
            case INCLUDE -> "";
            case ONLY -> " AND e.reply_to IS NOT NULL";
        };
        if (authors == Authors.FOLLOWS_OF && by == FollowsBy.TIME_WALK) {
            return timeWalk(pubkey, kinds, replyClause, page, limit, now);
        }
        String who = switch (authors) {
            case FOLLOWS_OF -> "e.pubkey = ANY (?) AND ";
            case AUTHOR -> "e.pubkey = ? AND ";
            case MOST_FOLLOWED -> "e.pubkey IN (SELECT pubkey FROM user_stats ORDER BY followers_count DESC, pubkey LIMIT "
                    + MOST_FOLLOWED_ACCOUNTS + ") AND ";
            case ANYONE -> "";
        };
        return list(withStats("FROM events e WHERE " + who + "e.kind = ANY (?) AND e.created_at BETWEEN ? AND ?"
                + replyClause + " AND" + LIVE + "ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?"), (ps, c) -> {
            int i = 1;
            if (authors == Authors.FOLLOWS_OF) {
                ps.unwrap(PGStatement.class).setPrepareThreshold(0);
                ps.setArray(i++, c.createArrayOf("bytea", followed.toArray(byte[][]::new)));
            } else if (authors == Authors.AUTHOR) {
                ps.setBytes(i++, Hex.decode(pubkey));
            }
            ps.setArray(i++, c.createArrayOf("integer", kinds.toArray()));
            ps.setLong(i++, page.since());
            ps.setLong(i++, page.until());
            ps.setLong(i++, now);
            ps.setInt(i++, limit);
            ps.setInt(i, page.offset());
        }, PrimalQueries::rowWithStats);
    }

    /**
     * {@link FollowsBy#TIME_WALK}. Every value the plan depends on is either in the text (the kinds, which also lets
     * the planner use the partial index {@code events_root_notes}, the limit and the offset: a handful of variants) or
     * out of the planner's sight ({@code (SELECT ?)}, an init plan, for the times), so the plan does not depend on the
     * values at all and PostgreSQL keeps one per connection (a generic plan, after its five custom ones) instead of
     * planning every feed: 0.38-0.40 ms a feed against 0.51-0.63 (pgbench, 498 follows).
     */
    private List<Row> timeWalk(String follower, List<Integer> kinds, String replyClause, Params.Page page, int limit,
                               long now) throws SQLException {
        if (kinds.isEmpty()) {
            return List.of();
        }
        StringBuilder kindList = new StringBuilder();
        for (int kind : kinds) {
            kindList.append(kindList.isEmpty() ? "" : ", ").append(kind);
        }
        return list(withStats("FROM events e"
                + " WHERE (e.pubkey IN (SELECT unnest(l.followed) FROM follow_lists l WHERE l.follower = ?)) IS TRUE"
                + " AND e.kind IN (" + kindList + ") AND e.created_at BETWEEN (SELECT ?::bigint) AND (SELECT ?::bigint)"
                + replyClause + " AND (e.expires_at IS NULL OR e.expires_at > (SELECT ?::bigint))"
                + " ORDER BY e.created_at DESC, e.id LIMIT " + limit + " OFFSET " + page.offset()), (ps, c) -> {
            ps.setBytes(1, Hex.decode(follower));
            ps.setLong(2, page.since());
            ps.setLong(3, page.until());
            ps.setLong(4, now);
        }, PrimalQueries::rowWithStats);
    }

    /**
     * From how many follows a feed walks the notes by time. Walking steps over about {@code limit * authors / follows}
     * notes (the follows' share of them); probing each author reads about {@code follows * limit}: the two meet near
     * the square root of the number of authors (on the benchmark's corpus, 22,000 authors: 148; measured, the walk
     * loses at 100 follows, 0.99 ms against 0.87, and wins at 200, 0.61 against 1.03). The number of authors is
     * PostgreSQL's estimate from its statistics of {@code events.pubkey}, read again every
     * {@value #AUTHORS_ESTIMATE_MINUTES} minutes; without statistics (a database not analysed yet) feeds keep the array.
     */
    int timeWalkFollows() throws SQLException {
        long now = clock.millis();
        if (now >= timeWalkFollowsUntil) {
            Double authors = list("""
                    SELECT CASE WHEN s.n_distinct < 0 THEN -s.n_distinct * c.reltuples ELSE s.n_distinct END
                    FROM pg_stats s JOIN pg_class c ON c.oid = 'events'::regclass
                    WHERE s.schemaname = current_schema() AND s.tablename = 'events' AND s.attname = 'pubkey'""",
                    (ps, c) -> { }, rs -> rs.getDouble(1)).stream().findFirst().orElse(null);
            timeWalkFollows = authors == null ? Integer.MAX_VALUE : (int) Math.max(1, Math.ceil(Math.sqrt(authors)));
            timeWalkFollowsUntil = now + AUTHORS_ESTIMATE_MINUTES * 60_000L;
        }
        return timeWalkFollows;
    }

    private List<byte[]> followed(String follower) throws SQLException {
        List<byte[]> followed = followSets.peek(FOLLOW_SET, follower);
        if (followed == null) {
            followed = list("SELECT followed FROM follow_lists WHERE follower = ?",
                    (ps, c) -> ps.setBytes(1, Hex.decode(follower)), PrimalQueries::pubkeys).stream().findFirst()
                    .orElse(List.of());
            followSets.put(FOLLOW_SET, follower, followed);
        }
        return followed;
    }

    /** Whether the cache holds a contact list of {@code pubkey} that follows anyone. */
    boolean followsAnyone(String pubkey) throws SQLException {
        return !list("SELECT 1 FROM follow_lists WHERE follower = ?", (ps, c) -> ps.setBytes(1, Hex.decode(pubkey)),
                rs -> 1).isEmpty();
    }

    /** Direct replies to an event, newest first. */
    List<Row> replies(String eventId, Params.Page page, int limit, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.reply_to = ? AND e.kind = 1 AND e.created_at BETWEEN ? AND ?"
                + " AND" + LIVE + "ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?", (ps, c) -> {
            ps.setBytes(1, Hex.decode(eventId));
            ps.setLong(2, page.since());
            ps.setLong(3, page.until());
            ps.setLong(4, now);
            ps.setInt(5, limit);
            ps.setInt(6, page.offset());
        }, PrimalQueries::row);
    }

    /**
     * Notes answering an article, newest first: NIP-10 replies to its id, or notes naming its address in an {@code a}
     * tag ({@code kind:pubkey:identifier}).
     */
    List<Row> articleReplies(Row article, String address, Params.Page page, int limit, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.kind = 1 AND e.created_at BETWEEN ? AND ? AND" + LIVE
                + "AND (e.reply_to = ? OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND t.name = 'a'"
                + " AND t.value = ?)) ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?", (ps, c) -> {
            ps.setLong(1, page.since());
            ps.setLong(2, page.until());
            ps.setLong(3, now);
            ps.setBytes(4, Hex.decode(article.id()));
            ps.setString(5, address);
            ps.setInt(6, limit);
            ps.setInt(7, page.offset());
        }, PrimalQueries::row);
    }

    /** Events of {@code kind} naming an address in an {@code a} tag, newest first. */
    List<Row> addressing(int kind, String address, int limit, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.kind = ? AND" + LIVE + "AND EXISTS (SELECT 1 FROM event_tags t"
                + " WHERE t.event_id = e.id AND t.name = 'a' AND t.value = ?) ORDER BY e.created_at DESC, e.id LIMIT ?", (ps, c) -> {
            ps.setInt(1, kind);
            ps.setLong(2, now);
            ps.setString(3, address);
            ps.setInt(4, limit);
        }, PrimalQueries::row);
    }

    /** The event and the chain of events it replies to, root first; stops where a parent is not stored. */
    List<Row> parentChain(String eventId, long now) throws SQLException {
        List<Row> chain = list("""
                WITH RECURSIVE chain(id, depth) AS (
                    SELECT ?::bytea, 0
                    UNION ALL
                    SELECT e.reply_to, chain.depth + 1 FROM chain JOIN events e ON e.id = chain.id
                    WHERE e.reply_to IS NOT NULL AND chain.depth < 100)
                SELECT""" + " " + COLUMNS + " FROM chain JOIN events e ON e.id = chain.id WHERE" + LIVE
                + "ORDER BY chain.depth DESC", (ps, c) -> {
            ps.setBytes(1, Hex.decode(eventId));
            ps.setLong(2, now);
        }, PrimalQueries::row);
        return chain;
    }

    /** Notes matching every word of {@code query} (NIP-50 style), newest first. */
    List<Row> searchNotes(String query, Params.Page page, int limit, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM note_search s JOIN events e ON e.id = s.event_id"
                + " WHERE s.document @@ plainto_tsquery('simple', ?) AND e.created_at BETWEEN ? AND ? AND" + LIVE
                + "ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?", (ps, c) -> {
            ps.setString(1, query);
            ps.setLong(2, page.since());
            ps.setLong(3, page.until());
            ps.setLong(4, now);
            ps.setInt(5, limit);
            ps.setInt(6, page.offset());
        }, PrimalQueries::row);
    }

    /** Events matching a search in Primal's syntax within the page's times, newest first. */
    List<Row> advancedSearch(SearchQuery q, Params.Page page, int limit, long now) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM events e WHERE e.kind = ANY (?)"
                + " AND e.created_at BETWEEN ? AND ? AND" + LIVE);
        if (!q.authors().isEmpty()) {
            sql.append("AND e.pubkey = ANY (?) ");
        }
        q.hashtags().forEach(tag -> sql.append("AND EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id"
                + " AND t.name = 't' AND lower(t.value) = ?) "));
        if (!q.words().isEmpty()) {
            sql.append("AND EXISTS (SELECT 1 FROM note_search s WHERE s.event_id = e.id"
                    + " AND s.document @@ plainto_tsquery('simple', ?)) ");
        }
        q.excluded().forEach(word -> sql.append("AND NOT EXISTS (SELECT 1 FROM note_search s WHERE s.event_id = e.id"
                + " AND s.document @@ plainto_tsquery('simple', ?)) "));
        sql.append("ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?");
        return list(sql.toString(), (ps, c) -> {
            int i = 1;
            ps.setArray(i++, c.createArrayOf("integer", q.kinds().toArray()));
            ps.setLong(i++, Math.max(page.since(), q.since() == null ? 0 : q.since()));
            ps.setLong(i++, Math.min(page.until(), q.until() == null ? Long.MAX_VALUE : q.until()));
            ps.setLong(i++, now);
            if (!q.authors().isEmpty()) {
                ps.setArray(i++, bytes(c, q.authors()));
            }
            for (String tag : q.hashtags()) {
                ps.setString(i++, tag);
            }
            if (!q.words().isEmpty()) {
                ps.setString(i++, String.join(" ", q.words()).replace("\0", " "));
            }
            for (String word : q.excluded()) {
                ps.setString(i++, word.replace("\0", " "));
            }
            ps.setInt(i++, limit);
            ps.setInt(i, page.offset());
        }, PrimalQueries::row);
    }

    /** Pubkeys whose profile matches {@code query}, most followed first; optionally only among someone's follows. */
    List<String> searchUsers(String query, int limit, String withinFollowsOf) throws SQLException {
        String within = withinFollowsOf == null ? ""
                : " AND p.pubkey = ANY ((SELECT followed FROM follow_lists WHERE follower = ?)::bytea[])";
        return list("SELECT encode(p.pubkey, 'hex') FROM profiles p LEFT JOIN user_stats s ON s.pubkey = p.pubkey"
                + " WHERE p.search @@ plainto_tsquery('simple', ?)" + within
                + " ORDER BY coalesce(s.followers_count, 0) DESC, p.pubkey LIMIT ?", (ps, c) -> {
            int i = 1;
            ps.setString(i++, query);
            if (withinFollowsOf != null) {
                ps.setBytes(i++, Hex.decode(withinFollowsOf));
            }
            ps.setInt(i, limit);
        }, rs -> rs.getString(1));
    }

    /** Followers of {@code pubkey}: mutual follows first, then by their own follower count. */
    List<String> followers(String pubkey, int limit) throws SQLException {
        return list("""
                SELECT encode(f.follower, 'hex') FROM follow_lists f
                LEFT JOIN user_stats s ON s.pubkey = f.follower
                WHERE f.followed @> ARRAY[?::bytea]
                ORDER BY f.follower = ANY ((SELECT m.followed FROM follow_lists m WHERE m.follower = ?)::bytea[]) IS TRUE DESC,
                         coalesce(s.followers_count, 0) DESC, f.follower
                LIMIT ?""", (ps, c) -> {
            ps.setBytes(1, Hex.decode(pubkey));
            ps.setBytes(2, Hex.decode(pubkey));
            ps.setInt(3, limit);
        }, rs -> rs.getString(1));
    }

    boolean follows(String follower, String followed) throws SQLException {
        return !list("SELECT 1 FROM follow_lists WHERE follower = ? AND followed @> ARRAY[?::bytea]", (ps, c) -> {
            ps.setBytes(1, Hex.decode(follower));
            ps.setBytes(2, Hex.decode(followed));
        }, rs -> 1).isEmpty();
    }

    /** Accounts {@code viewer} follows that follow {@code pubkey}, most followed first. */
    List<String> followedBy(String pubkey, String viewer, int limit) throws SQLException {
        return list("""
                SELECT encode(f.follower, 'hex') FROM follow_lists f
                LEFT JOIN user_stats s ON s.pubkey = f.follower
                WHERE f.followed @> ARRAY[?::bytea]
                  AND f.follower = ANY ((SELECT v.followed FROM follow_lists v WHERE v.follower = ?)::bytea[])
                ORDER BY coalesce(s.followers_count, 0) DESC, f.follower LIMIT ?""", (ps, c) -> {
            ps.setBytes(1, Hex.decode(pubkey));
            ps.setBytes(2, Hex.decode(viewer));
            ps.setInt(3, limit);
        }, rs -> rs.getString(1));
    }

    /** The current replaceable ({@code dTag} "") or addressable event of a pubkey and kind. */
    Optional<Row> replaceable(String pubkey, int kind, String dTag, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.pubkey = ? AND e.kind = ? AND e.d_tag = ? AND" + LIVE,
                (ps, c) -> {
                    ps.setBytes(1, Hex.decode(pubkey));
                    ps.setInt(2, kind);
                    ps.setString(3, dTag);
                    ps.setLong(4, now);
                }, PrimalQueries::row).stream().findFirst();
    }

    /** The NIP-65 relay list as Primal's {@code ["r", url, marker?]} tags. */
    List<List<String>> relayTags(String pubkey) throws SQLException {
        return list("SELECT url, read, write FROM user_relays WHERE pubkey = ? ORDER BY url",
                (ps, c) -> ps.setBytes(1, Hex.decode(pubkey)), rs -> {
                    boolean read = rs.getBoolean(2);
                    boolean write = rs.getBoolean(3);
                    return read == write ? List.of("r", rs.getString(1)) : List.of("r", rs.getString(1), read ? "read" : "write");
                });
    }

    /** The precomputed ranking of {@code selector} (see {@link TrendingScores}), best first. */
    List<Row> ranked(String selector, int limit, int offset, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM trending t JOIN events e ON e.id = t.event_id WHERE t.selector = ? AND"
                + LIVE + "ORDER BY t.rank LIMIT ? OFFSET ?", (ps, c) -> {
            ps.setString(1, selector);
            ps.setLong(2, now);
            ps.setInt(3, limit);
            ps.setInt(4, offset);
        }, PrimalQueries::row);
    }

    /** A note's content links a picture or a video (by the file's extension, as clients recognise them). */
    static final String MEDIA_LINK = "https?://[^\\s\"]+\\.(jpe?g|png|gif|webp|avif|mp4|mov|webm)";

    /** Notes linking pictures or videos, newest first. */
    List<Row> mediaNotes(String author, Params.Page page, int limit, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e WHERE e.kind = 1 AND e.created_at BETWEEN ? AND ? AND" + LIVE
                + "AND e.json ~* ? AND (?::bytea IS NULL OR e.pubkey = ?) ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?",
                (ps, c) -> {
            ps.setLong(1, page.since());
            ps.setLong(2, page.until());
            ps.setLong(3, now);
            ps.setString(4, MEDIA_LINK);
            byte[] pubkey = author == null ? null : Hex.decode(author);
            ps.setBytes(5, pubkey);
            ps.setBytes(6, pubkey);
            ps.setInt(7, limit);
            ps.setInt(8, page.offset());
        }, PrimalQueries::row);
    }

    /** Authors of a ranking's notes by their best note's score, best first. */
    Map<String, Double> rankedAuthors(String selector, int limit) throws SQLException {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Object[] r : list("""
                SELECT encode(e.pubkey, 'hex'), max(t.score) FROM trending t JOIN events e ON e.id = t.event_id
                WHERE t.selector = ? GROUP BY e.pubkey ORDER BY 2 DESC, 1 LIMIT ?""", (ps, c) -> {
            ps.setString(1, selector);
            ps.setInt(2, limit);
        }, rs -> new Object[]{rs.getString(1), rs.getDouble(2)})) {
            out.put((String) r[0], (Double) r[1]);
        }
        return out;
    }

    /** An account's follower gain since a snapshot: {@code increase} = {@code count} - the snapshot's count. */
    record FollowerIncrease(String pubkey, long increase, long before, long count) {
    }

    /**
     * The accounts that gained most followers since the newest snapshot taken at or before {@code baseline} (the
     * oldest one when none is that old), gains within [{@code minIncrease}, {@code maxIncrease}], largest first.
     */
    List<FollowerIncrease> followerIncreases(long baseline, long minIncrease, long maxIncrease, int limit, int offset)
            throws SQLException {
        return list("""
                WITH base AS (
                    SELECT pubkey, followers FROM follower_snapshots WHERE taken_at = (
                        SELECT coalesce(max(taken_at) FILTER (WHERE taken_at <= ?), min(taken_at)) FROM follower_snapshots))
                SELECT encode(b.pubkey, 'hex'), s.followers_count - b.followers AS increase, b.followers, s.followers_count
                FROM base b JOIN user_stats s ON s.pubkey = b.pubkey
                WHERE s.followers_count - b.followers BETWEEN greatest(?, 1) AND ?
                ORDER BY increase DESC, b.pubkey LIMIT ? OFFSET ?""", (ps, c) -> {
            ps.setLong(1, baseline);
            ps.setLong(2, minIncrease);
            ps.setLong(3, maxIncrease);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
        }, rs -> new FollowerIncrease(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
    }

    /** The most-followed accounts, as {@link FollowerIncrease}s of zero (no snapshot shows a gain yet). */
    List<FollowerIncrease> mostFollowed(int limit, int offset) throws SQLException {
        return list("""
                SELECT encode(pubkey, 'hex'), followers_count FROM user_stats WHERE followers_count > 0
                ORDER BY followers_count DESC, pubkey LIMIT ? OFFSET ?""", (ps, c) -> {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
        }, rs -> new FollowerIncrease(rs.getString(1), 0, rs.getLong(2), rs.getLong(2)));
    }

    /** Zap receipts for an event, largest first, amounts in msats within [minMsats, maxMsats]. */
    List<Zap> zapsOf(String eventId, long minMsats, long maxMsats, int limit, int offset) throws SQLException {
        return zaps("z.target_event = ? AND z.amount_msats BETWEEN ? AND ? ORDER BY z.amount_msats DESC", (ps, c) -> {
            ps.setBytes(1, Hex.decode(eventId));
            ps.setLong(2, minMsats);
            ps.setLong(3, maxMsats);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
        });
    }

    /** The zaps {@code sender} sent between {@code since} and {@code until}, newest first. */
    List<Zap> zapsSentBy(String sender, long since, long until, int limit, int offset) throws SQLException {
        return zaps("z.sender = ? AND z.created_at BETWEEN ? AND ? ORDER BY z.created_at DESC", (ps, c) -> {
            ps.setBytes(1, Hex.decode(sender));
            ps.setLong(2, since);
            ps.setLong(3, until);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
        });
    }

    /** The zaps received since {@code createdAfter} between two amounts, largest first (Primal's explore "zaps"). */
    List<Zap> largestZaps(long createdAfter, long minMsats, long maxMsats, int limit, int offset) throws SQLException {
        return zaps("z.created_at >= ? AND z.amount_msats BETWEEN ? AND ? ORDER BY z.amount_msats DESC", (ps, c) -> {
            ps.setLong(1, createdAfter);
            ps.setLong(2, minMsats);
            ps.setLong(3, maxMsats);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
        });
    }

    /** Zaps with their receipts: {@code condition} ends in its ORDER BY; LIMIT and OFFSET are the last two parameters. */
    private List<Zap> zaps(String condition, Binder binder) throws SQLException {
        return list("""
                SELECT encode(z.receipt_id, 'hex'), e.json, z.created_at, encode(z.sender, 'hex'),
                       encode(z.recipient, 'hex'), z.amount_msats, encode(z.target_event, 'hex')
                FROM zaps z JOIN events e ON e.id = z.receipt_id
                WHERE\s""" + condition + ", z.receipt_id LIMIT ? OFFSET ?", binder,
                rs -> new Zap(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getString(7)));
    }

    /**
     * Hashtags ({@code t} tags, lower-cased) of the events of {@code kind} since {@code since}, by how many events carry
     * them, most first.
     */
    Map<String, Long> hashtags(int kind, long since, int limit) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Object[] r : list("""
                SELECT lower(t.value), count(DISTINCT t.event_id) FROM event_tags t
                WHERE t.name = 't' AND t.kind = ? AND t.created_at >= ?
                GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?""", (ps, c) -> {
            ps.setInt(1, kind);
            ps.setLong(2, since);
            ps.setInt(3, limit);
        }, rs -> new Object[]{rs.getString(1), rs.getLong(2)})) {
            out.put((String) r[0], (Long) r[1]);
        }
        return out;
    }

    /**
     * Articles since {@code since}, most engaged with first (the trending weights: replies 3, reposts 2, zaps 2,
     * reactions 1), newest on ties.
     */
    List<Row> engagingArticles(long since, int limit, long now) throws SQLException {
        return list("SELECT " + COLUMNS + " FROM events e LEFT JOIN event_stats s ON s.event_id = e.id"
                + " WHERE e.kind = 30023 AND e.created_at >= ? AND" + LIVE + "ORDER BY 3 * coalesce(s.replies, 0)"
                + " + 2 * coalesce(s.reposts, 0) + 2 * coalesce(s.zaps, 0) + coalesce(s.reactions, 0) DESC,"
                + " e.created_at DESC, e.id LIMIT ?", (ps, c) -> {
            ps.setLong(1, since);
            ps.setLong(2, now);
            ps.setInt(3, limit);
        }, PrimalQueries::row);
    }

    /** Authors of articles, most followed first. */
    List<String> articleAuthors(int limit) throws SQLException {
        return list("""
                SELECT encode(a.pubkey, 'hex') FROM (SELECT DISTINCT pubkey FROM events WHERE kind = 30023) a
                LEFT JOIN user_stats s ON s.pubkey = a.pubkey
                ORDER BY coalesce(s.followers_count, 0) DESC, a.pubkey LIMIT ?""", (ps, c) -> ps.setInt(1, limit),
                rs -> rs.getString(1));
    }

    /** Notes that quote the event ({@code q} tags), Primal's "mentions". */
    long mentionsCount(String eventId) throws SQLException {
        return list("SELECT coalesce((SELECT quotes FROM event_stats WHERE event_id = ?), 0)",
                (ps, c) -> ps.setBytes(1, Hex.decode(eventId)), rs -> rs.getLong(1)).getFirst();
    }

    /** Totals for {@code net_stats}. */
    Map<String, Long> networkTotals() throws SQLException {
        return list("""
                SELECT (SELECT count(*) FROM profiles), (SELECT count(*) FROM user_stats),
                       (SELECT count(*) FROM events WHERE kind = 1), (SELECT count(*) FROM events WHERE kind = 7),
                       (SELECT count(*) FROM events WHERE kind IN (6, 16)), (SELECT count(*) FROM events),
                       (SELECT count(*) FROM zaps), (SELECT coalesce(sum(amount_msats), 0) / 1000 FROM zaps)""",
                (ps, c) -> { }, rs -> {
                    Map<String, Long> m = new LinkedHashMap<>();
                    m.put("users", rs.getLong(1));
                    m.put("pubkeys", rs.getLong(2));
                    m.put("pubnotes", rs.getLong(3));
                    m.put("reactions", rs.getLong(4));
                    m.put("reposts", rs.getLong(5));
                    m.put("any", rs.getLong(6));
                    m.put("zaps", rs.getLong(7));
                    m.put("satszapped", rs.getLong(8));
                    return m;
                }).getFirst();
    }
}
