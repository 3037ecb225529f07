package dev.nostrcache.infra.avatar;

import dev.nostrcache.core.Hex;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Batch and follows jobs: one row per job, one item per pubkey; progress is counted from the items. */
public final class AvatarJobRepository {

    /** How far a job has come; {@code failures} holds the first few failed items with their reasons. */
    public record Progress(UUID jobId, String origin, String requestedFor, int total, int done, int failed,
                           int pending, Instant createdAt, Instant finishedAt, List<Failure> failures) {
    }

    public record Failure(String pubkey, String error) {
    }

    static final int FAILURES_SHOWN = 20;
    private final DataSource dataSource;

    public AvatarJobRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates a job with a pending item per pubkey (duplicates collapse), in one transaction. */
    public UUID create(String origin, String requestedFor, List<String> pubkeys, Instant now) throws SQLException {
        UUID id = UUID.randomUUID();
        List<String> distinct = pubkeys.stream().distinct().toList();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO avatar_jobs (job_id, origin, requested_for, total, created_at, finished_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setObject(1, id);
                    ps.setString(2, origin);
                    ps.setBytes(3, requestedFor == null ? null : Hex.decode(requestedFor));
                    ps.setInt(4, distinct.size());
                    ps.setTimestamp(5, Timestamp.from(now));
                    ps.setTimestamp(6, distinct.isEmpty() ? Timestamp.from(now) : null);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO avatar_job_items (job_id, pubkey, status) VALUES (?, ?, 'pending')")) {
                    for (String pubkey : distinct) {
                        ps.setObject(1, id);
                        ps.setBytes(2, Hex.decode(pubkey));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return id;
    }

    /**
     * Settles one item (once: a redelivered message finds it settled and changes nothing), and stamps the job
     * finished when it was the last pending one.
     */
    public void settle(UUID jobId, String pubkey, String error, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE avatar_job_items SET status = ?, error = ?
                    WHERE job_id = ? AND pubkey = ? AND status = 'pending'""")) {
                ps.setString(1, error == null ? "done" : "failed");
                ps.setString(2, error);
                ps.setObject(3, jobId);
                ps.setBytes(4, Hex.decode(pubkey));
                if (ps.executeUpdate() == 0) {
                    return;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE avatar_jobs SET finished_at = ? WHERE job_id = ? AND finished_at IS NULL
                    AND NOT EXISTS (SELECT 1 FROM avatar_job_items WHERE job_id = ? AND status = 'pending')""")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setObject(2, jobId);
                ps.setObject(3, jobId);
                ps.executeUpdate();
            }
        }
    }

    public Optional<Progress> progress(UUID jobId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String origin;
            String requestedFor;
            int total;
            Instant createdAt;
            Instant finishedAt;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT origin, requested_for, total, created_at, finished_at FROM avatar_jobs WHERE job_id = ?")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    origin = rs.getString(1);
                    byte[] owner = rs.getBytes(2);
                    requestedFor = owner == null ? null : Hex.encode(owner);
                    total = rs.getInt(3);
                    createdAt = rs.getTimestamp(4).toInstant();
                    Timestamp finished = rs.getTimestamp(5);
                    finishedAt = finished == null ? null : finished.toInstant();
                }
            }
            int done = 0;
            int failed = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status, count(*) FROM avatar_job_items WHERE job_id = ? GROUP BY status")) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        switch (rs.getString(1)) {
                            case "done" -> done = rs.getInt(2);
                            case "failed" -> failed = rs.getInt(2);
                            default -> { }
                        }
                    }
                }
            }
            List<Failure> failures = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT pubkey, error FROM avatar_job_items"
                    + " WHERE job_id = ? AND status = 'failed' ORDER BY pubkey LIMIT " + FAILURES_SHOWN)) {
                ps.setObject(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        failures.add(new Failure(Hex.encode(rs.getBytes(1)), rs.getString(2)));
                    }
                }
            }
            return Optional.of(new Progress(jobId, origin, requestedFor, total, done, failed, total - done - failed,
                    createdAt, finishedAt, failures));
        }
    }

    /** Deletes every job (items go with them); answers how many. */
    public int deleteAll() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM avatar_jobs")) {
            return ps.executeUpdate();
        }
    }
}
