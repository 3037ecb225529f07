package dev.nostrcache.infra.primal;

import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.infra.primal.PrimalQueries.Authors;
import dev.nostrcache.infra.primal.PrimalQueries.Replies;
import dev.nostrcache.infra.primal.PrimalQueries.Row;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.net.UpstreamQuery;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;

import static dev.nostrcache.infra.primal.Bundle.JSON;

/**
 * Primal's cache API: {@code ["REQ", subid, {"cache": [op, params]}]} answered the way Primal's server answers, from
 * our tables. Each op reads its parameters with Primal's names, defaults and caps, and returns the objects to send
 * as EVENTs; a refusal is a {@link PrimalException} whose message becomes the NOTICE. Which ops exist and how far
 * each is served is in docs/primal-api.md.
 */
public final class PrimalApi {

    /** What a request came to: the objects to send, or an unknown op. */
    public sealed interface Result {
        /**
         * @param objects       what to send as EVENTs
         * @param eoseFirst     an async op: EOSE at once, the objects after it
         * @param notifyPubkey  when set, the request stays open and is pushed a fresh answer whenever an event that
         *                      tags this pubkey is stored (it counts against the subscription cap until CLOSE)
         */
        record Objects(List<String> objects, boolean eoseFirst, String notifyPubkey) implements Result {
        }

        record Unknown() implements Result {
        }
    }

    @FunctionalInterface
    private interface Op {
        Answer run(Params p) throws PrimalException, SQLException;
    }

    /** Primal's async ops: EOSE at once, the answer after it. */
    static final Set<String> ASYNC = Set.of("notification_counts", "net_stats", "directmsg_count");

    static final List<Integer> NOTE_KINDS = List.of(1, 6);
    private static final String DEFAULT_CLIENT = "Primal-Web App";

    /** How far back {@code explore_topics} looks, widened in turn while nothing was tagged (0: all stored notes). */
    private static final long[] TOPIC_WINDOWS_DAYS = {7, 30, 0};
    private static final int TOPICS = 100;
    /** Highlights of one article answered at most (Primal answers all; an article rarely has more). */
    private static final int MAX_HIGHLIGHTS = 500;
    /** Live streams of followed accounts looked at, newest first (ended ones among them are left out). */
    private static final int MAX_LIVE_EVENTS = 100;
    private static final int NOTE = 1;
    private static final int LONG_FORM = 30023;
    /**
     * The hot caches' bounds, in entries and in the size of one (a larger one is loaded each time): some 130 million
     * characters at worst, whatever size of kind 0 authors publish.
     */
    private static final int KEPT_CARDS = 10_000;
    static final int MAX_KEPT_PROFILE_CHARS = 4_096;
    private static final int KEPT_ANSWERS = 10_000;
    private static final int MAX_KEPT_ANSWER_CHARS = 8_192;
    private static final int RECOMMENDED_READS = 10;
    private static final int READS_TOPICS = 20;
    private static final int FEATURED_AUTHORS = 20;
    /** Handler announcements looked at for the feed marketplace, newest first. */
    private static final int MAX_DVM_FEEDS = 100;
    /** NIP-90's content-discovery job kind: a DVM that answers it is a feed. */
    private static final String CONTENT_DISCOVERY = "5300";

    private final DataSource dataSource;
    private final PrimalQueries queries;
    private final Bundle bundle;
    /**
     * The bundle for the answers that name a few people a page cannot do without (a profile, the user cards, a
     * thread's authors): the profiles the cache lacks are looked up upstream. Feeds and lists, which name many, are
     * not held up by that.
     */
    private final Bundle lookingUp;
    private final EventSubmitter submitter;
    private final List<String> defaultRelays;
    private final Clock clock;
    private final EventVerifier verifier;
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final Map<String, Op> ops = new LinkedHashMap<>();
    private final HotCache<List<String>> hot;
    private final HotCache<Bundle.Card> cards;
    private final String homeLatestOf;

    /** An API that looks up nothing upstream and shows the most-followed accounts as "Latest" to unknown viewers. */
    public PrimalApi(DataSource dataSource, EventSubmitter submitter, List<String> defaultRelays, String mediaBaseUrl,
                     Clock clock) {
        this(dataSource, submitter, defaultRelays, mediaBaseUrl, clock, null, null);
    }

    /**
     * @param profileLookup the upstream relays asked for profiles an answer names that the cache lacks, with the
     *                      deadline an answer waits for them; null asks nobody
     * @param homeLatestOf  hex pubkey whose follows "Latest" shows a viewer without a stored contact list; null: the
     *                      most-followed accounts
     */
    public PrimalApi(DataSource dataSource, EventSubmitter submitter, List<String> defaultRelays, String mediaBaseUrl,
                     Clock clock, UpstreamQuery profileLookup, String homeLatestOf) {
        this.dataSource = dataSource;
        this.queries = new PrimalQueries(dataSource, clock);
        this.cards = new HotCache<>(clock, HotCache.TTL, KEPT_CARDS, Bundle.Card::weight, MAX_KEPT_PROFILE_CHARS);
        this.bundle = new Bundle(queries, dataSource, mediaBaseUrl, MissingProfiles.NONE, cards);
        this.lookingUp = new Bundle(queries, dataSource, mediaBaseUrl, new MissingProfiles(profileLookup, submitter, clock),
                cards);
        this.homeLatestOf = homeLatestOf;
        this.submitter = submitter;
        this.defaultRelays = List.copyOf(defaultRelays);
        this.clock = clock;
        this.verifier = new EventVerifier(SchnorrVerifier.fastest(), Limits.DEFAULTS, clock);
        this.hot = new HotCache<>(clock, HotCache.TTL, KEPT_ANSWERS,
                objects -> objects.stream().mapToInt(String::length).sum(), MAX_KEPT_ANSWER_CHARS);
        register();
    }

    /** The op names served, in the order docs/primal-api.md lists them. */
    public Set<String> ops() {
        return ops.keySet();
    }

