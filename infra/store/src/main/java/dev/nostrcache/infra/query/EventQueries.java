package dev.nostrcache.infra.query;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.nip.ContactList;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * NIP-01 filters answered from PostgreSQL. Each filter becomes one statement over the indexes: exact ids,
 * authors and kinds, inclusive since/until, one {@code EXISTS} on {@code event_tags} per tag condition (on
 * {@code follows} for a contact list's {@code p} tags), and the NIP-50 search on {@code note_search}; newest first,
 * lowest id on ties, at most {@code limit} rows (a filter without a limit gets the default, the clamped maximum).
 * Expired events are never served; superseded versions and deleted events are not stored, so they cannot be. Results
 * of several filters are merged without duplicates.
 *
 * <p>{@code search} is answered by PostgreSQL's full-text match on whole words, which differs from the in-memory
 * matcher's substring test; tag values over 1,024 characters or with U+0000 are not indexed and so never match.
 */
public final class EventQueries {
    private final DataSource dataSource;
    private final int defaultLimit;

    public EventQueries(DataSource dataSource, int defaultLimit) {
        this.dataSource = dataSource;
        this.defaultLimit = defaultLimit;
    }

    /** One stored event: its wire JSON in UTF-8, as PostgreSQL sends it, and what it is ordered by. */
    public record Row(String id, long createdAt, byte[] jsonUtf8) {
    }

    /**
     * A condition checked in the same statement as a query: SQL that is true or false ({@code ?} for each of
     * {@code params}, bound as text).
     */
    public record Precondition(String sql, List<String> params) {
    }

    /** The events matching any of {@code filters}, newest first (ties: lowest id), each once. */
    public List<Row> find(List<Filter> filters, long nowSeconds) throws SQLException {
        return find(filters, nowSeconds, null).orElseThrow();
    }

    /**
     * What {@link #find(List, long)} gives, read only if {@code precondition} holds, checked in the first statement
     * (so in its snapshot; nothing when every filter has limit 0): one round trip where a check and a query took two.
     * Empty when it does not hold.
     */
    public Optional<List<Row>> findIf(Precondition precondition, List<Filter> filters, long nowSeconds) throws SQLException {
        return find(filters, nowSeconds, precondition);
    }

    private Optional<List<Row>> find(List<Filter> filters, long nowSeconds, Precondition precondition) throws SQLException {
        List<Row> out = new ArrayList<>();
        // One filter's rows are distinct already; only the filters of one request can overlap.
        Set<String> seen = filters.size() > 1 ? new HashSet<>() : null;
        boolean held = precondition == null;
        try (Connection c = dataSource.getConnection()) {
            for (Filter filter : filters) {
                if (filter.limit() != null && filter.limit() == 0) {
                    continue;
                }
                int limit = filter.limit() == null ? defaultLimit : filter.limit();
                Sql sql = newest(compile(filter, nowSeconds, "e.id, e.created_at, e.json"), limit);
                if (!held) {
                    // A row of nulls (an event's id never is) comes with the answer when the condition holds.
                    sql.text.insert(0, "SELECT NULL::bytea, NULL::bigint, NULL::text WHERE " + precondition.sql()
                            + " UNION ALL (").append(')');
                    sql.params.addAll(0, precondition.params());
                }
                try (PreparedStatement ps = sql.prepare(c); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byte[] id = rs.getBytes(1);
                        if (id == null) {
                            held = true;
                        } else {
                            String hex = Hex.encode(id);
                            if (seen == null || seen.add(hex)) {
                                out.add(new Row(hex, rs.getLong(2), rs.getBytes(3)));
                            }
                        }
                    }
                }
                if (!held) {
                    return Optional.empty();
                }
            }
        }
        if (!held) {
            return Optional.empty();
        }
        if (seen != null) {
            out.sort((a, b) -> a.createdAt() != b.createdAt() ? Long.compare(b.createdAt(), a.createdAt())
                    : a.id().compareTo(b.id()));
        }
        return Optional.of(out);
    }

    /** NIP-45: how many stored events match any of {@code filters} (limits play no part). */
    public long count(List<Filter> filters, long nowSeconds) throws SQLException {
        if (filters.isEmpty()) {
            return 0;
        }
        List<Sql> branches = new ArrayList<>();
        for (Filter filter : filters) {
            branches.addAll(compile(filter, nowSeconds, "e.id"));
        }
        Sql all = union(branches, "SELECT count(*) FROM (", " UNION ", ") matching");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = all.prepare(c); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The newest {@code limit} rows of the branches together (each branch limited first, so each uses its index). The
     * limit is in the text: bound as a parameter, it kept PostgreSQL from ever using a generic plan.
     */
    private static Sql newest(List<Sql> branches, int limit) {
        String order = " ORDER BY e.created_at DESC, e.id ASC LIMIT " + limit;
        if (branches.size() == 1) {
            Sql sql = branches.getFirst();
            sql.text.append(order);
            return sql;
        }
        for (Sql branch : branches) {
            branch.text.insert(0, '(').append(order).append(')');
        }
        Sql sql = union(branches, "SELECT * FROM (", " UNION ALL ", ") e");
        sql.text.append(order);
        return sql;
    }

    private static Sql union(List<Sql> branches, String prefix, String separator, String suffix) {
        Sql all = new Sql(new StringBuilder(prefix), new ArrayList<>());
        for (int i = 0; i < branches.size(); i++) {
            all.text.append(i == 0 ? "" : separator).append(branches.get(i).text);
            all.params.addAll(branches.get(i).params);
        }
        all.text.append(suffix);
        return all;
    }

    /**
     * One statement per filter, or two when it has a {@code #p} condition and admits contact lists alongside other
     * kinds: a contact list's {@code p} tags are not in {@code event_tags}, it matches when the {@code follows} of its
     * author (exactly its follows, since only the current list is stored) hold one of the values. Two branches, each
     * a plain semi-join, plan better than one {@code OR}.
     */
    private static List<Sql> compile(Filter f, long nowSeconds, String columns) {
        boolean contactLists = f.kinds() == null || f.kinds().contains(ContactList.KIND);
        if (!f.tags().containsKey("p") || !contactLists) {
            return List.of(compile(f, nowSeconds, columns, Kinds.AS_FILTERED));
        }
        if (f.kinds() != null && f.kinds().size() == 1) {
            return List.of(compile(f, nowSeconds, columns, Kinds.CONTACT_LISTS));
        }
        return List.of(compile(f, nowSeconds, columns, Kinds.ALL_BUT_CONTACT_LISTS),
                compile(f, nowSeconds, columns, Kinds.CONTACT_LISTS));
    }

    /** Which of a filter's kinds a statement covers, and so where its {@code #p} condition looks. */
    private enum Kinds { AS_FILTERED, ALL_BUT_CONTACT_LISTS, CONTACT_LISTS }

    private static Sql compile(Filter f, long nowSeconds, String columns, Kinds kinds) {
        Sql sql = new Sql(new StringBuilder("SELECT " + columns + " FROM events e WHERE (e.expires_at IS NULL OR e.expires_at > ?)"),
                new ArrayList<>());
        sql.params.add(nowSeconds);
        if (f.ids() != null) {
            sql.text.append(" AND e.id = ANY (?)");
            sql.params.add(new ByteaArray(f.ids()));
        }
        if (f.authors() != null) {
            sql.text.append(" AND e.pubkey = ANY (?)");
            sql.params.add(new ByteaArray(f.authors()));
        }
        switch (kinds) {
            case CONTACT_LISTS -> sql.text.append(" AND e.kind = " + ContactList.KIND);
            case ALL_BUT_CONTACT_LISTS -> sql.text.append(" AND e.kind <> " + ContactList.KIND);
            case AS_FILTERED -> { }
        }
        if (f.kinds() != null && kinds != Kinds.CONTACT_LISTS) {
            // In the text, as the limit is: with the kinds and the limit known, PostgreSQL keeps one generic plan per
            // statement instead of planning every REQ (a kind's rows are too uneven for a plan made without them).
            sql.text.append(f.kinds().isEmpty() ? " AND false" : f.kinds().stream().sorted().map(String::valueOf)
                    .collect(Collectors.joining(", ", " AND e.kind IN (", ")")));
        }
        if (f.since() != null) {
            sql.text.append(" AND e.created_at >= ?");
            sql.params.add(f.since());
        }
        if (f.until() != null) {
            sql.text.append(" AND e.created_at <= ?");
            sql.params.add(f.until());
        }
        for (Map.Entry<String, Set<String>> tag : f.tags().entrySet()) {
            if (kinds == Kinds.CONTACT_LISTS && tag.getKey().equals("p")) {
                sql.text.append(" AND EXISTS (SELECT 1 FROM follow_lists f WHERE f.follower = e.pubkey AND f.followed && ?)");
                sql.params.add(new ByteaArray(tag.getValue().stream().filter(v -> Hex.isLowerHex(v, 64)).toList()));
                continue;
            }
            sql.text.append(" AND EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND t.name = ? AND t.value = ANY (?))");
            sql.params.add(tag.getKey());
            sql.params.add(tag.getValue().stream().filter(v -> v.indexOf('\0') < 0).toArray(String[]::new));
        }
        if (f.search() != null) {
            sql.text.append(" AND EXISTS (SELECT 1 FROM note_search s WHERE s.event_id = e.id"
                    + " AND s.document @@ plainto_tsquery('simple', ?))");
            sql.params.add(f.search().replace("\0", " "));
        }
        return sql;
    }

    /** Hex values bound as a {@code bytea[]}. */
    private record ByteaArray(Collection<String> hex) {
    }

    private record Sql(StringBuilder text, List<Object> params) {
        PreparedStatement prepare(Connection c) throws SQLException {
            PreparedStatement ps = c.prepareStatement(text.toString());
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                switch (p) {
                    case ByteaArray b -> {
                        Array array = c.createArrayOf("bytea", b.hex().stream().map(Hex::decode).toArray(byte[][]::new));
                        ps.setArray(i + 1, array);
                    }
                    case String[] strings -> ps.setArray(i + 1, c.createArrayOf("text", strings));
                    case Long l -> ps.setLong(i + 1, l);
                    default -> ps.setString(i + 1, (String) p);
                }
            }
            return ps;
        }
    }
}
