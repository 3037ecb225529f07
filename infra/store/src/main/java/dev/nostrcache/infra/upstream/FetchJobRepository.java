package dev.nostrcache.infra.upstream;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ranges of relays' history to fetch (back-fill, catch-up, on-demand), paged backward: each job's {@code until_next}
 * is the inclusive {@code until} of its next page, and everything newer than it has reached a queue. A job is leased
 * to one worker at a time; a lease that is not renewed expires, so a job whose worker died is taken up again.
 */
public final class FetchJobRepository {

    /** Why a range is fetched. */
    public enum Reason {
        BACKFILL("backfill"), CATCH_UP("catch-up"), ON_DEMAND("on-demand");

        private final String column;

        Reason(String column) {
            this.column = column;
        }

        public String column() {
            return column;
        }

        static Reason of(String column) {
            return Arrays.stream(values()).filter(r -> r.column.equals(column)).findFirst().orElseThrow();
        }
    }

    /** One job as stored. */
    public record Job(long id, String relayUrl, Reason reason, List<Integer> kinds, long since, long untilFirst,
                      long untilNext, long events, int pages) {
    }

    /** The open fetches of a relay, for the progress line and the operator. */
    public record Progress(String relayUrl, int openJobs, long events, Long oldestReached) {
    }

    private final DataSource dataSource;
    private final String owner;
    private final Duration lease;

    /**
     * @param owner the worker's identity for leases (one per process)
     * @param lease how long a claim holds without being renewed by progress
     */
    public FetchJobRepository(DataSource dataSource, String owner, Duration lease) {
        this.dataSource = dataSource;
        this.owner = owner;
        this.lease = lease;
    }