    public Result answer(String op, JsonNode params) throws PrimalException, SQLException {
        Op handler = ops.get(op);
        if (handler == null) {
            return new Result.Unknown();
        }
        Params p = new Params(params, clock.millis() / 1000);
        List<String> objects = handler.run(p).objects();
        return new Result.Objects(objects, ASYNC.contains(op),
                op.equals("notification_counts") ? p.requiredHex("pubkey") : null);
    }

    /**
     * Tells the hot-path caches that {@code event} was stored: what its author and the pubkeys it tags show is
     * forgotten; a contact list or a deletion can change anyone's counts and follow sets, so it clears everything.
     */
    public void changed(Event event) {
        QueueGroup family = KindRegistry.STANDARD.queueOf(event.kind());
        if (family == QueueGroup.CONTACTS || family == QueueGroup.DELETIONS) {
            hot.clear();
            cards.clear();
            queries.forgetFollowSets();
            return;
        }
        hot.invalidate(event.pubkey());
        cards.invalidate(event.pubkey());
        for (String tagged : event.tagValues("p")) {
            hot.invalidate(tagged);
            cards.invalidate(tagged);
        }
    }

    /**
     * The push an open request gets when {@code event} is stored: for {@code notification_counts}, the fresh counts
     * when someone else's event tags the pubkey; null when there is nothing to push.
     */
    public String push(String op, String pubkey, Event event) throws SQLException {
        if (op.equals("notification_counts") && !event.pubkey().equals(pubkey)) {
            return Notifications.summary(dataSource, pubkey, clock.millis() / 1000);
        }
        return null;
    }

    private void register() {
        ops.put("set_primal_protocol", p -> new Answer());
        // What the web client asks on every page.
        ops.put("get_app_releases", p -> new Answer().synthetic(PrimalKinds.APP_RELEASES, "{}"));
        ops.put("get_default_app_settings", p -> defaultSettings(p.string("client", DEFAULT_CLIENT)));
        ops.put("get_home_feeds", p -> new Answer().synthetic(PrimalKinds.HOME_FEEDS, FeedSpecs.HOME_FEEDS));
        ops.put("get_reads_feeds", p -> new Answer().synthetic(PrimalKinds.READS_FEEDS, FeedSpecs.READS_FEEDS));
        ops.put("get_recommended_blossom_servers", p -> new Answer().synthetic(PrimalKinds.RECOMMENDED_BLOSSOM_SERVERS, "[]"));
        ops.put("get_default_relays", p -> new Answer().synthetic(PrimalKinds.DEFAULT_RELAYS,
                JSON.writeValueAsString(defaultRelays)));
        ops.put("user_infos", this::userInfos);
        // Home.
        ops.put("mega_feed_directive", this::megaFeed);
        ops.put("feed", this::feed);
        ops.put("scored", this::scored);
        ops.put("explore", this::explore);
        ops.put("explore_topics", this::exploreTopics);
        // The reads page's sidebar and recommendations, from the stored articles.
        ops.put("get_recommended_reads", this::recommendedReads);
        ops.put("long_form_content_feed", this::longFormFeed);
        ops.put("get_reads_topics", p -> new Answer().synthetic(PrimalKinds.READS_TOPICS,
                JSON.writeValueAsString(List.copyOf(queries.hashtags(LONG_FORM, 0, READS_TOPICS).keySet()))));
        ops.put("get_featured_authors", p -> new Answer().synthetic(PrimalKinds.FEATURED_AUTHORS,
                JSON.writeValueAsString(queries.articleAuthors(FEATURED_AUTHORS))));
        // Profile.
        ops.put("user_profile", this::userProfile);
        ops.put("user_profile_scored_content", this::userProfileScoredContent);
        ops.put("creator_paid_tiers", p -> new Answer());
        ops.put("contact_list", this::contactList);
        ops.put("user_followers", this::userFollowers);
        ops.put("is_user_following", p -> new Answer().synthetic(PrimalKinds.IS_USER_FOLLOWING,
                Boolean.toString(queries.follows(p.requiredHex("pubkey"), p.requiredHex("user_pubkey")))));
        ops.put("user_profile_followed_by", this::followedBy);
        ops.put("get_user_relays", this::userRelays);
        // Thread.
        ops.put("thread_view", this::threadView);
        ops.put("long_form_content_thread_view", this::articleThread);
        ops.put("get_highlights", this::highlights);
        ops.put("live_events_from_follows", this::liveEventsFromFollows);
        ops.put("event_zaps_by_satszapped", this::eventZaps);
        ops.put("user_zaps_sent", this::userZapsSent);
        ops.put("explore_zaps", this::exploreZaps);
        ops.put("scored_users_24h", this::scoredUsers);
        ops.put("explore_people", this::explorePeople);
        ops.put("get_featured_dvm_feeds", this::featuredDvmFeeds);
        ops.put("explore_media", p -> {
            Answer answer = new Answer();
            bundle.add(answer, queries.mediaNotes(null, p.page(), p.limit(20, 100), p.now()), p.hex("user_pubkey"), "created_at",
                    p.now());
            return answer;
        });
        ops.put("note_mentions_count", this::mentionsCount);
        ops.put("events", this::events);
        // Search, lists, notifications, settings, network.
        ops.put("user_search", this::userSearch);
        ops.put("search", this::search);
        ops.put("mutelist", p -> list(p, PrimalKinds.MUTE_LIST, ""));
        ops.put("mutelists", p -> list(p, PrimalKinds.FOLLOW_SETS, "mutelists"));
        ops.put("allowlist", p -> list(p, PrimalKinds.FOLLOW_SETS, "allowlist"));
        ops.put("replaceable_event", p -> list(p, p.requiredKind("kind"), ""));
        ops.put("parametrized_replaceable_event", p -> list(p, p.requiredKind("kind"), p.requiredString("identifier")));
        ops.put("parametrized_replaceable_events", this::addressableEvents);
        ops.put("get_bookmarks", p -> list(p, PrimalKinds.BOOKMARKS, ""));
        ops.put("get_notifications", p -> Notifications.page(dataSource, queries, bundle, p));
        ops.put("notification_counts", p -> new Answer().raw(Notifications.summary(dataSource, p.requiredHex("pubkey"), p.now())));
        // Unread direct messages: the cache keeps no read state (Primal's reset_directmsg_count is not served) and
        // does not ingest kind 4 by default, so the count is zero rather than every message ever received.
        ops.put("directmsg_count", p -> new Answer().raw("{\"kind\":" + PrimalKinds.MESSAGE_STATS + ",\"cnt\":\"0\"}"));
        ops.put("get_notifications_seen", p -> new Answer().synthetic(PrimalKinds.NOTIFICATIONS_SEEN_UNTIL,
                Long.toString(Notifications.seenUntil(dataSource, p.requiredHex("pubkey")))));
        ops.put("set_notifications_seen", p -> {
            Event seen = signed(p, "event_from_user");
            Notifications.markSeen(dataSource, seen.pubkey(), seen.createdAt());
            return new Answer();
        });
        ops.put("net_stats", p -> new Answer().synthetic(PrimalKinds.NET_STATS,
                JSON.writeValueAsString(queries.networkTotals())));
        ops.put("get_app_settings", this::getAppSettings);
        ops.put("set_app_settings", this::setAppSettings);
    }

