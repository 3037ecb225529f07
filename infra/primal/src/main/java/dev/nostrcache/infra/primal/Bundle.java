package dev.nostrcache.infra.primal;

import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.EventJson;
import dev.nostrcache.infra.avatar.AvatarSize;
import dev.nostrcache.infra.primal.PrimalQueries.Row;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Primal's "enriched post bundle": the events, then what a client needs to draw them. Referenced events (the
 * reposted, replied-to and quoted ones) as {@code 10000107}; every author's kind 0 with {@code 10000119} media
 * metadata pointing at our cached avatar variants; {@code 10000100} statistics per event; {@code 10000115} the
 * viewer's own actions; {@code 10000108} follower counts; and the closing {@code 10000113} range the client pages by.
 */
final class Bundle {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CARD = "card";

    private final PrimalQueries queries;
    private final DataSource dataSource;
    private final String mediaBaseUrl;
    private final MissingProfiles missing;
    private final HotCache<Card> cards;

    /**
     * @param mediaBaseUrl the HTTP API's base URL for avatar links, or null to send no media metadata
     * @param missing      where profiles the cache lacks are looked for
     * @param cards        where authors' cards are kept (shared by the bundles of one API)
     */
    Bundle(PrimalQueries queries, DataSource dataSource, String mediaBaseUrl, MissingProfiles missing,
           HotCache<Card> cards) {
        this.queries = queries;
        this.dataSource = dataSource;
        this.mediaBaseUrl = mediaBaseUrl;
        this.missing = missing;
        this.cards = cards;
    }

    /** Adds the bundle of {@code events} (in their order) with its range ({@code orderBy} names the sort). */
    void add(Answer answer, List<Row> events, String viewer, String orderBy, long now) throws SQLException {
        addWithoutRange(answer, events, viewer, now);
        range(answer, events, orderBy);
    }

    void addWithoutRange(Answer answer, List<Row> events, String viewer, long now) throws SQLException {
        Set<String> primaryIds = new LinkedHashSet<>();
        Set<String> referenceIds = new LinkedHashSet<>();
        for (Row row : events) {
            answer.event(row.id(), row.json());
            primaryIds.add(row.id());
            if (row.refEvent() != null && KindRegistry.STANDARD.queueOf(row.kind()) == QueueGroup.REPOSTS) {
                referenceIds.add(row.refEvent());
            }
            if (row.replyTo() != null) {
                referenceIds.add(row.replyTo());
            }
            referenceIds.addAll(quoted(row.json()));
        }
        referenceIds.removeAll(primaryIds);
        List<Row> referenced = queries.byIds(referenceIds, now);
        Set<String> authors = new LinkedHashSet<>();
        events.forEach(r -> authors.add(r.pubkey()));
        for (Row ref : referenced) {
            if (!answer.hasEvent(ref.id())) {
                answer.synthetic(PrimalKinds.REFERENCED_EVENT, "\"pubkey\":\"" + ref.pubkey() + "\"", ref.json());
            }
            authors.add(ref.pubkey());
        }
        Map<String, Card> authorCards = cards(authors);
        addCards(answer, authorCards.values());
        Set<String> statIds = new LinkedHashSet<>(primaryIds);
        referenced.forEach(r -> statIds.add(r.id()));
        Map<String, PrimalQueries.EventStats> read = new HashMap<>();
        for (Row row : events) {
            if (row.stats() != null) {
                read.put(row.id(), row.stats());
            }
        }
        stats(answer, statIds, read);
        actions(answer, viewer, statIds);
        answer.synthetic(PrimalKinds.USER_SCORES, followerCountsJson(authorCards));
    }

    /**
     * What a bundle says about an author: its kind 0 ({@code null} when neither the cache nor, for a bundle that looks
     * up, the upstream relays have one), the {@code 10000119} media metadata of its cached picture (or {@code null}),
     * and its follower count.
     */
    record Card(Row profile, String media, long followers) {
        /** What the hot cache bounds a card by: its kind 0's characters (the media object is small and fixed). */
        int weight() {
            return profile == null ? 0 : profile.json().length();
        }
    }

    /** Kind 0s of {@code pubkeys} that have one, then the media metadata of their pictures. */
    void profiles(Answer answer, Collection<String> pubkeys) throws SQLException {
        addCards(answer, cards(pubkeys).values());
    }

    private static void addCards(Answer answer, Collection<Card> found) {
        for (Card card : found) {
            if (card.profile() != null) {
                answer.event(card.profile().id(), card.profile().json());
            }
        }
        for (Card card : found) {
            if (card.media() != null) {
                answer.raw(card.media());
            }
        }
    }

