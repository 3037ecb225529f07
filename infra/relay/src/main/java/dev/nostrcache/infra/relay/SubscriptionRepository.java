package dev.nostrcache.infra.relay;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.filter.FilterJson;
import dev.nostrcache.core.filter.FilterParser;
import dev.nostrcache.core.filter.InvalidFilterException;
import dev.nostrcache.core.filter.SubscriptionKeys;
import dev.nostrcache.infra.query.EventQueries;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * WebSocket connections and their open subscriptions, kept in PostgreSQL because on AWS every message may reach a
 * different function container. Live delivery goes through {@link SubscriptionKeys}: a stored event looks up the
 * subscriptions filed under its own keys, and only those are matched exactly.
 */
public final class SubscriptionRepository {
    /**
     * Evaluated inside a write: its transaction commits without waiting for the WAL flush. Connection, rate and
     * subscription rows are ephemeral (a crash of the database ends every request in flight anyway), and waiting for
     * a disk flush on every client message cost more than the rest of a REQ's writes.
     */
    private static final String NO_FLUSH = "set_config('synchronous_commit', 'off', true)";
    /** Longer key values are filed under the catch-all key instead (btree entries have a size limit). */
    private static final int MAX_KEY_LENGTH = 1000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A subscription an event matches; {@code primalOp} and {@code primalPubkey} are set for an open Primal request. */
    public record Match(String connectionId, String subscriptionId, String endpoint, String primalOp, String primalPubkey) {
    }

    /** The outcome of a REQ's registration. */
    public enum Subscribed { OPENED, REPLACED, TOO_MANY, NO_SUCH_CONNECTION }