    private Answer defaultSettings(String client) {
        return new Answer().synthetic(PrimalKinds.DEFAULT_SETTINGS, "\"tags\":[[\"d\"," + JSON.writeValueAsString(client) + "]]",
                FeedSpecs.DEFAULT_SETTINGS);
    }

    private Answer userInfos(Params p) throws PrimalException, SQLException {
        List<String> pubkeys = p.hexList("pubkeys");
        if (!p.has("pubkeys")) {
            throw new PrimalException("missing pubkeys");
        }
        Map<String, Bundle.Card> infos = lookingUp.cards(pubkeys);
        Answer answer = new Answer();
        for (Bundle.Card card : infos.values()) {
            if (card.profile() != null) {
                answer.raw(card.profile().json());
            }
            if (card.media() != null) {
                answer.raw(card.media());
            }
        }
        String counts = Bundle.followerCountsJson(infos);
        answer.synthetic(PrimalKinds.USER_SCORES, counts);
        answer.synthetic(PrimalKinds.USER_FOLLOWER_COUNTS, counts);
        // Primal's verified names and membership features: none here, sent empty so clients find what they expect.
        answer.synthetic(PrimalKinds.USER_PRIMAL_NAMES, "{}");
        answer.synthetic(PrimalKinds.MEMBERSHIP_LEGEND_CUSTOMIZATION, "{}");
        answer.synthetic(PrimalKinds.MEMBERSHIP_COHORTS, "{}");
        return answer;
    }

    private Answer userProfile(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        p.hex("user_pubkey");
        Answer answer = new Answer();
        hot.get("profile", pubkey, () -> List.copyOf(loadUserProfile(pubkey).objects())).forEach(answer::raw);
        return answer;
    }

    private Answer loadUserProfile(String pubkey) throws SQLException {
        Answer answer = new Answer();
        lookingUp.profiles(answer, List.of(pubkey));
        PrimalQueries.UserStats s = queries.userStats(pubkey);
        ObjectNode content = JSON.createObjectNode();
        content.put("pubkey", pubkey);
        content.put("follows_count", s.follows());
        content.put("followers_count", s.followers());
        content.put("note_count", s.notes());
        content.put("long_form_note_count", s.longForm());
        content.put("reply_count", s.replies());
        if (s.timeJoined() == null) {
            content.putNull("time_joined");
        } else {
            content.put("time_joined", s.timeJoined());
        }
        content.put("relay_count", s.relays());
        content.put("total_zap_count", s.zaps());
        content.put("total_satszapped", s.zappedMsats() / 1000);
        content.put("media_count", 0);
        content.put("content_zap_count", s.contentZaps());
        answer.synthetic(PrimalKinds.USER_PROFILE, content.toString());
        return answer;
    }

    private Answer feed(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        return feedOf(p, pubkey, p.string("notes", "follows"), p.bool("include_replies", false));
    }

    private Answer feedOf(Params p, String pubkey, String notes, boolean includeReplies)
            throws PrimalException, SQLException {
        String viewer = p.hex("user_pubkey");
        int limit = p.limit(20, 1000);
        List<Integer> kinds = p.intList("kinds", NOTE_KINDS);
        Params.Page page = p.page();
        List<Row> rows = switch (notes) {
            case "follows" -> queries.feed(Authors.FOLLOWS_OF, pubkey, kinds,
                    includeReplies ? Replies.INCLUDE : Replies.EXCLUDE, page, limit, p.now());
            case "authored" -> queries.feed(Authors.AUTHOR, pubkey, kinds,
                    includeReplies ? Replies.INCLUDE : Replies.EXCLUDE, page, limit, p.now());
            case "replies" -> queries.feed(Authors.AUTHOR, pubkey, List.of(1), Replies.ONLY, page, limit, p.now());
            case "user_media_thumbnails" -> queries.mediaNotes(pubkey, page, limit, p.now());
            case "most-followed" -> queries.feed(Authors.MOST_FOLLOWED, null, kinds,
                    includeReplies ? Replies.INCLUDE : Replies.EXCLUDE, page, limit, p.now());
            default -> throw new PrimalException("unsupported notes: " + notes);
        };
        Answer answer = new Answer();
        bundle.add(answer, rows, viewer, "created_at", p.now());
        return answer;
    }

