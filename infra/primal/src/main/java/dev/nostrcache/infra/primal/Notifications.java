package dev.nostrcache.infra.primal;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.crypto.Sha256;
import tools.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.nostrcache.infra.primal.Bundle.JSON;

/**
 * A pubkey's notifications, derived at read time from what is stored (no table of their own, so they are exact and
 * follow deletions): new followers (type 1), zaps (3), likes (4), reposts (5), replies (6) and mentions (7), with
 * Primal's argument names. The unseen counts start after the time {@code set_notifications_seen} stored.
 */
final class Notifications {
    /** Primal's notification types a client expects a count for; we produce 1 and 3-7. */
    static final List<Integer> COUNTED_TYPES = List.of(1, 2, 3, 4, 5, 6, 7, 8, 101, 102, 103, 104, 201, 202, 203, 204);

    private static final String UNION = """
            WITH me AS (SELECT ?::bytea AS pk, ?::text AS hex)
            SELECT type, created_at, actor, post, ref, sats, text FROM (
                SELECT 1 AS type, e.created_at, encode(f.follower, 'hex') AS actor, NULL AS post, encode(e.id, 'hex') AS ref,
                       0::bigint AS sats, NULL AS text
                FROM me, follow_lists f JOIN events e ON e.pubkey = f.follower AND e.kind = 3 AND e.d_tag = ''
                WHERE f.followed @> ARRAY[me.pk] AND f.follower <> me.pk
                UNION ALL
                SELECT 3, z.created_at, encode(z.sender, 'hex'), encode(z.target_event, 'hex'), encode(z.receipt_id, 'hex'),
                       z.amount_msats / 1000, NULL
                FROM me, zaps z WHERE z.recipient = me.pk AND z.target_event IS NOT NULL
                UNION ALL
                SELECT 4, e.created_at, encode(e.pubkey, 'hex'), encode(e.ref_event, 'hex'), encode(e.id, 'hex'), 0,
                       left(e.json::json ->> 'content', 64)
                FROM me, events e WHERE e.kind = 7 AND e.ref_pubkey = me.pk AND e.pubkey <> me.pk
                UNION ALL
                SELECT 5, e.created_at, encode(e.pubkey, 'hex'), encode(e.ref_event, 'hex'), encode(e.id, 'hex'), 0, NULL
                FROM me, events e WHERE e.kind IN (6, 16) AND e.ref_pubkey = me.pk AND e.pubkey <> me.pk
                UNION ALL
                SELECT 6, e.created_at, encode(e.pubkey, 'hex'), encode(e.reply_to, 'hex'), encode(e.id, 'hex'), 0, NULL
                FROM me, events e JOIN events p ON p.id = e.reply_to
                WHERE p.pubkey = me.pk AND e.kind = 1 AND e.pubkey <> me.pk
                UNION ALL
                SELECT 7, e.created_at, encode(e.pubkey, 'hex'), NULL, encode(e.id, 'hex'), 0, NULL
                FROM me, event_tags t JOIN events e ON e.id = t.event_id
                WHERE t.name = 'p' AND t.value = me.hex AND t.kind = 1 AND e.pubkey <> me.pk
                  AND NOT EXISTS (SELECT 1 FROM events p WHERE p.id = e.reply_to AND p.pubkey = me.pk)
            ) n WHERE created_at BETWEEN ? AND ? AND type = ANY (?)""";

    private record Item(int type, long createdAt, String actor, String post, String ref, long sats, String text) {
    }

    private Notifications() {
    }

    private static List<Integer> group(String typeGroup) throws PrimalException {
        return switch (typeGroup) {
            case "all" -> List.of(1, 3, 4, 5, 6, 7);
            case "zaps" -> List.of(3);
            case "replies" -> List.of(6);
            case "mentions" -> List.of(7);
            case "reposts" -> List.of(5);
            default -> throw new PrimalException("unknown type_group: " + typeGroup);
        };
    }

