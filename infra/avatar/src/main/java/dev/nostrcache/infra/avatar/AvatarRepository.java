package dev.nostrcache.infra.avatar;

import dev.nostrcache.core.Hex;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One {@code avatars} row per pubkey: where its picture came from, the picture's hash and variants, and how the last
 * attempt went. {@code retry_after} serves two purposes: for a failed picture, no fetch before it (negative caching);
 * for a cached one, a refresh is already queued until then (so a popular stale picture is queued once, not per hit).
 */
public final class AvatarRepository {

    public enum Status {
        CACHED, FAILED, NO_PICTURE;

        String sql() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A row. {@code variants} lists file names such as {@code m.jpg}, one per {@link AvatarSize}. */
    public record Avatar(String pubkey, String sourceUrl, String sha256, String contentType, int sizeBytes, int width,
                         int height, List<String> variants, Status status, String lastError, int attempts,
                         Instant fetchedAt, Instant retryAfter) {

        /** The variant file of {@code size}, or null. */
        public String variant(AvatarSize size) {
            return variants.stream().filter(v -> v.startsWith(size.code() + ".")).findFirst().orElse(null);
        }
    }

    private final DataSource dataSource;

    public AvatarRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<Avatar> find(String pubkey) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT source_url, sha256, content_type, size_bytes, width, height, variants, status, last_error,
                       attempts, fetched_at, retry_after
                FROM avatars WHERE pubkey = ?""")) {
            ps.setBytes(1, Hex.decode(pubkey));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] sha = rs.getBytes(2);
                Array variants = rs.getArray(7);
                return Optional.of(new Avatar(pubkey, rs.getString(1), sha == null ? null : Hex.encode(sha),
                        rs.getString(3), rs.getInt(4), rs.getInt(5), rs.getInt(6),
                        Arrays.asList((String[]) variants.getArray()),
                        Status.valueOf(rs.getString(8).toUpperCase(Locale.ROOT)), rs.getString(9),
                        rs.getInt(10), instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12))));
            }
        }
    }

    public void saveCached(String pubkey, String sourceUrl, String sha256, String contentType, int sizeBytes,
                           int width, int height, List<String> variants, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO avatars (pubkey, source_url, sha256, content_type, size_bytes, width, height, variants,
                                     status, last_error, attempts, fetched_at, retry_after)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'cached', NULL, 0, ?, NULL)
                ON CONFLICT (pubkey) DO UPDATE SET source_url = EXCLUDED.source_url, sha256 = EXCLUDED.sha256,
                    content_type = EXCLUDED.content_type, size_bytes = EXCLUDED.size_bytes, width = EXCLUDED.width,
                    height = EXCLUDED.height, variants = EXCLUDED.variants, status = 'cached', last_error = NULL,
                    attempts = 0, fetched_at = EXCLUDED.fetched_at, retry_after = NULL""")) {
            ps.setBytes(1, Hex.decode(pubkey));
            ps.setString(2, sourceUrl);
            ps.setBytes(3, Hex.decode(sha256));
            ps.setString(4, contentType);
            ps.setInt(5, sizeBytes);
            ps.setInt(6, width);
            ps.setInt(7, height);
            ps.setArray(8, c.createArrayOf("text", variants.toArray()));
            ps.setTimestamp(9, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    /**
     * Records a failed fetch of {@code sourceUrl}, not to be tried again before {@code retryAfter}. A picture that
     * was cached from the same URL stays cached (its old bytes are still right); any other row becomes failed.
     */
    public void saveFailed(String pubkey, String sourceUrl, String error, Instant now, Instant retryAfter)
            throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO avatars (pubkey, source_url, status, last_error, attempts, fetched_at, retry_after)
                VALUES (?, ?, 'failed', ?, 1, ?, ?)
                ON CONFLICT (pubkey) DO UPDATE SET
                    status = CASE WHEN avatars.status = 'cached' AND avatars.source_url = EXCLUDED.source_url
                                  THEN 'cached' ELSE 'failed' END,
                    fetched_at = CASE WHEN avatars.status = 'cached' AND avatars.source_url = EXCLUDED.source_url
                                  THEN avatars.fetched_at ELSE EXCLUDED.fetched_at END,
                    source_url = EXCLUDED.source_url, last_error = EXCLUDED.last_error,
                    attempts = avatars.attempts + 1, retry_after = EXCLUDED.retry_after""")) {
            ps.setBytes(1, Hex.decode(pubkey));
            ps.setString(2, sourceUrl);
            ps.setString(3, error);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setTimestamp(5, Timestamp.from(retryAfter));
            ps.executeUpdate();
        }
    }

    /** Records that the pubkey has no picture to cache ({@code why}: no profile, or a profile without one). */
    public void saveNoPicture(String pubkey, String why, Instant now, Instant retryAfter) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO avatars (pubkey, source_url, status, last_error, attempts, fetched_at, retry_after)
                VALUES (?, '', 'no_picture', ?, 0, ?, ?)
                ON CONFLICT (pubkey) DO UPDATE SET source_url = '', sha256 = NULL, content_type = NULL,
                    size_bytes = NULL, width = NULL, height = NULL, variants = '{}', status = 'no_picture',
                    last_error = EXCLUDED.last_error, attempts = 0, fetched_at = EXCLUDED.fetched_at,
                    retry_after = EXCLUDED.retry_after""")) {
            ps.setBytes(1, Hex.decode(pubkey));
            ps.setString(2, why);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setTimestamp(4, Timestamp.from(retryAfter));
            ps.executeUpdate();
        }
    }

    /** Claims the right to queue a refresh until {@code until}; false when another request already holds it. */
    public boolean claimRefresh(String pubkey, Instant now, Instant until) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE avatars SET retry_after = ? WHERE pubkey = ? AND (retry_after IS NULL OR retry_after <= ?)")) {
            ps.setTimestamp(1, Timestamp.from(until));
            ps.setBytes(2, Hex.decode(pubkey));
            ps.setTimestamp(3, Timestamp.from(now));
            return ps.executeUpdate() == 1;
        }
    }

    /** Deletes the row; answers the picture hash it had, if any. */
    public Optional<String> delete(String pubkey) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM avatars WHERE pubkey = ? RETURNING sha256, status")) {
            ps.setBytes(1, Hex.decode(pubkey));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] sha = rs.getBytes(1);
                return Optional.of(sha == null ? "" : Hex.encode(sha));
            }
        }
    }

    /** Whether any row still uses the picture with this hash (content-addressed objects are shared). */
    public boolean pictureInUse(String sha256) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM avatars WHERE sha256 = ? LIMIT 1")) {
            ps.setBytes(1, Hex.decode(sha256));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes every row; answers how many there were. */
    public int deleteAll() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("DELETE FROM avatars")) {
            return ps.executeUpdate();
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