    private Answer megaFeed(Params p) throws PrimalException, SQLException {
        JsonNode spec;
        try {
            spec = JSON.readTree(p.requiredString("spec"));
        } catch (JacksonException e) {
            throw new PrimalException("invalid spec");
        }
        if (spec == null || !spec.isObject()) {
            throw new PrimalException("invalid spec");
        }
        String id = spec.path("id").asString("");
        String kind = spec.path("kind").asString("notes");
        String viewer = p.hex("user_pubkey");
        if (kind.equals("reads")) {
            return reads(p, viewer, spec);
        }
        return switch (id) {
            case "latest" -> {
                if (viewer == null) {
                    throw new PrimalException("the latest feed needs user_pubkey");
                }
                // Logged out, Primal's client asks for the follows of Primal's own account, which a self-hosted cache
                // does not hold: a viewer without a stored contact list gets the configured account's follows, or
                // the most-followed accounts.
                boolean replies = spec.path("include_replies").asBoolean(false);
                if (queries.followsAnyone(viewer)) {
                    yield feedOf(p, viewer, "follows", replies);
                }
                if (homeLatestOf != null && queries.followsAnyone(homeLatestOf)) {
                    yield feedOf(p, homeLatestOf, "follows", replies);
                }
                yield feedOf(p, viewer, "most-followed", replies);
            }
            case "feed" -> {
                String pubkey = spec.path("pubkey").asString("");
                if (!Hex.isLowerHex(pubkey, 64)) {
                    throw new PrimalException("invalid pubkey");
                }
                yield feedOf(p, pubkey, spec.path("notes").asString("authored"), spec.path("include_replies").asBoolean(false));
            }
            case "global-trending" -> ranked(p, TrendingScores.trendingSelector(spec.path("hours").asInt(24)), "score");
            case "most-zapped" -> ranked(p, TrendingScores.mostZappedSelector(spec.path("hours").asInt(4)), "satszapped");
            case "all-notes" -> global(p);
            case "advsearch" -> {
                Answer answer = new Answer();
                SearchQuery query = SearchQuery.parse(spec.path("query").asString(""), p.now());
                bundle.add(answer, queries.advancedSearch(query, p.page(), p.limit(20, 100), p.now()), viewer, "created_at",
                        p.now());
                yield answer;
            }
            default -> throw new PrimalException("feed spec not served here: " + spec);
        };
    }

    /**
     * Articles: a profile's ({@code pubkey}, {@code notes} {@code authored} or {@code follows}), the viewer's follows'
     * ({@code scope: follows}), or everyone's; newest first.
     */
    private Answer reads(Params p, String viewer, JsonNode spec) throws PrimalException, SQLException {
        int limit = p.limit(20, 1000);
        String pubkey = spec.path("pubkey").asString("");
        Authors authors;
        String of;
        if (!pubkey.isEmpty()) {
            if (!Hex.isLowerHex(pubkey, 64)) {
                throw new PrimalException("invalid pubkey");
            }
            authors = spec.path("notes").asString("authored").equals("follows") ? Authors.FOLLOWS_OF : Authors.AUTHOR;
            of = pubkey;
        } else if ("follows".equals(spec.path("scope").asString("")) && viewer != null) {
            authors = Authors.FOLLOWS_OF;
            of = viewer;
        } else {
            authors = Authors.ANYONE;
            of = null;
        }
        List<Row> rows = queries.feed(authors, of, List.of(LONG_FORM), Replies.INCLUDE, p.page(), limit, p.now());
        Answer answer = new Answer();
        bundle.add(answer, rows, viewer, "created_at", p.now());
        return answer;
    }

    /**
     * Articles by {@code pubkey} ({@code notes} {@code authored}, the default) or by its follows ({@code follows}), or
     * by anyone without a pubkey, newest first (an article page's "more from this author").
     */
    private Answer longFormFeed(Params p) throws PrimalException, SQLException {
        String pubkey = p.hex("pubkey");
        String viewer = p.hex("user_pubkey");
        Authors authors = switch (p.string("notes", "authored")) {
            case "authored" -> pubkey == null ? Authors.ANYONE : Authors.AUTHOR;
            case "follows" -> {
                if (pubkey == null) {
                    throw new PrimalException("missing pubkey");
                }
                yield Authors.FOLLOWS_OF;
            }
            default -> throw new PrimalException("unsupported notes: " + p.string("notes", ""));
        };
        List<Row> rows = queries.feed(authors, pubkey, List.of(LONG_FORM), Replies.INCLUDE, p.page(),
                p.limit(20, 1000), p.now());
        Answer answer = new Answer();
        bundle.add(answer, rows, viewer, "created_at", p.now());
        return answer;
    }

    private Answer global(Params p) throws PrimalException, SQLException {
        int limit = p.limit(20, 1000);
        List<Row> rows = queries.feed(Authors.ANYONE, null, List.of(1), Replies.EXCLUDE, p.page(), limit, p.now());
        Answer answer = new Answer();
        bundle.add(answer, rows, p.hex("user_pubkey"), "created_at", p.now());
        return answer;
    }

    /**
     * A precomputed ranking's page. A first page that would be empty (nothing was engaged with in the window) widens to
     * the family's wider windows, then to the newest notes, so a quiet self-hosted cache still opens on notes.
     */
    private Answer ranked(Params p, String selector, String orderBy) throws PrimalException, SQLException {
        Ranking ranking = widened(p, selector, orderBy, p.cappedLimit(20, 100), (int) Math.max(0, p.number("offset", 0)));
        Answer answer = new Answer();
        bundle.add(answer, ranking.rows(), p.hex("user_pubkey"), ranking.orderBy(), p.now());
        return answer;
    }

    /** A ranking's rows and what they are ordered by ({@code created_at} once it fell back to the newest notes). */
    private record Ranking(List<Row> rows, String orderBy) {
    }

    private Ranking widened(Params p, String selector, String orderBy, int limit, int offset)
            throws PrimalException, SQLException {
        for (String window : offset == 0 ? TrendingScores.widening(selector) : List.of(selector)) {
            List<Row> rows = queries.ranked(window, limit, offset, p.now());
            if (!rows.isEmpty()) {
                return new Ranking(rows, orderBy);
            }
        }
        if (offset == 0) {
            return new Ranking(queries.feed(Authors.ANYONE, null, List.of(1), Replies.EXCLUDE, p.page(), limit, p.now()),
                    "created_at");
        }
        return new Ranking(List.of(), orderBy);
    }