    /**
     * Records a range to fetch, newest first from {@code until}, already leased to this worker (no other worker takes
     * it before this one has had its chance); returns its id.
     */
    public long create(String relayUrl, Reason reason, List<Integer> kinds, long since, long until) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            long id = create(c, relayUrl, reason, kinds, since, until);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE relay_fetches SET lease_owner = ?, lease_until = now() + make_interval(secs => ?) WHERE id = ?")) {
                ps.setString(1, owner);
                ps.setDouble(2, lease.toMillis() / 1000.0);
                ps.setLong(3, id);
                ps.executeUpdate();
            }
            return id;
        }
    }

    /**
     * Plans the first-contact back-fill of a relay once: runs {@code plan} (which creates its jobs) and marks the relay
     * planned, in one transaction; false if it had been planned before.
     */
    public boolean planFirstContact(String relayUrl, SqlPlan plan) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE relays SET backfill_planned_at = now() WHERE url = ? AND backfill_planned_at IS NULL")) {
                ps.setString(1, relayUrl);
                if (ps.executeUpdate() == 0) {
                    c.rollback();
                    return false;
                }
                plan.create(c);
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Creates jobs inside the planning transaction. */
    public interface SqlPlan {
        void create(Connection c) throws SQLException;
    }

    /** {@link #create} on a given connection (inside the transaction of {@link #planFirstContact}). */
    public static long create(Connection c, String relayUrl, Reason reason, List<Integer> kinds, long since, long until)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO relay_fetches (relay_url, reason, kinds, since, until_first, until_next)
                VALUES (?, ?, ?, ?, ?, ?) RETURNING id""")) {
            ps.setString(1, relayUrl);
            ps.setString(2, reason.column());
            ps.setArray(3, c.createArrayOf("integer", kinds.toArray()));
            ps.setLong(4, since);
            ps.setLong(5, until);
            ps.setLong(6, until);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Where the newest open job of {@code reason} for a relay started, or null when none is open. */
    public Long newestOpenUntil(String relayUrl, Reason reason) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT max(until_first) FROM relay_fetches WHERE relay_url = ? AND reason = ? AND finished_at IS NULL")) {
            ps.setString(1, relayUrl);
            ps.setString(2, reason.column());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long until = rs.getLong(1);
                return rs.wasNull() ? null : until;
            }
        }
    }

    /**
     * Claims the next open job of a relay that no other worker holds (catch-up first: it is the newest gap, then
     * on-demand, then back-fill, oldest first), or null when none is left.
     */
    public Job claimNext(String relayUrl) throws SQLException {
        return claimWhere("""
                id = (SELECT id FROM relay_fetches
                      WHERE relay_url = ? AND finished_at IS NULL
                        AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < now())
                      ORDER BY CASE reason WHEN 'catch-up' THEN 0 WHEN 'on-demand' THEN 1 ELSE 2 END, id
                      LIMIT 1 FOR UPDATE SKIP LOCKED)""", ps -> ps.setString(3, relayUrl));
    }

    /** Claims a job by id for this worker (the on-demand command runs the jobs it created); null if finished or held. */
    public Job claim(long id) throws SQLException {
        return claimWhere("id = ? AND finished_at IS NULL AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < now())",
                ps -> ps.setLong(3, id));
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Leases the job {@code condition} picks; its third parameter is bound by {@code key}, its fourth is the owner. */
    private Job claimWhere(String condition, Binder key) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE relay_fetches SET lease_owner = ?, lease_until = now() + make_interval(secs => ?) WHERE " + condition
                        + " RETURNING id, relay_url, reason, kinds, since, until_first, until_next, events, pages")) {
            ps.setString(1, owner);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            key.bind(ps);
            ps.setString(4, owner);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? job(rs) : null;
            }
        }
    }

    /**
     * Records a page whose events have all reached a queue: the next page starts at {@code untilNext}; the lease is
     * renewed and the relay's row shows the progress ({@code oldest}: the oldest {@code created_at} the page brought,
     * null when it brought none).
     */
    public void advance(long id, long untilNext, long pageEvents, Long oldest) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH job AS (
                    UPDATE relay_fetches SET until_next = ?, events = events + ?, pages = pages + 1, updated_at = now(),
                                             lease_until = now() + make_interval(secs => ?)
                    WHERE id = ? AND lease_owner = ? RETURNING relay_url)
                UPDATE relays SET fetched_events = fetched_events + ?,
                                  backfill_oldest = least(backfill_oldest, ?::bigint)
                WHERE url = (SELECT relay_url FROM job)""")) {
            ps.setLong(1, untilNext);
            ps.setLong(2, pageEvents);
            ps.setDouble(3, lease.toMillis() / 1000.0);
            ps.setLong(4, id);
            ps.setString(5, owner);
            ps.setLong(6, pageEvents);
            if (oldest == null) {
                ps.setNull(7, Types.BIGINT);
            } else {
                ps.setLong(7, oldest);
            }
            ps.executeUpdate();
        }
    }

    /** Marks a job done (or given up, with the reason in {@code note}) and lets go of it. */
    public void finish(long id, String note) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                UPDATE relay_fetches SET finished_at = now(), updated_at = now(), note = ?, lease_owner = NULL,
                                         lease_until = NULL
                WHERE id = ?""")) {
            ps.setString(1, note == null ? null : note.length() > 500 ? note.substring(0, 500) : note);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    /** Lets go of this worker's leases (a clean stop), so another worker may take the jobs at once. */
    public void releaseAll() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE relay_fetches SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ? AND finished_at IS NULL")) {
            ps.setString(1, owner);
            ps.executeUpdate();
        }
    }

    /** The unfinished jobs, or those given by id, summed per relay. */
    public List<Progress> progress(List<Long> ids) throws SQLException {
        List<Progress> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT relay_url, count(*) FILTER (WHERE finished_at IS NULL), sum(events),
                       min(until_next) FILTER (WHERE finished_at IS NULL)
                FROM relay_fetches WHERE (cardinality(?::bigint[]) = 0 AND finished_at IS NULL) OR id = ANY (?::bigint[])
                GROUP BY relay_url ORDER BY relay_url""")) {
            Array idArray = c.createArrayOf("bigint", ids.toArray());
            ps.setArray(1, idArray);
            ps.setArray(2, idArray);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long oldest = rs.getLong(4);
                    out.add(new Progress(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.wasNull() ? null : oldest));
                }
            }
        }
        return out;
    }

    /** Whether every job of {@code ids} is finished. */
    public boolean allFinished(List<Long> ids) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM relay_fetches WHERE id = ANY (?) AND finished_at IS NULL")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        }
    }

    /** Notes left by finished jobs of {@code ids} (relays that refused or gave up), by relay. */
    public List<String> notes(List<Long> ids) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT relay_url, note FROM relay_fetches WHERE id = ANY (?) AND note IS NOT NULL ORDER BY id")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + ": " + rs.getString(2));
                }
            }
        }
        return out;
    }

    private static Job job(ResultSet rs) throws SQLException {
        Integer[] kinds = (Integer[]) rs.getArray(4).getArray();
        return new Job(rs.getLong(1), rs.getString(2), Reason.of(rs.getString(3)), List.of(kinds), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getInt(9));
    }
}
