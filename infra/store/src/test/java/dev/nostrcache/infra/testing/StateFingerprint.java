package dev.nostrcache.infra.testing;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** A digest of the whole derived state (events, follows, profiles, relay lists, statistics), to compare two runs. */
public final class StateFingerprint {
    private static final String SQL = """
            SELECT count(*) FILTER (WHERE part = 'e'), md5(string_agg(x, '|' ORDER BY x)) FROM (
              SELECT 'e' AS part, encode(id, 'hex') AS x FROM events
              UNION ALL SELECT 'f', encode(follower, 'hex') || encode(followed, 'hex') FROM follows
              UNION ALL SELECT 'p', encode(pubkey, 'hex') || coalesce(name, '') || coalesce(picture, '') FROM profiles
              UNION ALL SELECT 'u', concat_ws(',', encode(pubkey, 'hex'), followers_count, follows_count, note_count,
                  reply_count, reactions_received, reposts_received, zaps_received, zapped_msats) FROM user_stats
              UNION ALL SELECT 's', concat_ws(',', encode(event_id, 'hex'), replies, reactions, reposts, zaps, zapped_msats,
                  quotes)
                  FROM event_stats
              UNION ALL SELECT 'r', encode(pubkey, 'hex') || url FROM user_relays) s""";

    private StateFingerprint() {
    }

    /** "events=N digest=..." for the state in {@code dataSource}. */
    public static String of(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SQL);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return "events=" + rs.getLong(1) + " digest=" + rs.getString(2);
        }
    }
}
