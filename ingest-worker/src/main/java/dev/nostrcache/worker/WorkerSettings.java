package dev.nostrcache.worker;

import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.net.OutboundPolicy;

import java.time.Duration;
import java.util.List;

/**
 * How the worker behaves. The relays, kinds, discovery cap and outbound policy come from the configuration; the rest
 * are documented defaults ({@link #of}).
 *
 * @param relays            configured upstream relays (the operator's choice: never checked against the policy)
 * @param kinds             kinds to subscribe to
 * @param discoveryCap      relays that may be added from stored NIP-65 lists
 * @param outbound          the addresses relays found in stored lists may have (public only, but in tests)
 * @param dedupCapacity     event ids remembered to suppress duplicates seen from other relays (about 150 B each)
 * @param maxPending        events read but not yet on a queue before relays stop being read
 * @param connectTimeout    TCP and WebSocket handshake timeout
 * @param backoffMin        first reconnect delay (then doubled per failure, with full jitter)
 * @param backoffMax        cap of the reconnect delay
 * @param backfillWindow    how far back regular kinds are fetched from a relay read for the first time (replaceable
 *                          and addressable ones: as far back as it has them); zero turns the first-contact back-fill off
 * @param backfillRate      events per second at most that history pages bring from one relay
 * @param pageLimit         the {@code limit} asked for per history page (relays answer at most their own cap)
 * @param pageTimeout       how long a history page may take before the connection is dropped and opened again
 * @param cursorMargin      how far before the last fully-sent moment a restart resumes (covers clock skew)
 * @param progressInterval  how often cursors, counters and health are saved
 * @param discoveryInterval how often stored relay lists are searched for new relays
 */
public record WorkerSettings(
        List<String> relays,
        List<Integer> kinds,
        int discoveryCap,
        OutboundPolicy outbound,
        int dedupCapacity,
        int maxPending,
        Duration connectTimeout,
        Duration backoffMin,
        Duration backoffMax,
        Duration backfillWindow,
        int backfillRate,
        int pageLimit,
        Duration pageTimeout,
        Duration cursorMargin,
        Duration progressInterval,
        Duration discoveryInterval) {

    /** The defaults for reading {@code relays}, without discovery. */
    public static WorkerSettings of(List<String> relays, List<Integer> kinds) {
        return new WorkerSettings(List.copyOf(relays), List.copyOf(kinds), 0, OutboundPolicy.PUBLIC_ONLY, 200_000, 5_000,
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofDays(7), 500, 500,
                Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    public static WorkerSettings from(CacheConfig config) {
        return of(config.upstreamRelays(), config.ingestKinds())
                .withDiscovery(config.relayDiscoveryCap(), new OutboundPolicy(config.allowPrivateOrigins()))
                .withBackfill(Duration.ofDays(config.backfillDays()), config.backfillRate());
    }

    public WorkerSettings withDiscovery(int cap, OutboundPolicy policy) {
        return new WorkerSettings(relays, kinds, cap, policy, dedupCapacity, maxPending, connectTimeout, backoffMin,
                backoffMax, backfillWindow, backfillRate, pageLimit, pageTimeout, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withBackoff(Duration min, Duration max) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout, min,
                max, backfillWindow, backfillRate, pageLimit, pageTimeout, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withTimings(Duration connectTimeout, Duration progressInterval, Duration discoveryInterval,
                                      Duration pageTimeout) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout,
                backoffMin, backoffMax, backfillWindow, backfillRate, pageLimit, pageTimeout, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withLimits(int dedupCapacity, int maxPending) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout,
                backoffMin, backoffMax, backfillWindow, backfillRate, pageLimit, pageTimeout, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withBackfill(Duration window, int rate) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout,
                backoffMin, backoffMax, window, rate, pageLimit, pageTimeout, cursorMargin, progressInterval,
                discoveryInterval);
    }
}
