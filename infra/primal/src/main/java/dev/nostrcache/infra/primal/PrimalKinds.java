package dev.nostrcache.infra.primal;

/**
 * The synthetic kinds of Primal's cache protocol that we produce (names as in Primal's server), and the Nostr kinds
 * Primal's ops ask for by number that the cache does not index as a family of its own (the ingested families are in
 * {@code KindRegistry}).
 */
public final class PrimalKinds {
    /** NIP-51 mute list: {@code mutelist} and {@code replaceable_event} answer it with the muted profiles. */
    public static final int MUTE_LIST = 10000;
    /** NIP-51 follow sets: {@code mutelists} and {@code allowlist} are the ones with those {@code d} tags. */
    public static final int FOLLOW_SETS = 30000;
    /** NIP-84 highlights: {@code get_highlights}. */
    public static final int HIGHLIGHT = 9802;
    /** NIP-53 live events: {@code live_events_from_follows}. */
    public static final int LIVE_EVENT = 30311;
    /** NIP-51 bookmarks: {@code get_bookmarks}. */
    public static final int BOOKMARKS = 10003;
    /** NIP-78 application data: the signed request of Primal's settings ops. */
    public static final int APP_SETTINGS = 30078;
    public static final int EVENT_STATS = 10000100;
    public static final int NET_STATS = 10000101;
    public static final int DEFAULT_SETTINGS = 10000103;
    public static final int USER_PROFILE = 10000105;
    public static final int REFERENCED_EVENT = 10000107;
    public static final int USER_SCORES = 10000108;
    public static final int NOTIFICATION = 10000110;
    public static final int NOTIFICATIONS_SEEN_UNTIL = 10000111;
    public static final int NOTIFICATIONS_SUMMARY = 10000112;
    public static final int RANGE = 10000113;
    public static final int EVENT_ACTIONS_COUNT = 10000115;
    /** {@code directmsg_count}: {@code {"kind":10000117,"cnt":"N"}}. */
    public static final int MESSAGE_STATS = 10000117;
    public static final int MEDIA_METADATA = 10000119;
    public static final int DEFAULT_RELAYS = 10000124;
    public static final int IS_USER_FOLLOWING = 10000125;
    public static final int ZAP_EVENT = 10000129;
    public static final int USER_FOLLOWER_COUNTS = 10000133;
    public static final int APP_RELEASES = 10000138;
    public static final int USER_RELAYS = 10000139;
    public static final int NOTE_MENTIONS_COUNT = 10000143;
    /** {@code get_recommended_reads}: {@code {"reads": [[naddr, title], ...]}}. */
    public static final int RECOMMENDED_READS = 10000145;
    /** {@code get_reads_topics}: an array of hashtags. */
    public static final int READS_TOPICS = 10000146;
    /** {@code get_featured_authors}: an array of pubkeys. */
    public static final int FEATURED_AUTHORS = 10000148;
    public static final int READS_FEEDS = 10000152;
    public static final int HOME_FEEDS = 10000153;
    public static final int DVM_HANDLER = 31990;
    public static final int USER_FOLLOWER_INCREASE = 10000157;
    public static final int USER_PRIMAL_NAMES = 10000158;
    /** {@code explore_topics}: {@code {hashtag: notes}}. */
    public static final int TOPIC_STATS = 10000160;
    public static final int MEMBERSHIP_LEGEND_CUSTOMIZATION = 10000168;
    public static final int MEMBERSHIP_COHORTS = 10000169;
    public static final int RECOMMENDED_BLOSSOM_SERVERS = 10000175;

    private PrimalKinds() {
    }
}