    /**
     * The card of each of {@code pubkeys}, in their order. Cards are kept in the hot cache (forgotten when the
     * author's events or a contact list are stored, else after its TTL), so a feed of authors seen lately reads no
     * profile, picture or count. A bundle that looks up takes a kept card without a profile as absent and loads it
     * again, so that the upstream relays are asked (as rarely as {@link MissingProfiles} allows).
     */
    Map<String, Card> cards(Collection<String> pubkeys) throws SQLException {
        Map<String, Card> out = new LinkedHashMap<>();
        List<String> absent = new ArrayList<>();
        for (String pk : pubkeys) {
            Card card = cards.peek(CARD, pk);
            if (card == null || card.profile() == null && missing.asksAnyone()) {
                absent.add(pk);
            }
            out.put(pk, card);
        }
        if (absent.isEmpty()) {
            return out;
        }
        Map<String, Row> profiles = profileRows(absent);
        Map<String, String> media = media(profiles.values());
        Map<String, Long> followers = queries.followerCounts(absent);
        for (String pk : absent) {
            Card card = new Card(profiles.get(pk), media.get(pk), followers.getOrDefault(pk, 0L));
            out.put(pk, card);
            cards.put(CARD, pk, card);
        }
        return out;
    }

    /** The stored kind 0s of {@code pubkeys}, and for those the cache lacks, what the upstream relays sent in time. */
    private Map<String, Row> profileRows(Collection<String> pubkeys) throws SQLException {
        Map<String, Row> profiles = queries.profiles(pubkeys);
        if (profiles.size() < pubkeys.size()) {
            List<String> absent = pubkeys.stream().filter(pk -> !profiles.containsKey(pk)).toList();
            missing.fetch(absent).forEach((pk, found) -> profiles.put(pk, new Row(found.event().id(), pk, 0,
                    found.event().createdAt(), found.json(), null, null)));
        }
        return profiles;
    }

    /**
     * A {@code 10000100} per event, its counters from {@code read} (read with the events) or else from the database.
     * Its content, like the range's and the follower counts', holds only hex ids, numbers and fixed names, so it is
     * written directly (no tree, no JSON writer: every feed writes twenty of them).
     */
    void stats(Answer answer, Collection<String> ids, Map<String, PrimalQueries.EventStats> read) throws SQLException {
        Map<String, PrimalQueries.EventStats> stats = queries.eventStats(
                ids.stream().filter(id -> !read.containsKey(id)).toList());
        stats.putAll(read);
        for (String id : ids) {
            PrimalQueries.EventStats s = stats.getOrDefault(id, PrimalQueries.EventStats.NONE);
            answer.synthetic(PrimalKinds.EVENT_STATS, new StringBuilder(224).append("{\"event_id\":\"").append(id)
                    .append("\",\"likes\":").append(s.reactions())
                    .append(",\"replies\":").append(s.replies())
                    .append(",\"mentions\":").append(s.mentions())
                    .append(",\"reposts\":").append(s.reposts())
                    .append(",\"zaps\":").append(s.zaps())
                    .append(",\"satszapped\":").append(s.zappedMsats() / 1000)
                    .append(",\"score\":0,\"score24h\":0,\"bookmarks\":0}").toString());
        }
    }

    private void actions(Answer answer, String viewer, Collection<String> ids) throws SQLException {
        for (Map.Entry<String, PrimalQueries.Actions> e : queries.viewerActions(viewer, ids).entrySet()) {
            ObjectNode content = JSON.createObjectNode();
            content.put("event_id", e.getKey());
            content.put("replied", e.getValue().replied());
            content.put("liked", e.getValue().liked());
            content.put("reposted", e.getValue().reposted());
            content.put("zapped", e.getValue().zapped());
            content.putNull("voted_for_option");
            answer.synthetic(PrimalKinds.EVENT_ACTIONS_COUNT, content.toString());
        }
    }

    /** {@code 10000108} {pubkey: followers}, for every pubkey asked (0 when nothing is known). */
    void followerCounts(Answer answer, Collection<String> pubkeys) throws SQLException {
        answer.synthetic(PrimalKinds.USER_SCORES, followerCountsJson(pubkeys));
    }

    String followerCountsJson(Collection<String> pubkeys) throws SQLException {
        return followerCountsJson(cards(pubkeys));
    }