    private Answer scored(Params p) throws PrimalException, SQLException {
        String selector = p.requiredString("selector");
        if (!TrendingScores.SELECTORS.contains(selector)) {
            throw new PrimalException("unknown selector: " + selector);
        }
        // The home page's sidebar: widened like the feeds, so a quiet last few hours do not leave it empty.
        List<Row> rows = widened(p, selector, "score", 100, 0).rows();
        Answer full = new Answer();
        bundle.addWithoutRange(full, rows, null, p.now());
        Answer answer = new Answer();
        for (String object : full.objects()) {
            int kind = JSON.readTree(object).path("kind").asInt();
            if (kind == 0 || kind == 1 || kind == PrimalKinds.REFERENCED_EVENT || kind == PrimalKinds.MEDIA_METADATA) {
                answer.raw(object);
            }
        }
        return answer;
    }

    /**
     * The hashtags of recent notes with their note counts (Primal precomputes them; a cache counts its own). The window
     * widens while it is empty: Primal's web client asks again at once, forever, while the answer holds no topic.
     */
    private Answer exploreTopics(Params p) throws SQLException {
        Map<String, Long> topics = Map.of();
        for (long days : TOPIC_WINDOWS_DAYS) {
            topics = queries.hashtags(NOTE, days == 0 ? 0 : p.now() - days * 86_400, TOPICS);
            if (!topics.isEmpty()) {
                break;
            }
        }
        ObjectNode content = JSON.createObjectNode();
        topics.forEach(content::put);
        return new Answer().synthetic(PrimalKinds.TOPIC_STATS, content.toString());
    }

    /**
     * {@code {"reads": [[naddr, title], ...]}}: the most engaged-with articles of the last 30 days (all stored ones when
     * there are none), which the client then asks {@code events} for by their naddrs.
     */
    private Answer recommendedReads(Params p) throws SQLException {
        List<Row> articles = queries.engagingArticles(p.now() - 30 * 86_400L, RECOMMENDED_READS, p.now());
        if (articles.isEmpty()) {
            articles = queries.engagingArticles(0, RECOMMENDED_READS, p.now());
        }
        ObjectNode content = JSON.createObjectNode();
        ArrayNode reads = content.putArray("reads");
        for (Row article : articles) {
            JsonNode event = JSON.readTree(article.json());
            String title = "";
            String identifier = null;
            for (JsonNode tag : event.path("tags").values()) {
                if (tag.size() >= 2 && "title".equals(tag.get(0).asString()) && title.isEmpty()) {
                    title = tag.get(1).asString();
                } else if (tag.size() >= 2 && "d".equals(tag.get(0).asString()) && identifier == null) {
                    identifier = tag.get(1).asString();
                }
            }
            reads.addArray().add(Nip19.naddr(new Nip19.Address(LONG_FORM, article.pubkey(),
                    identifier == null ? "" : identifier))).add(title);
        }
        return new Answer().synthetic(PrimalKinds.RECOMMENDED_READS, content.toString());
    }

    private Answer explore(Params p) throws PrimalException, SQLException {
        String timeframe = p.requiredString("timeframe");
        String scope = p.requiredString("scope");
        if (!scope.equals("global")) {
            throw new PrimalException("explore scope not served here: " + scope);
        }
        return switch (timeframe) {
            case "trending", "popular" -> ranked(p, "trending_24h", "score");
            case "mostzapped" -> ranked(p, "mostzapped_24h", "satszapped");
            case "latest" -> {
                int limit = p.cappedLimit(20, 50);
                List<Row> rows = queries.feed(Authors.ANYONE, null, p.intList("kinds", List.of(1)), Replies.EXCLUDE,
                        p.page(), limit, p.now());
                Answer answer = new Answer();
                bundle.add(answer, rows, p.hex("user_pubkey"), "created_at", p.now());
                yield answer;
            }
            default -> throw new PrimalException("unknown timeframe: " + timeframe);
        };
    }

    private Answer userProfileScoredContent(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        int limit = p.limit(5, 100);
        List<Row> rows = new ArrayList<>();
        for (Row r : queries.ranked("trending_24h", 1000, 0, p.now())) {
            if (r.pubkey().equals(pubkey) && rows.size() < limit) {
                rows.add(r);
            }
        }
        Answer answer = new Answer();
        bundle.addWithoutRange(answer, rows, p.hex("user_pubkey"), p.now());
        bundle.profiles(answer, List.of(pubkey));
        return answer;
    }

    private Answer contactList(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        boolean extended = p.bool("extended_response", true);
        Answer answer = new Answer();
        Optional<Row> contacts = queries.replaceable(pubkey, 3, "", p.now());
        if (contacts.isEmpty()) {
            return answer;
        }
        answer.event(contacts.get().id(), contacts.get().json());
        if (extended) {
            List<String> follows = new ArrayList<>(followsOf(contacts.get()));
            List<String> capped = follows.subList(0, Math.min(5000, follows.size()));
            bundle.profiles(answer, capped);
            bundle.followerCounts(answer, capped);
        }
        return answer;
    }

    private Set<String> followsOf(Row contactList) throws PrimalException {
        try {
            return ContactList.follows(EventParser.forStoredEvents().parse(contactList.json()));
        } catch (InvalidEventException e) {
            throw new PrimalException("error");
        }
    }

    private Answer userFollowers(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        List<String> followers = queries.followers(pubkey, p.limit(200, 1000));
        return infos(followers);
    }

    private Answer infos(List<String> pubkeys) throws SQLException {
        Answer answer = new Answer();
        bundle.profiles(answer, pubkeys);
        String counts = bundle.followerCountsJson(pubkeys);
        answer.synthetic(PrimalKinds.USER_SCORES, counts);
        answer.synthetic(PrimalKinds.USER_FOLLOWER_COUNTS, counts);
        return answer;
    }

    private Answer followedBy(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        String viewer = p.requiredHex("user_pubkey");
        Answer answer = new Answer();
        List<String> pubkeys = queries.followedBy(pubkey, viewer, p.cappedLimit(10, 20));
        bundle.profiles(answer, pubkeys);
        bundle.followerCounts(answer, pubkeys);
        return answer;
    }

