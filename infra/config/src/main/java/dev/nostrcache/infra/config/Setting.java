package dev.nostrcache.infra.config;

import dev.nostrcache.core.nip.Nip19;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every setting of the cache, declared once: its key, type, default, bounds, the line that documents it, where it
 * applies, and the template parameter that carries it on AWS. The config file and its {@code NOSTR_CACHE_<KEY>}
 * variables ({@link ConfigLoader#load}), the functions' Lambda environment ({@code <KEY>} upper case,
 * {@link ConfigLoader#fromLambdaEnvironment}), the README's table and the template test all derive from this list.
 */
public enum Setting {
    LISTEN_ADDR("listen_addr", Type.ADDRESS, Scope.LOCAL, "127.0.0.1:8080", 0, 0, List.of(),
            null,
            "host:port of the local API gateway (WebSocket API at `ws://<listen_addr>/`, the HTTP API at `http://<listen_addr>/`)"),
    DATABASE_PATH("database_path", Type.PATH, Scope.LOCAL, "./data/postgres", 0, 0, List.of(),
            null,
            "data directory of the embedded PostgreSQL; the queued events are kept in `queues/` beside it, so a restart or a crash loses none"),
    MEDIA_CACHE_PATH("media_cache_path", Type.PATH, Scope.LOCAL, "./data/media_cache", 0, 0, List.of(),
            null,
            "directory behind the embedded S3 (cached pictures)"),
    UPSTREAM_RELAYS("upstream_relays", Type.RELAYS, Scope.BOTH, "wss://relay.damus.io,wss://nos.lol,wss://relay.primal.net,wss://purplepag.es", 0, 0, List.of(),
            "UpstreamRelays",
            "relays to ingest from (`ws://` or `wss://`)"),
    MAX_CONCURRENT("max_concurrent", Type.INT, Scope.LOCAL, "20", 1, 1000, List.of(),
            "AvatarMaxConcurrency",
            "avatar downloads at once (1-1000) (AWS: `AvatarMaxConcurrency`)"),
    CACHE_EXPIRATION_DAYS("cache_expiration_days", Type.INT, Scope.BOTH, "30", 1, 3650, List.of(),
            "CacheExpirationDays",
            "days before a cached picture is refreshed in the background (1-3650) (AWS: `CacheExpirationDays`)"),
    DATABASE_URL("database_url", Type.JDBC_URL, Scope.LOCAL, "", 0, 0, List.of(),
            null,
            "a `jdbc:postgresql:` URL of an external database instead of the embedded one"),
    DATABASE_USER("database_user", Type.SECRET, Scope.LOCAL, "", 0, 0, List.of(),
            null,
            "user for `database_url`"),
    DATABASE_PASSWORD("database_password", Type.SECRET, Scope.LOCAL, "", 0, 0, List.of(),
            null,
            "password for `database_url`"),
    DATABASE_PORT("database_port", Type.INT, Scope.LOCAL, "5433", 0, 65535, List.of(),
            null,
            "port of the embedded PostgreSQL (0: any free port)"),
    SQS_PORT("sqs_port", Type.INT, Scope.LOCAL, "9324", 0, 65535, List.of(),
            null,
            "port of the embedded SQS (0: any free port)"),
    S3_PORT("s3_port", Type.INT, Scope.LOCAL, "9325", 0, 65535, List.of(),
            null,
            "port of the embedded S3 (0: any free port)"),
    STACK_NAME("stack_name", Type.STACK_NAME, Scope.LOCAL, "nostr-cache", 0, 0, List.of(),
            null,
            "prefix of queue and bucket names, as the CloudFormation stack name is on AWS"),
    INGEST_KINDS("ingest_kinds", Type.KINDS, Scope.LOCAL, "0,1,3,5,6,7,16,9735,10002,30023", 0, 0, List.of(),
            null,
            "kinds the worker subscribes to upstream"),
    BACKFILL_DAYS("backfill_days", Type.INT, Scope.LOCAL, "7", 0, 36500, List.of(),
            "BackfillDays",
            "how far back the worker fetches regular kinds (notes, reactions, reposts, zaps, deletions) from a relay it reads for the first time; replaceable and addressable kinds (profiles, contact lists, relay lists, articles) are fetched as far back as the relay has them. 0 turns the first-contact back-fill off (catch-up after downtime stays on). See `docs/operations.md` for what it costs on the public relays"),
    BACKFILL_RATE("backfill_rate", Type.INT, Scope.LOCAL, "500", 1, 1000000, List.of(),
            "BackfillRate",
            "events per second at most that back-fill and catch-up pages bring from one relay (pages of up to 500 events, the next page asked for no sooner than this allows)"),
    RELAY_DISCOVERY_CAP("relay_discovery_cap", Type.INT, Scope.LOCAL, "20", 0, 1000, List.of(),
            null,
            "relays the worker may add from stored NIP-65 relay lists (0: none); one whose host resolves to a non-public address (loopback, private, link-local/metadata, CGNAT, unique-local) is refused and never connected to"),
    FUNCTION_CONCURRENCY("function_concurrency", Type.INT, Scope.LOCAL, "2", 1, 64, List.of(),
            null,
            "local runtime: concurrent invocations per ingest function (AWS: `FunctionMaximumConcurrency`)"),
    LOCAL_RETRY_DELAY_SECONDS("local_retry_delay_seconds", Type.INT, Scope.LOCAL, "2", 0, 3600, List.of(),
            null,
            "local runtime: a failed message comes back after this, doubled per attempt (AWS: the visibility timeout); while the database is away, a message waits on its queue this long, doubled per retry, at most 15 minutes (AWS: `OUTAGE_RETRY_SECONDS`, 30)"),
    LOCAL_VISIBILITY_TIMEOUT_SECONDS("local_visibility_timeout_seconds", Type.INT, Scope.LOCAL, "60", 5, 43200, List.of(),
            null,
            "local runtime: a received batch stays hidden while its function runs for at most this long (the functions' timeout), a lease of 10 s at a time renewed while it runs, so that a receive whose answer was lost (the queues restarted) is delivered again within seconds (AWS: the queue's 360 s)"),
    LOCAL_QUEUE_BACKLOG_MESSAGES("local_queue_backlog_messages", Type.INT, Scope.LOCAL, "1000", 1, 1000000, List.of(),
            null,
            "local runtime: the ingest worker, `import` and `backfill` wait while the embedded queues hold this many messages not yet received (a message carries up to 64 KiB of events, all of them in the JVM's heap: 1,000 is at most 64 MiB). Raise it with the heap (`NOSTR_CACHE_JAVA_OPTS`); an external SQS (`sqs_endpoint`) is not held back"),
    MANAGEMENT_PORT("management_port", Type.INT, Scope.LOCAL, "8081", 0, 65535, List.of(),
            null,
            "local gateway: the port of `/metrics` and the management API, always on 127.0.0.1 and never on `listen_addr` (0: any free port)"),
    GATEWAY_IDLE_TIMEOUT_SECONDS("gateway_idle_timeout_seconds", Type.INT, Scope.LOCAL, "600", 1, 86400, List.of(),
            null,
            "local gateway: a WebSocket connection without messages for this long is closed (API Gateway: 10 minutes)"),
    GATEWAY_MAX_CONNECTION_SECONDS("gateway_max_connection_seconds", Type.INT, Scope.LOCAL, "7200", 1, 604800, List.of(),
            null,
            "local gateway: any WebSocket connection is closed after this long (API Gateway: 2 hours)"),
    GATEWAY_CONCURRENCY("gateway_concurrency", Type.INT, Scope.LOCAL, "0", 0, 1000, List.of(),
            null,
            "local gateway: WebSocket invocations (`$connect`, messages, `$disconnect`) that run at once; the others wait their turn in arrival order, and one waiting on `upstream_relays` (`profile_lookup_ms`) gives its turn back meanwhile. 0: four per processor core. The HTTP routes are not held back (AWS: every message is its own Lambda invocation)"),
    BLOCKED_SOURCE_IPS("blocked_source_ips", Type.LIST, Scope.BOTH, "", 0, 0, List.of(),
            "BlockedSourceIps",
            "client addresses whose WebSocket connections are refused at `$connect` (AWS: `BlockedSourceIps`)"),
    SQS_ENDPOINT("sqs_endpoint", Type.HTTP_URL, Scope.LOCAL, "", 0, 0, List.of(),
            null,
            "an SQS elsewhere (LocalStack) instead of the embedded one; empty falls back to `AWS_ENDPOINT_URL_SQS`, then `AWS_ENDPOINT_URL` (see `localstack/README.md`)"),
    S3_ENDPOINT("s3_endpoint", Type.HTTP_URL, Scope.LOCAL, "", 0, 0, List.of(),
            null,
            "an S3 elsewhere (LocalStack) instead of the embedded one; empty falls back to `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`"),
    AVATAR_CACHE("avatar_cache", Type.BOOL, Scope.LOCAL, "true", 0, 0, List.of(),
            null,
            "`false` runs a relay without the picture cache: no picture is ever fetched, the picture routes answer 404 (the tests that load real-world events use it, so they never reach the internet)"),
    ALLOW_PRIVATE_ORIGINS("allow_private_origins", Type.BOOL, Scope.LOCAL, "false", 0, 0, List.of(),
            null,
            "let the avatar fetcher and relay discovery reach loopback addresses (tests on one machine only; private and metadata addresses stay refused)"),
    ADMIN_TOKEN("admin_token", Type.SECRET, Scope.LOCAL, "", 0, 0, List.of(),
            null,
            "bearer token of the purge endpoints; empty: purges are refused (AWS: a generated secret, `AdminTokenSecretArn`)"),
    AVATAR_URL_LIFETIME_SECONDS("avatar_url_lifetime_seconds", Type.INT, Scope.BOTH, "3600", 60, 604800, List.of(),
            "AvatarUrlLifetimeSeconds",
            "lifetime of the presigned URLs `/profile-pic` redirects to (AWS: `AvatarUrlLifetimeSeconds`)"),
    AVATAR_ORIGIN_FAILURE("avatar_origin_failure", Type.CHOICE, Scope.BOTH, "redirect", 0, 0, List.of("redirect", "error"),
            "AvatarOriginFailure",
            "a picture that cannot be fetched: `redirect` to its original URL, or `error` (502) (AWS: `AvatarOriginFailure`)"),
    AVATAR_RETRY_SECONDS("avatar_retry_seconds", Type.INT, Scope.BOTH, "3600", 0, 604800, List.of(),
            "AvatarRetrySeconds",
            "a failed picture, or a pubkey without one, is not looked for again for this long (AWS: `AvatarRetrySeconds`)"),
    AVATAR_REDIRECT_CACHE_SECONDS("avatar_redirect_cache_seconds", Type.INT, Scope.BOTH, "30", 0, 3600, List.of(),
            "AvatarRedirectCacheSeconds",
            "a pubkey's `/profile-pic` redirect is answered again from memory for this long, never past its refresh time nor half the URL lifetime; `0` turns it off (AWS: `AvatarRedirectCacheSeconds`)"),
    UPSTREAM_QUERY_SECONDS("upstream_query_seconds", Type.INT, Scope.BOTH, "5", 1, 30, List.of(),
            null,
            "deadline for asking `upstream_relays` for a profile or contact list the database lacks"),
    AVATAR_OBJECT_EXPIRATION_DAYS("avatar_object_expiration_days", Type.INT, Scope.BOTH, "60", 2, 3650, List.of(),
            "AvatarObjectExpirationDays",
            "a cached picture older than this less one day is fetched again before it is served (2-3650; on AWS S3 deletes its objects after this many days, the bucket's lifecycle rule: `AvatarObjectExpirationDays`)"),
    CLIENT_MESSAGES_PER_SECOND("client_messages_per_second", Type.INT, Scope.BOTH, "50", 1, 1000000, List.of(),
            "ClientMessagesPerSecond",
            "WebSocket messages per second one client connection may send in the long run; more are answered `rate-limited` (`OK` false for an `EVENT`, `CLOSED` for a `REQ`) (AWS: `ClientMessagesPerSecond`)"),
    CLIENT_MESSAGE_BURST("client_message_burst", Type.INT, Scope.BOTH, "500", 1, 1000000, List.of(),
            "ClientMessageBurst",
            "WebSocket messages one client connection may send at once before `client_messages_per_second` applies (a client's page load) (AWS: `ClientMessageBurst`)"),
    PROFILE_LOOKUP_MS("profile_lookup_ms", Type.INT, Scope.BOTH, "1500", 0, 10000, List.of(),
            "ProfileLookupMs",
            "Primal API: how long an answer waits for `upstream_relays` to send the profiles it names that the cache lacks (found ones are answered and stored through the ingest queue; a pubkey found nowhere is not asked again for 10 minutes); 0 asks nobody (AWS: `ProfileLookupMs`)"),
    HOME_LATEST_OF("home_latest_of", Type.PUBKEY, Scope.BOTH, "", 0, 0, List.of(),
            "HomeLatestOf",
            "Primal API: whose follows the home page's \"Latest\" shows to a visitor the cache has no contact list for (logged out, Primal's web client asks for the follows of Primal's own account): a pubkey, hex or npub; empty: the 100 most-followed accounts the cache holds (AWS: `HomeLatestOf`)"),
    OUTAGE_RETRY_SECONDS("outage_retry_seconds", Type.INT, Scope.AWS, "30", 1, 900, List.of(),
            null,
            "while the database is away, an ingest message waits on its queue this long, doubled per retry up to SQS's 15 minutes (no receive is counted, so an outage never dead-letters events)");

    /** Where a setting is read. */
    public enum Scope {
        /** The config file and {@code NOSTR_CACHE_<KEY>} (the local runtime, the worker and the tools). */
        LOCAL,
        /** The functions' Lambda environment, {@code <KEY>} upper case. */
        AWS,
        /** Both. */
        BOTH;

        public boolean local() {
            return this != AWS;
        }

        public boolean aws() {
            return this != LOCAL;
        }
    }

    /** How a value is read and checked; every refusal names the key. */
    public enum Type { SECRET, INT, BOOL, LIST, RELAYS, KINDS, PATH, ADDRESS, JDBC_URL, STACK_NAME, HTTP_URL, CHOICE, PUBKEY }

    private final String key;
    private final Type type;
    private final Scope scope;
    private final String defaultValue;
    private final int min;
    private final int max;
    private final List<String> choices;
    private final String templateParameter;
    private final String doc;

    Setting(String key, Type type, Scope scope, String defaultValue, int min, int max, List<String> choices,
            String templateParameter, String doc) {
        this.key = key;
        this.type = type;
        this.scope = scope;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.templateParameter = templateParameter;
        this.doc = doc;
    }

    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    public Scope scope() {
        return scope;
    }

    /** The default as text: lists comma-separated, empty for none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** The bounds of an {@link Type#INT} setting. */
    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    /** The values a {@link Type#CHOICE} setting allows. */
    public List<String> choices() {
        return choices;
    }

    /** The template parameter that carries this setting on AWS, or null. */
    public String templateParameter() {
        return templateParameter;
    }

    public String doc() {
        return doc;
    }

    /** The variable that overrides the config file: {@code NOSTR_CACHE_<KEY>}. */
    public String localVariable() {
        return ConfigLoader.ENV_PREFIX + key.toUpperCase(Locale.ROOT);
    }

    /** The functions' Lambda environment variable: {@code <KEY>}. */
    public String lambdaVariable() {
        return key.toUpperCase(Locale.ROOT);
    }

    /** The setting with this config key, or null. */
    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Reads {@code value} (text as in the file or the environment; lists comma-separated): an Integer, Boolean,
     * String (a pubkey in hex for {@link Type#PUBKEY}), {@code List<String>}, {@code List<Integer>} or URI by its type, null for an empty optional value.
     *
     * @throws ConfigException naming the key, when the value does not fit
     */
    public Object parse(String value) {
        return switch (type) {
            case PATH -> nonEmpty(value);
            case SECRET, JDBC_URL, HTTP_URL -> value == null || value.isBlank() ? null : checked(value.strip());
            case INT -> intIn(value);
            case BOOL -> switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw refused("expected true or false, got \"" + value + "\"");
            };
            case LIST -> items(value);
            case RELAYS -> {
                List<String> relays = items(value);
                for (String url : relays) {
                    if (!isUrl(url, "ws", "wss")) {
                        throw refused("\"" + url + "\" is not a ws:// or wss:// URL");
                    }
                }
                yield relays;
            }
            case KINDS -> {
                List<Integer> kinds = new ArrayList<>();
                for (String item : items(value)) {
                    kinds.add(intIn(item, 0, 65535));
                }
                if (kinds.isEmpty()) {
                    throw new ConfigException("config key '" + key + "' must list at least one kind");
                }
                yield kinds;
            }
            case ADDRESS -> {
                int colon = value.lastIndexOf(':');
                if (colon < 0) {
                    throw refused("expected host:port, got \"" + value + "\"");
                }
                intIn(value.substring(colon + 1), 0, 65535);
                yield value;
            }
            case STACK_NAME -> {
                if (!value.matches("[a-z][a-z0-9-]{0,39}")) {
                    throw new ConfigException("config key '" + key + "': use 1-40 lowercase letters, digits and '-',"
                            + " starting with a letter; got \"" + value + "\"");
                }
                yield value;
            }
            case PUBKEY -> {
                if (value == null || value.isBlank()) {
                    yield null;
                }
                String hex = Nip19.pubkeyFrom(value.strip());
                if (hex == null) {
                    throw refused("expected a pubkey (64 hex characters or an npub), got \"" + value + "\"");
                }
                yield hex;
            }
            case CHOICE -> {
                if (!choices.contains(value.strip())) {
                    throw refused("expected one of " + String.join(", ", choices) + ", got \"" + value + "\"");
                }
                yield value.strip();
            }
        };
    }

    private Object checked(String value) {
        return switch (type) {
            case JDBC_URL -> {
                if (!value.startsWith("jdbc:postgresql:")) {
                    throw refused("expected a jdbc:postgresql: URL, got \"" + value + "\"");
                }
                yield value;
            }
            case HTTP_URL -> {
                if (!isUrl(value, "http", "https")) {
                    throw refused("expected an http(s) URL, got \"" + value + "\"");
                }
                yield URI.create(value);
            }
            default -> value;
        };
    }

    private String nonEmpty(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException("config key '" + key + "' must not be empty");
        }
        return value;
    }

    private int intIn(String value) {
        return intIn(value, min, max);
    }

    private int intIn(String value, int low, int high) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= low && n <= high) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below, with the key's name
        }
        throw refused("expected an integer from " + low + " to " + high + ", got \"" + value + "\"");
    }

    private static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    private static boolean isUrl(String url, String... schemes) {
        try {
            URI uri = new URI(url);
            return uri.getScheme() != null && List.of(schemes).contains(uri.getScheme()) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private ConfigException refused(String why) {
        return new ConfigException("config key '" + key + "': " + why);
    }
}
