package dev.nostrcache.infra.config;

import dev.nostrcache.core.Limits;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The cache's configuration. The first six keys are the seed profile-picture relay's, with the same meaning; the
 * rest are ours. Paths are already resolved against the directory of the config file. Defaults are in
 * {@link Setting}, where every key is declared and documented (the README's table is checked against it).
 *
 * @param listenAddr           host:port of the local gateway (HTTP API and WebSocket on one port)
 * @param databasePath         data directory of the embedded PostgreSQL
 * @param mediaCachePath       directory behind the embedded S3 (cached avatars)
 * @param upstreamRelays       relays the ingest worker reads from
 * @param maxConcurrent        avatar downloads at once
 * @param cacheExpirationDays  after this many days a cached avatar is refreshed, and S3 expires it
 * @param databaseUrl          an external PostgreSQL (JDBC URL); null means the embedded one
 * @param databaseUser         user for the external database
 * @param databasePassword     password for the external database
 * @param databasePort         port of the embedded PostgreSQL (0: any free port)
 * @param sqsPort              port of the embedded SQS (ElasticMQ; 0: any free port)
 * @param s3Port               port of the embedded S3 (S3Proxy; 0: any free port)
 * @param stackName            prefix of queue and bucket names, as the stack name is on AWS
 * @param ingestKinds          the kinds the worker subscribes to upstream
 * @param relayDiscoveryCap    how many relays the worker may add from stored NIP-65 lists (0: none)
 * @param backfillDays         how many days of regular kinds a relay read for the first time is back-filled (0: no
 *                             first-contact back-fill at all); replaceable and addressable kinds: all it has
 * @param backfillRate         events per second at most that history pages bring from one relay
 * @param functionConcurrency  local runtime: concurrent invocations per queue's function
 * @param localRetryDelaySeconds local runtime: first delay before a failed message is retried (then doubled)
 * @param localVisibilityTimeoutSeconds local runtime: how long a received message stays hidden from other pollers
 * @param localQueueBacklogMessages local runtime: producers wait while the embedded queues hold this many messages
 * @param managementPort       local gateway: the loopback-only port of /metrics and the management API (0: any)
 * @param gatewayIdleTimeoutSeconds    local gateway: a connection with no message for this long is closed
 * @param gatewayMaxConnectionSeconds  local gateway: any connection is closed after this long
 * @param gatewayConcurrency   local gateway: WebSocket invocations at once, the others in line (0: four per core)
 * @param blockedSourceIps     client addresses whose WebSocket connections are refused at $connect
 * @param avatarCache          whether profile pictures are fetched at all (false: a relay without the picture cache)
 * @param allowPrivateOrigins  let the avatar fetcher reach loopback and private addresses (tests only)
 * @param adminToken           the bearer token the purge endpoints require; null: purges are refused
 * @param avatarUrlLifetimeSeconds  lifetime of the presigned S3 URLs that /profile-pic redirects to
 * @param avatarOriginFailure  when a picture cannot be fetched: "redirect" to the original URL, or "error" (502)
 * @param avatarRetrySeconds   a picture that failed is not fetched again for this long (negative caching)
 * @param avatarRedirectCacheSeconds  how long a /profile-pic redirect is answered again from memory (0: never)
 * @param upstreamQuerySeconds deadline for asking the upstream relays for a profile or contact list
 * @param sqsEndpoint          an external SQS (LocalStack) instead of the embedded one; null: embedded
 * @param s3Endpoint           an external S3 (LocalStack) instead of the embedded one; null: embedded
 * @param avatarObjectExpirationDays  a cached picture older than this less a day is fetched again before it is served
 *                                    (on AWS S3 deletes its objects then)
 * @param outageRetrySeconds   AWS: how long a message waits on its queue while the database is away (doubled per retry)
 * @param clientMessagesPerSecond  WebSocket messages per second a client connection may send in the long run
 * @param clientMessageBurst   WebSocket messages a client connection may send at once
 * @param profileLookupMs      Primal API: how long an answer waits for the upstream relays' profiles (0: none)
 * @param homeLatestOf         Primal API: hex pubkey whose follows "Latest" shows a viewer without a stored contact
 *                             list; null: the most-followed accounts
 */
public record CacheConfig(
        String listenAddr,
        Path databasePath,
        Path mediaCachePath,
        List<String> upstreamRelays,
        int maxConcurrent,
        int cacheExpirationDays,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePort,
        int sqsPort,
        int s3Port,
        String stackName,
        List<Integer> ingestKinds,
        int relayDiscoveryCap,
        int backfillDays,
        int backfillRate,
        int functionConcurrency,
        int localRetryDelaySeconds,
        int localVisibilityTimeoutSeconds,
        int localQueueBacklogMessages,
        int managementPort,
        int gatewayIdleTimeoutSeconds,
        int gatewayMaxConnectionSeconds,
        int gatewayConcurrency,
        List<String> blockedSourceIps,
        boolean avatarCache,
        boolean allowPrivateOrigins,
        String adminToken,
        int avatarUrlLifetimeSeconds,
        String avatarOriginFailure,
        int avatarRetrySeconds,
        int avatarRedirectCacheSeconds,
        int upstreamQuerySeconds,
        URI sqsEndpoint,
        URI s3Endpoint,
        int avatarObjectExpirationDays,
        int outageRetrySeconds,
        int clientMessagesPerSecond,
        int clientMessageBurst,
        int profileLookupMs,
        String homeLatestOf) {

    public CacheConfig {
        blockedSourceIps = List.copyOf(blockedSourceIps);
        upstreamRelays = List.copyOf(upstreamRelays);
        ingestKinds = List.copyOf(ingestKinds);
    }

    public InetSocketAddress listenSocketAddress() {
        int colon = listenAddr.lastIndexOf(':');
        String host = listenAddr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(listenAddr.substring(colon + 1)));
    }

    /** Every key but the secrets (database password, admin token), which are only said to be set or not. */
    @Override
    public String toString() {
        return "CacheConfig[listenAddr=" + listenAddr + ", databasePath=" + databasePath + ", mediaCachePath="
                + mediaCachePath + ", upstreamRelays=" + upstreamRelays + ", maxConcurrent=" + maxConcurrent
                + ", cacheExpirationDays=" + cacheExpirationDays + ", databaseUrl=" + databaseUrl + ", databaseUser="
                + databaseUser + ", databasePassword=" + (databasePassword == null ? "unset" : "set")
                + ", stackName=" + stackName + ", ingestKinds=" + ingestKinds + ", avatarCache=" + avatarCache
                + ", allowPrivateOrigins="
                + allowPrivateOrigins + ", adminToken=" + (adminToken == null ? "unset" : "set") + "]";
    }

    /** The protocol limits, with this configuration's per-connection message rate. */
    public Limits limits() {
        Limits d = Limits.DEFAULTS;
        return new Limits(d.maxEventBytes(), d.maxMessageBytes(), d.maxFutureSeconds(), d.maxSubscriptions(), d.maxLimit(),
                d.maxSubscriptionIdLength(), d.maxFiltersPerRequest(), d.maxFilterValues(), clientMessagesPerSecond,
                clientMessageBurst);
    }

    /** The WebSocket invocations the local gateway runs at once: as configured, or four per processor core. */
    public int gatewayTurns() {
        return gatewayConcurrency > 0 ? gatewayConcurrency : 4 * Runtime.getRuntime().availableProcessors();
    }

    public boolean usesEmbeddedDatabase() {
        return databaseUrl == null;
    }
}