    private final DataSource dataSource;
    private final FilterParser storedFilters = new FilterParser(new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, 0,
            1, Integer.MAX_VALUE, 1, 1, Integer.MAX_VALUE, 1, 1));

    public SubscriptionRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void openConnection(String connectionId, String endpoint, String sourceIp, String userAgent) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ws_connections (connection_id, endpoint, source_ip, user_agent) VALUES (?, ?, ?, ?)
                ON CONFLICT (connection_id) DO UPDATE SET endpoint = EXCLUDED.endpoint, last_seen_at = now()
                RETURNING\s""" + NO_FLUSH)) {
            ps.setString(1, connectionId);
            ps.setString(2, endpoint);
            ps.setString(3, sourceIp);
            ps.setString(4, userAgent == null || userAgent.length() <= 500 ? userAgent : userAgent.substring(0, 500));
            ps.execute();
        }
    }

    /** Whether the connection asked Primal's protocol for compression (false for an unknown connection). */
    public boolean primalBatches(String connectionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT primal_batches FROM ws_connections WHERE connection_id = ?")) {
            ps.setString(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Records that the connection asked Primal's protocol for compression: its answers may come in batches. */
    public void batchPrimalAnswers(String connectionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE ws_connections SET primal_batches = true WHERE connection_id = ? RETURNING " + NO_FLUSH)) {
            ps.setString(1, connectionId);
            ps.execute();
        }
    }

    public void closeConnection(String connectionId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM ws_connections WHERE connection_id = ? RETURNING " + NO_FLUSH)) {
            ps.setString(1, connectionId);
            ps.execute();
        }
    }

    /**
     * Opens (or, for a known id, replaces) a subscription, unless the connection already has {@code max} others.
     * The connection row is locked meanwhile, so concurrent REQs cannot overshoot the cap.
     */
    public Subscribed subscribe(String connectionId, String subscriptionId, List<Filter> filters, int max) throws SQLException {
        return subscribe(connectionId, subscriptionId, filters, max, null, null);
    }

    /**
     * Opens an open Primal request ({@code primalOp} for {@code primalPubkey}) as a subscription: it counts against
     * the same cap, and events matching {@code filters} make the op push its answer.
     */
    public Subscribed subscribe(String connectionId, String subscriptionId, List<Filter> filters, int max,
                                String primalOp, String primalPubkey) throws SQLException {
        String json = filtersJson(filters);
        try (Connection c = dataSource.getConnection()) {
            if (unchanged(c, connectionId, subscriptionId, json, primalOp, primalPubkey)) {
                return Subscribed.REPLACED; // a client asking again with the same filters: nothing to write or lock
            }
            c.setAutoCommit(false);
            try {
                Subscribed result = subscribe(c, connectionId, subscriptionId, json, filters, max, primalOp, primalPubkey);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The filters of a subscription as they are stored (and compared: a REQ repeated with the same filters). */
    public static String filtersJson(List<Filter> filters) {
        StringBuilder json = new StringBuilder("[");
        for (Filter f : filters) {
            json.append(json.length() > 1 ? "," : "").append(FilterJson.toJson(f));
        }
        return json.append(']').toString();
    }

    /**
     * The condition that the NIP-01 subscription is open with exactly {@code filtersJson}, for a query to check in its
     * own statement: a client repeating a REQ then costs one statement, not a read and a query.
     */
    public EventQueries.Precondition openWith(String connectionId, String subscriptionId, String filtersJson) {
        return new EventQueries.Precondition("EXISTS (SELECT 1 FROM ws_subscriptions WHERE connection_id = ?"
                + " AND sub_id = ? AND filters = ? AND primal_op IS NULL)", List.of(connectionId, subscriptionId, filtersJson));
    }

    /**
     * Whether the subscription is open already with these filters (and op), read without a lock or a transaction:
     * clients reuse their subscription ids, and taking the connection's row lock for nothing cost a write and a
     * commit per REQ. Anything else takes the locked path, which reads the subscription again.
     */
    private static boolean unchanged(Connection c, String connectionId, String subscriptionId, String json,
                                     String primalOp, String primalPubkey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT filters, primal_op, primal_pubkey FROM ws_subscriptions WHERE connection_id = ? AND sub_id = ?")) {
            ps.setString(1, connectionId);
            ps.setString(2, subscriptionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && json.equals(rs.getString(1)) && Objects.equals(primalOp, rs.getString(2))
                        && Objects.equals(primalPubkey, rs.getString(3));
            }
        }
    }

    private Subscribed subscribe(Connection c, String connectionId, String subscriptionId, String json,
                                 List<Filter> filters, int max, String primalOp, String primalPubkey) throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        for (Filter f : filters) {
            for (String key : SubscriptionKeys.of(f)) {
                keys.add(key.length() > MAX_KEY_LENGTH || key.indexOf('\0') >= 0 ? "*" : key);
            }
        }
        // The connection row is locked (the cap), and the subscription as it stands read, in one round trip.
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.filters, s.primal_op, s.primal_pubkey, s.sub_id IS NOT NULL,\s""" + NO_FLUSH + """
                 FROM ws_connections c LEFT JOIN ws_subscriptions s ON s.connection_id = c.connection_id AND s.sub_id = ?
                WHERE c.connection_id = ? FOR UPDATE OF c""")) {
            ps.setString(1, subscriptionId);
            ps.setString(2, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Subscribed.NO_SUCH_CONNECTION;
                }
                if (rs.getBoolean(4) && json.equals(rs.getString(1))
                        && Objects.equals(primalOp, rs.getString(2))
                        && Objects.equals(primalPubkey, rs.getString(3))) {
                    return Subscribed.REPLACED; // a client asking again with the same filters: nothing to write
                }
            }
        }
        boolean existed = delete(c, connectionId, subscriptionId);
        if (!existed && count(c, connectionId) >= max) {
            return Subscribed.TOO_MANY;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ws_subscriptions (connection_id, sub_id, filters, primal_op, primal_pubkey) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, connectionId);
            ps.setString(2, subscriptionId);
            ps.setString(3, json);
            ps.setString(4, primalOp);
            ps.setString(5, primalPubkey);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO ws_subscription_keys (connection_id, sub_id, key) VALUES (?, ?, ?)")) {
            for (String key : keys) {
                ps.setString(1, connectionId);
                ps.setString(2, subscriptionId);
                ps.setString(3, key);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return existed ? Subscribed.REPLACED : Subscribed.OPENED;
    }

    /** Closes a subscription; returns whether it was open. */
    public boolean unsubscribe(String connectionId, String subscriptionId) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM ws_subscriptions WHERE connection_id = ? AND sub_id = ? RETURNING " + NO_FLUSH)) {
            ps.setString(1, connectionId);
            ps.setString(2, subscriptionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    public int subscriptionCount(String connectionId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return count(c, connectionId);
        }
    }

    /** The subscriptions {@code event} matches. */
    public List<Match> matching(Event event) throws SQLException {
        return matchingEach(List.of(event)).getFirst();
    }

    /**
     * The subscriptions each of {@code events} matches, in the events' order. One query finds the subscriptions filed
     * under any of their keys (an ingest batch paid one round trip per stored event before, and a contact list's
     * hundreds of keys each time); each event is then matched exactly against those, whose filters are parsed once.
     */
    public List<List<Match>> matchingEach(List<Event> events) throws SQLException {
        List<Candidate> candidates = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            if (anySubscription(c)) {
                candidates = candidates(c, keysOf(events));
            }
        }
        List<List<Match>> matches = new ArrayList<>(events.size());
        for (Event event : events) {
            List<Match> matched = new ArrayList<>();
            for (Candidate candidate : candidates) {
                if (candidate.filters().stream().anyMatch(f -> f.matches(event))) {
                    matched.add(candidate.match());
                }
            }
            matches.add(matched);
        }
        return matches;
    }

    /**
     * Whether any subscription is open: while none is (an import, a back-fill before clients come), a batch's keys
     * are not even made (a contact list has hundreds; they were a fifth of the ingest function's CPU).
     */
    private static boolean anySubscription(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM ws_subscriptions)");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static Set<String> keysOf(List<Event> events) {
        Set<String> keys = new LinkedHashSet<>();
        for (Event event : events) {
            for (String key : SubscriptionKeys.of(event)) {
                if (key.length() <= MAX_KEY_LENGTH && key.indexOf('\0') < 0) {
                    keys.add(key);
                }
            }
        }
        return keys;
    }

    /** The subscriptions filed under any of {@code keys}, with their filters. */
    private List<Candidate> candidates(Connection c, Set<String> keys) throws SQLException {
        List<Candidate> candidates = new ArrayList<>();
        if (keys.isEmpty()) {
            return candidates;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.connection_id, s.sub_id, s.filters, c.endpoint, s.primal_op, s.primal_pubkey FROM ws_subscriptions s
                JOIN ws_connections c ON c.connection_id = s.connection_id
                WHERE EXISTS (SELECT 1 FROM ws_subscription_keys k WHERE k.connection_id = s.connection_id
                              AND k.sub_id = s.sub_id AND k.key = ANY (?))""")) {
            ps.setArray(1, c.createArrayOf("text", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Candidate(new Match(rs.getString(1), rs.getString(2), rs.getString(4),
                            rs.getString(5), rs.getString(6)), parseFilters(rs.getString(3))));
                }
            }
        }
        return candidates;
    }

    /** A subscription filed under one of a batch's keys, with its filters. */
    private record Candidate(Match match, List<Filter> filters) {
    }

    private List<Filter> parseFilters(String filtersJson) throws SQLException {
        List<Filter> filters = new ArrayList<>();
        for (JsonNode node : JSON.readTree(filtersJson).values()) {
            try {
                filters.add(storedFilters.parse(node));
            } catch (InvalidFilterException e) {
                throw new SQLException("a stored subscription filter does not parse: " + e.reason());
            }
        }
        return filters;
    }

    private static boolean delete(Connection c, String connectionId, String subscriptionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ws_subscriptions WHERE connection_id = ? AND sub_id = ?")) {
            ps.setString(1, connectionId);
            ps.setString(2, subscriptionId);
            return ps.executeUpdate() > 0;
        }
    }

    private static int count(Connection c, String connectionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ws_subscriptions WHERE connection_id = ?")) {
            ps.setString(1, connectionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