    static String followerCountsJson(Map<String, Card> cards) {
        StringBuilder content = new StringBuilder(16 + cards.size() * 80).append('{');
        cards.forEach((pk, card) -> content.append(content.length() > 1 ? ",\"" : "\"").append(pk).append("\":")
                .append(card.followers()));
        return content.append('}').toString();
    }

    /** The closing range: since/until of the page (by created_at), the sort, and the ids in order. */
    static void range(Answer answer, List<Row> events, String orderBy) {
        range(answer, events.isEmpty() ? null : events.stream().mapToLong(Row::createdAt).min().orElseThrow(),
                events.isEmpty() ? null : events.stream().mapToLong(Row::createdAt).max().orElseThrow(), orderBy,
                events.stream().map(Row::id).toList());
    }

    /** A {@code 10000113} range: {@code since}/{@code until} (null on an empty page) of {@code orderBy}, the elements. */
    static void range(Answer answer, Long since, Long until, String orderBy, List<String> elements) {
        StringBuilder content = new StringBuilder(64 + elements.size() * 67)
                .append("{\"since\":").append(since).append(",\"until\":").append(until).append(",\"order_by\":");
        EventJson.appendString(content, orderBy);
        content.append(",\"elements\":[");
        for (int i = 0; i < elements.size(); i++) {
            EventJson.appendString(i > 0 ? content.append(',') : content, elements.get(i));
        }
        answer.synthetic(PrimalKinds.RANGE, content.append("]}").toString());
    }

    /**
     * Ids in {@code q} tags (quotes), as far as the tags can be read. Stored events are in the compact NIP-01
     * serialisation, where a {@code q} tag with a value reads {@code ["q",} and a string's quotes are escaped, so an
     * event without that text is not parsed at all (most are not quotes; every feed parsed each of its events).
     */
    private static List<String> quoted(String json) {
        List<String> ids = new ArrayList<>();
        if (!json.contains("[\"q\",")) {
            return ids;
        }
        var tags = JSON.readTree(json).get("tags");
        if (tags != null && tags.isArray()) {
            for (var tag : tags.values()) {
                if (tag.size() >= 2 && "q".equals(tag.get(0).asString()) && Hex.isLowerHex(tag.get(1).asString(), 64)) {
                    ids.add(tag.get(1).asString());
                }
            }
        }
        return ids;
    }

    /**
     * {@code 10000119} for each profile whose picture is in our avatar cache, by pubkey: the variants, with their
     * sizes, as links to {@code /profile-pic} (which redirects to the stored object).
     */
    private Map<String, String> media(Collection<Row> profiles) throws SQLException {
        Map<String, String> out = new HashMap<>();
        if (mediaBaseUrl == null || profiles.isEmpty()) {
            return out;
        }
        Map<String, Row> byPubkey = new HashMap<>();
        profiles.forEach(p -> byPubkey.put(p.pubkey(), p));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT encode(pubkey, 'hex'), source_url, content_type, width, height, variants FROM avatars
                WHERE pubkey = ANY (?) AND status = 'cached'""")) {
            ps.setArray(1, c.createArrayOf("bytea", byPubkey.keySet().stream().map(Hex::decode).toArray(byte[][]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String pubkey = rs.getString(1);
                    int width = rs.getInt(4);
                    int height = rs.getInt(5);
                    List<String> files = List.of((String[]) rs.getArray(6).getArray());
                    ObjectNode content = JSON.createObjectNode();
                    content.put("event_id", byPubkey.get(pubkey).id());
                    ObjectNode resource = content.putArray("resources").addObject();
                    resource.put("url", rs.getString(2));
                    resource.put("mt", rs.getString(3));
                    ArrayNode variants = resource.putArray("variants");
                    for (AvatarSize size : AvatarSize.values()) {
                        String file = files.stream().filter(f -> f.startsWith(size.code() + ".")).findFirst().orElse(null);
                        if (file == null) {
                            continue;
                        }
                        double scale = Math.min(1.0, (double) size.maxEdge() / Math.max(width, height));
                        variants.addObject().put("s", size.code()).put("a", 0)
                                .put("w", Math.max(1, Math.round(width * scale)))
                                .put("h", Math.max(1, Math.round(height * scale)))
                                .put("mt", file.endsWith(".png") ? "image/png" : "image/jpeg").put("dur", 0)
                                .put("media_url", mediaBaseUrl + "profile-pic/" + pubkey + "?size=" + size.code());
                    }
                    out.put(pubkey, Answer.syntheticObject(PrimalKinds.MEDIA_METADATA, content.toString()));
                }
            }
        }
        return out;
    }
}
