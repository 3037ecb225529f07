package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.nip.Profile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Profiles (kind 0, NIP-01 metadata): one {@code profiles} row per pubkey, from its current kind 0. */
final class ProfileProjection implements KindProjection {

    @Override
    public Applied apply(IngestTransaction tx, Event event, Reading reading, String replacedJson) throws SQLException {
        Connection c = tx.connection();
        byte[] pubkey = Hex.decode(event.pubkey());
        // The profiles row is the projection of the pubkey's current kind 0 and nothing else: the version this one
        // replaces holds the picture the row had, and without one there is no row.
        String oldPicture = replacedJson == null ? null : Profile.of(tx.parseStored(replacedJson)).picture();
        Profile p = Profile.of(event);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO profiles (pubkey, event_id, created_at, name, display_name, picture, about, nip05, lud16,
                                      banner, website, content_is_json, search, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, to_tsvector('simple', ?), now())
                ON CONFLICT (pubkey) DO UPDATE SET event_id = EXCLUDED.event_id, created_at = EXCLUDED.created_at,
                    name = EXCLUDED.name, display_name = EXCLUDED.display_name, picture = EXCLUDED.picture,
                    about = EXCLUDED.about, nip05 = EXCLUDED.nip05, lud16 = EXCLUDED.lud16, banner = EXCLUDED.banner,
                    website = EXCLUDED.website, content_is_json = EXCLUDED.content_is_json, search = EXCLUDED.search,
                    updated_at = now()""")) {
            ps.setBytes(1, pubkey);
            ps.setBytes(2, Hex.decode(event.id()));
            ps.setLong(3, event.createdAt());
            ps.setString(4, p.name());
            ps.setString(5, p.displayName());
            ps.setString(6, p.picture());
            ps.setString(7, p.about());
            ps.setString(8, p.nip05());
            ps.setString(9, p.lud16());
            ps.setString(10, p.banner());
            ps.setString(11, p.website());
            ps.setBoolean(12, p.contentIsJson());
            ps.setString(13, String.join(" ", nonNull(p.name()), nonNull(p.displayName()), nonNull(p.nip05())));
            ps.executeUpdate();
        }
        return new Applied(p.picture() != null && !p.picture().equals(oldPicture) ? p.picture() : null, null);
    }

    @Override
    public void remove(IngestTransaction tx, Event target) throws SQLException {
        try (PreparedStatement ps = tx.connection().prepareStatement(
                "DELETE FROM profiles WHERE pubkey = ? AND event_id = ?")) {
            ps.setBytes(1, Hex.decode(target.pubkey()));
            ps.setBytes(2, Hex.decode(target.id()));
            ps.executeUpdate();
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