    private Answer userRelays(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        ArrayNode tags = JSON.createArrayNode();
        for (List<String> tag : queries.relayTags(pubkey)) {
            ArrayNode t = tags.addArray();
            tag.forEach(t::add);
        }
        return new Answer().raw("{\"kind\":" + PrimalKinds.USER_RELAYS + ",\"pubkey\":\"" + pubkey + "\",\"tags\":"
                + tags + ",\"content\":\"\"}");
    }

    private Answer threadView(Params p) throws PrimalException, SQLException {
        String eventId = p.requiredHex("event_id");
        String viewer = p.hex("user_pubkey");
        int limit = p.limit(20, 1000);
        Params.Page page = p.page();
        Answer answer = new Answer();
        lookingUp.add(answer, queries.replies(eventId, page, limit, p.now()), viewer, "created_at", p.now());
        if (p.bool("include_parent_posts", true)) {
            lookingUp.add(answer, queries.parentChain(eventId, p.now()), viewer, "created_at", p.now());
        }
        return answer;
    }

    /**
     * An article's page: the notes answering it (by its id or its address), then the article, each enriched as in
     * {@code thread_view}; nothing when the article is not stored.
     */
    private Answer articleThread(Params p) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        int kind = p.requiredKind("kind");
        String identifier = p.requiredString("identifier");
        String viewer = p.hex("user_pubkey");
        Answer answer = new Answer();
        Optional<Row> article = queries.replaceable(pubkey, kind, identifier, p.now());
        if (article.isPresent()) {
            bundle.add(answer, queries.articleReplies(article.get(), kind + ":" + pubkey + ":" + identifier, p.page(),
                    p.limit(20, 1000), p.now()), viewer, "created_at", p.now());
            bundle.add(answer, List.of(article.get()), viewer, "created_at", p.now());
        }
        return answer;
    }

    /**
     * The highlights (NIP-84) of an article, newest first, with their authors' profiles. Kind 9802 is stored when it
     * is in {@code ingest_kinds} or published to the cache; without any, the answer is empty.
     */
    private Answer highlights(Params p) throws PrimalException, SQLException {
        String address = p.requiredKind("kind") + ":" + p.requiredHex("pubkey") + ":" + p.requiredString("identifier");
        Answer answer = new Answer();
        Set<String> authors = new LinkedHashSet<>();
        for (Row highlight : queries.addressing(PrimalKinds.HIGHLIGHT, address, MAX_HIGHLIGHTS, p.now())) {
            answer.event(highlight.id(), highlight.json());
            authors.add(highlight.pubkey());
        }
        bundle.profiles(answer, authors);
        return answer;
    }

    /**
     * The live streams (NIP-53, kind 30311 with status {@code live}) of the accounts {@code user_pubkey} follows, newest
     * first, with their hosts' profiles. Primal keeps the request open and pushes new ones; here it is answered once
     * (the client's later CLOSE is accepted as for any finished request). Kind 30311 is stored when it is in
     * {@code ingest_kinds} (not by default).
     */
    private Answer liveEventsFromFollows(Params p) throws PrimalException, SQLException {
        Answer answer = new Answer();
        Set<String> hosts = new LinkedHashSet<>();
        for (Row stream : queries.feed(PrimalQueries.Authors.FOLLOWS_OF, p.requiredHex("user_pubkey"),
                List.of(PrimalKinds.LIVE_EVENT), PrimalQueries.Replies.INCLUDE, new Params.Page(0, p.now(), 0),
                MAX_LIVE_EVENTS, p.now())) {
            if (isLive(stream.json())) {
                answer.event(stream.id(), stream.json());
                hosts.add(stream.pubkey());
            }
        }
        bundle.profiles(answer, hosts);
        return answer;
    }

    private static boolean isLive(String json) {
        for (JsonNode tag : JSON.readTree(json).path("tags").values()) {
            if (tag.size() >= 2 && "status".equals(tag.get(0).asString())) {
                return "live".equals(tag.get(1).asString());
            }
        }
        return false;
    }

    /**
     * Explore's "trending people": the authors of the day's trending notes, each scored by its best note, as their
     * profiles and one {@code 10000108} {@code {pubkey: score}} (Primal's shape).
     */
    private Answer scoredUsers(Params p) throws PrimalException, SQLException {
        Map<String, Double> scores = queries.rankedAuthors(TrendingScores.trendingSelector(24), p.limit(20, 100));
        Answer answer = new Answer();
        bundle.profiles(answer, scores.keySet());
        ObjectNode content = JSON.createObjectNode();
        scores.forEach(content::put);
        return answer.synthetic(PrimalKinds.USER_SCORES, content.toString());
    }

    /**
     * Explore's "people": the accounts that gained most followers in the last day ({@code since}/{@code until} a range
     * of gains), measured against the hourly follower snapshots; while no snapshot shows a gain (a new cache), the
     * most-followed accounts with a gain of 0. Profiles, {@code 10000157} {@code {pubkey: {increase, ratio, count}}},
     * follower counts and a range ordered by {@code increase}.
     */
    private Answer explorePeople(Params p) throws PrimalException, SQLException {
        int limit = p.cappedLimit(20, 50);
        int offset = (int) Math.max(0, p.number("offset", 0));
        List<PrimalQueries.FollowerIncrease> people = queries.followerIncreases(p.now() - 86_400, p.number("since", 0),
                p.number("until", Long.MAX_VALUE), limit, offset);
        if (people.isEmpty() && !p.has("since") && !p.has("until")) {
            people = queries.mostFollowed(limit, offset);
        }
        List<String> pubkeys = people.stream().map(PrimalQueries.FollowerIncrease::pubkey).toList();
        Answer answer = new Answer();
        bundle.profiles(answer, pubkeys);
        ObjectNode increases = JSON.createObjectNode();
        for (PrimalQueries.FollowerIncrease f : people) {
            increases.putObject(f.pubkey()).put("increase", f.increase())
                    .put("ratio", f.before() == 0 ? 0.0 : (double) f.increase() / f.before()).put("count", f.count());
        }
        answer.synthetic(PrimalKinds.USER_FOLLOWER_INCREASE, increases.toString());
        bundle.followerCounts(answer, pubkeys);
        Bundle.range(answer, people.isEmpty() ? null : people.getLast().increase(),
                people.isEmpty() ? null : people.getFirst().increase(), "increase", pubkeys);
        return answer;
    }

    /**
     * The explore page's feed marketplace: the NIP-89 handler announcements (kind 31990) the cache holds of
     * content-discovery DVMs (those naming kind 5300), newest first, with their authors' profiles. Primal features a
     * curated list; a cache that does not ingest kind 31990 answers none (the client shows an empty marketplace).
     */
    private Answer featuredDvmFeeds(Params p) throws PrimalException, SQLException {
        p.hex("user_pubkey");
        Answer answer = new Answer();
        Set<String> authors = new LinkedHashSet<>();
        for (Row handler : queries.feed(Authors.ANYONE, null, List.of(PrimalKinds.DVM_HANDLER), Replies.INCLUDE,
                new Params.Page(0, p.now(), 0), MAX_DVM_FEEDS, p.now())) {
            if (tagged(handler.json(), "k", CONTENT_DISCOVERY)) {
                answer.event(handler.id(), handler.json());
                authors.add(handler.pubkey());
            }
        }
        bundle.profiles(answer, authors);
        return answer;
    }

    private static boolean tagged(String json, String name, String value) {
        for (JsonNode tag : JSON.readTree(json).path("tags").values()) {
            if (tag.size() >= 2 && name.equals(tag.get(0).asString()) && value.equals(tag.get(1).asString())) {
                return true;
            }
        }
        return false;
    }

    private Answer eventZaps(Params p) throws PrimalException, SQLException {
        String eventId = p.requiredHex("event_id");
        int limit = p.limit(20, 1000);
        long minSats = p.number("since", 0);
        long maxSats = p.number("until", Long.MAX_VALUE / 1000);
        List<PrimalQueries.Zap> zaps = queries.zapsOf(eventId, minSats * 1000, maxSats * 1000, limit,
                (int) Math.max(0, p.number("offset", 0)));
        return zapBundle(zaps, Map.of(), "amount_sats", z -> z.amountMsats() / 1000);
    }

    /** The profile's "zaps" tab: the zaps a pubkey sent, newest first, each with the event it zapped. */
    private Answer userZapsSent(Params p) throws PrimalException, SQLException {
        List<PrimalQueries.Zap> zaps = queries.zapsSentBy(p.requiredHex("sender"), p.number("since", 0),
                p.number("until", Long.MAX_VALUE), p.limit(20, 1000), (int) Math.max(0, p.number("offset", 0)));
        return zapBundle(zaps, zappedEvents(zaps, p.now()), "created_at", PrimalQueries.Zap::createdAt);
    }

    /**
     * Explore's "zaps" tab: the largest zaps of the last day ({@code created_after}), {@code since}/{@code until} a range
     * of sats, each with the event it zapped.
     */
    private Answer exploreZaps(Params p) throws PrimalException, SQLException {
        List<PrimalQueries.Zap> zaps = queries.largestZaps(p.number("created_after", p.now() - 86_400),
                p.number("since", 0) * 1000, p.number("until", Long.MAX_VALUE / 1000) * 1000, p.limit(20, 50),
                (int) Math.max(0, p.number("offset", 0)));
        return zapBundle(zaps, zappedEvents(zaps, p.now()), "amount_sats", z -> z.amountMsats() / 1000);
    }

    private Map<String, Row> zappedEvents(List<PrimalQueries.Zap> zaps, long now) throws SQLException {
        Set<String> targets = new LinkedHashSet<>();
        zaps.stream().map(PrimalQueries.Zap::targetEvent).filter(Objects::nonNull).forEach(targets::add);
        Map<String, Row> zapped = new HashMap<>();
        queries.byIds(targets, now).forEach(r -> zapped.put(r.id(), r));
        return zapped;
    }

    /**
     * Primal's zap bundle: for each zap its receipt, the zapped event when given, and a {@code 10000129} summary; then
     * the profiles and follower counts of senders and receivers, and the RANGE in the order the zaps came.
     */
    private Answer zapBundle(List<PrimalQueries.Zap> zaps, Map<String, Row> zapped, String orderBy,
                             ToLongFunction<PrimalQueries.Zap> rangeValue) throws SQLException {
        Answer answer = new Answer();
        Set<String> people = new LinkedHashSet<>();
        for (PrimalQueries.Zap z : zaps) {
            answer.event(z.receiptId(), z.receiptJson());
            Row target = z.targetEvent() == null ? null : zapped.get(z.targetEvent());
            if (target != null) {
                answer.event(target.id(), target.json());
            }
            ObjectNode content = JSON.createObjectNode();
            content.put("event_id", z.targetEvent());
            content.put("created_at", z.createdAt());
            content.put("sender", z.sender());
            content.put("receiver", z.receiver());
            content.put("amount_sats", z.amountMsats() / 1000);
            content.put("zap_receipt_id", z.receiptId());
            answer.synthetic(PrimalKinds.ZAP_EVENT, content.toString());
            if (z.sender() != null) {
                people.add(z.sender());
            }
            people.add(z.receiver());
        }
        bundle.profiles(answer, people);
        bundle.followerCounts(answer, people);
        Bundle.range(answer, zaps.isEmpty() ? null : rangeValue.applyAsLong(zaps.getLast()),
                zaps.isEmpty() ? null : rangeValue.applyAsLong(zaps.getFirst()), orderBy,
                zaps.stream().map(PrimalQueries.Zap::receiptId).toList());
        return answer;
    }

    private Answer mentionsCount(Params p) throws PrimalException, SQLException {
        String eventId = p.requiredHex("event_id");
        ObjectNode content = JSON.createObjectNode();
        content.put("event_id", eventId);
        content.put("count", queries.mentionsCount(eventId));
        return new Answer().synthetic(PrimalKinds.NOTE_MENTIONS_COUNT, content.toString());
    }

    private Answer events(Params p) throws PrimalException, SQLException {
        Params.EventRefs refs = p.eventRefs("event_ids");
        boolean extended = p.bool("extended_response", false);
        int limit = p.limit(20, 1000);
        List<Row> rows;
        if (refs.isEmpty()) {
            Params.Page page = p.page();
            rows = queries.between(page.since(), page.until(), limit, page.offset(), p.now());
        } else {
            List<Row> found = new ArrayList<>(queries.byIds(refs.ids(), p.now()));
            for (Nip19.Address address : refs.addresses()) {
                queries.replaceable(address.pubkey(), address.kind(), address.identifier(), p.now())
                        .filter(r -> found.stream().noneMatch(known -> known.id().equals(r.id()))).ifPresent(found::add);
            }
            found.sort(Comparator.comparingLong(Row::createdAt).thenComparing(Row::id));
            rows = found;
        }
        Answer answer = new Answer();
        if (p.bool("idsonly", false)) {
            ArrayNode idList = JSON.createArrayNode();
            rows.forEach(r -> idList.add(r.id()));
            return answer.raw("{\"kind\":10000122,\"ids\":" + idList + "}");
        }
        if (!extended) {
            rows.forEach(r -> answer.event(r.id(), r.json()));
            return answer;
        }
        List<Row> newestFirst = new ArrayList<>(rows);
        newestFirst.sort(Comparator.comparingLong(Row::createdAt).reversed().thenComparing(Row::id));
        bundle.add(answer, newestFirst, p.hex("user_pubkey"), "created_at", p.now());
        return answer;
    }

    private Answer userSearch(Params p) throws PrimalException, SQLException {
        String query = p.requiredString("query").strip();
        int limit = p.limit(10, 100);
        String within = p.hex("pubkey");
        if (query.isEmpty()) {
            return new Answer();
        }
        String direct = Nip19.pubkeyFrom(query);
        List<String> pubkeys = direct != null ? List.of(direct) : queries.searchUsers(query, limit, within);
        return infos(pubkeys);
    }

    private Answer search(Params p) throws PrimalException, SQLException {
        String query = p.requiredString("query").strip();
        int limit = p.limit(20, 100);
        Answer answer = new Answer();
        List<Row> rows = query.isEmpty() ? List.of() : queries.searchNotes(query, p.page(), limit, p.now());
        bundle.add(answer, rows, p.hex("user_pubkey"), "created_at", p.now());
        return answer;
    }

    /** {@code mutelist} and {@code get_bookmarks}: the list event, plus (extended) the profiles it names. */
    /** {@code parametrized_replaceable_events}: each {@code {pubkey, kind, identifier}} as its own request, in turn. */
    private Answer addressableEvents(Params p) throws PrimalException, SQLException {
        Answer all = new Answer();
        for (Params address : p.objects("events")) {
            Optional<Row> event = queries.replaceable(address.requiredHex("pubkey"), address.requiredKind("kind"),
                    address.requiredString("identifier"), p.now());
            event.ifPresent(e -> all.event(e.id(), e.json()));
        }
        return all;
    }

    private Answer list(Params p, int kind, String dTag) throws PrimalException, SQLException {
        String pubkey = p.requiredHex("pubkey");
        Answer answer = new Answer();
        Optional<Row> list = queries.replaceable(pubkey, kind, dTag, p.now());
        if (list.isEmpty()) {
            return answer;
        }
        answer.event(list.get().id(), list.get().json());
        if ((kind == PrimalKinds.MUTE_LIST || kind == PrimalKinds.FOLLOW_SETS) && p.bool("extended_response", true)) {
            Set<String> named = new LinkedHashSet<>();
            for (JsonNode tag : JSON.readTree(list.get().json()).path("tags").values()) {
                if (tag.size() >= 2 && "p".equals(tag.get(0).asString()) && Hex.isLowerHex(tag.get(1).asString(), 64)) {
                    named.add(tag.get(1).asString());
                }
            }
            bundle.profiles(answer, named);
            bundle.followerCounts(answer, named);
        }
        return answer;
    }

    /** The signed request of the settings ops: an app-settings event (kind 30078) whose first tag names the client. */
    private Event signed(Params p, String name) throws PrimalException {
        JsonNode raw = p.raw(name);
        if (raw == null || !raw.isObject()) {
            throw new PrimalException("missing " + name);
        }
        Event event;
        try {
            event = parser.parse(raw.toString());
            verifier.verify(event);
        } catch (InvalidEventException e) {
            throw new PrimalException(e.reason());
        }
        if (event.kind() != PrimalKinds.APP_SETTINGS) {
            throw new PrimalException("invalid event kind");
        }
        return event;
    }

    private Answer getAppSettings(Params p) throws PrimalException, SQLException {
        Event request = signed(p, "event_from_user");
        String client = clientOf(request);
        Optional<Row> stored = queries.replaceable(request.pubkey(), PrimalKinds.APP_SETTINGS, client, p.now());
        if (stored.isPresent()) {
            return new Answer().event(stored.get().id(), stored.get().json());
        }
        ObjectNode defaults = JSON.createObjectNode();
        defaults.put("id", "0".repeat(64));
        defaults.put("pubkey", "0".repeat(64));
        defaults.put("created_at", p.now());
        defaults.put("kind", PrimalKinds.APP_SETTINGS);
        defaults.putArray("tags").addArray().add("d").add(client);
        defaults.put("content", FeedSpecs.DEFAULT_SETTINGS);
        defaults.put("sig", "0".repeat(128));
        return new Answer().raw(defaults.toString());
    }

    /** Stores the signed settings through the ingest queue, as any published event, and answers with it. */
    private Answer setAppSettings(Params p) throws PrimalException {
        Event settings = signed(p, "settings_event");
        try {
            JsonNode content = JSON.readTree(settings.content());
            if (content == null || !content.isObject()) {
                throw new PrimalException("settings must be a JSON object");
            }
        } catch (JacksonException e) {
            throw new PrimalException("settings must be a JSON object");
        }
        submitter.submit(settings.toJson(), settings.kind(), "primal-api");
        return new Answer().event(settings.id(), settings.toJson());
    }

    private static String clientOf(Event event) {
        String d = event.firstTagValue("d");
        return d == null || d.isEmpty() ? DEFAULT_CLIENT : d;
    }
}