    /** {@code get_notifications}: a page of 10000110 objects, the actors' follower counts, the posts they concern. */
    static Answer page(DataSource dataSource, PrimalQueries queries, Bundle bundle, Params p)
            throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        int limit = p.cappedLimit(1000, 50);
        Params.Page page = p.page();
        List<Integer> types = group(p.string("type_group", "all"));
        List<Item> items = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                UNION + " ORDER BY created_at DESC, ref LIMIT ? OFFSET ?")) {
            bind(ps, c, pubkey, page.since(), page.until(), types);
            ps.setInt(6, limit);
            ps.setInt(7, page.offset());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new Item(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getLong(6), rs.getString(7)));
                }
            }
        }
        Answer answer = new Answer();
        Set<String> actors = new LinkedHashSet<>();
        Set<String> posts = new LinkedHashSet<>();
        for (Item item : items) {
            answer.synthetic(PrimalKinds.NOTIFICATION, content(pubkey, item));
            if (item.actor() != null) {
                actors.add(item.actor());
            }
            if (item.post() != null) {
                posts.add(item.post());
            }
            if (item.type() == 6 || item.type() == 7) {
                posts.add(item.ref());
            }
        }
        Map<String, Long> followers = queries.followerCounts(actors);
        for (String actor : actors) {
            ObjectNode stats = JSON.createObjectNode();
            stats.put("pubkey", actor);
            stats.put("followers_count", followers.getOrDefault(actor, 0L));
            answer.synthetic(PrimalKinds.USER_PROFILE, stats.toString());
        }
        bundle.addWithoutRange(answer, queries.byIds(posts, p.now()), p.hex("user_pubkey"), p.now());
        bundle.profiles(answer, actors);
        return answer;
    }

    private static String content(String pubkey, Item item) {
        ObjectNode args = JSON.createObjectNode();
        args.put("pubkey", pubkey);
        args.put("created_at", item.createdAt());
        args.put("type", item.type());
        switch (item.type()) {
            case 1 -> args.put("follower", item.actor());
            case 3 -> {
                args.put("your_post", item.post());
                args.put("who_zapped_it", item.actor());
                args.put("satszapped", item.sats());
                args.put("message", "");
            }
            case 4 -> {
                args.put("your_post", item.post());
                args.put("who_liked_it", item.actor());
                args.put("reaction", item.text() == null ? "+" : item.text());
            }
            case 5 -> {
                args.put("your_post", item.post());
                args.put("who_reposted_it", item.actor());
            }
            case 6 -> {
                args.put("your_post", item.post());
                args.put("who_replied_to_it", item.actor());
                args.put("reply", item.ref());
            }
            default -> {
                args.put("you_were_mentioned_in", item.ref());
                args.put("you_were_mentioned_by", item.actor());
            }
        }
        // Primal's id: the SHA-256 of the other fields, so the same notification always has the same id.
        ObjectNode content = JSON.createObjectNode();
        content.put("id", Hex.encode(Sha256.digest(args.toString().getBytes(StandardCharsets.UTF_8))));
        content.setAll(args);
        return content.toString();
    }

    /** The unseen counts, as Primal pushes them: top-level keys per type, not content. */
    static String summary(DataSource dataSource, String pubkey, long now) throws SQLException {
        long seen = seenUntil(dataSource, pubkey);
        Map<Integer, Long> counts = new TreeMap<>();
        COUNTED_TYPES.forEach(t -> counts.put(t, 0L));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT type, count(*) FROM (" + UNION + ") x GROUP BY type")) {
            bind(ps, c, pubkey, seen + 1, now, List.of(1, 3, 4, 5, 6, 7));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        ObjectNode summary = JSON.createObjectNode();
        summary.put("kind", PrimalKinds.NOTIFICATIONS_SUMMARY);
        summary.put("pubkey", pubkey);
        counts.forEach((type, n) -> summary.put(Integer.toString(type), n));
        return summary.toString();
    }

    static long seenUntil(DataSource dataSource, String pubkey) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT seen_until FROM notifications_seen WHERE pubkey = ?")) {
            ps.setBytes(1, Hex.decode(pubkey));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Stores the newest seen time (an older one never moves it back). */
    static void markSeen(DataSource dataSource, String pubkey, long seenUntil) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO notifications_seen (pubkey, seen_until) VALUES (?, ?)
                ON CONFLICT (pubkey) DO UPDATE SET seen_until = greatest(notifications_seen.seen_until, EXCLUDED.seen_until)""")) {
            ps.setBytes(1, Hex.decode(pubkey));
            ps.setLong(2, seenUntil);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Connection c, String pubkey, long since, long until, List<Integer> types)
            throws SQLException {
        ps.setBytes(1, Hex.decode(pubkey));
        ps.setString(2, pubkey);
        ps.setLong(3, since);
        ps.setLong(4, until);
        ps.setArray(5, c.createArrayOf("integer", types.toArray()));
    }
}
