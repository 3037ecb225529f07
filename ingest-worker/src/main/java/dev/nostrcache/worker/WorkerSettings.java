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
 * @param initialBackfill   how far back a relay never read before is asked for
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
        Duration initialBackfill,
        Duration cursorMargin,
        Duration progressInterval,
        Duration discoveryInterval) {

    /** The defaults for reading {@code relays}, without discovery. */
    public static WorkerSettings of(List<String> relays, List<Integer> kinds) {
        return new WorkerSettings(List.copyOf(relays), List.copyOf(kinds), 0, OutboundPolicy.PUBLIC_ONLY, 200_000, 5_000,
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofHours(1),
                Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    public static WorkerSettings from(CacheConfig config) {
        return of(config.upstreamRelays(), config.ingestKinds())
                .withDiscovery(config.relayDiscoveryCap(), new OutboundPolicy(config.allowPrivateOrigins()));
    }

    public WorkerSettings withDiscovery(int cap, OutboundPolicy policy) {
        return new WorkerSettings(relays, kinds, cap, policy, dedupCapacity, maxPending, connectTimeout, backoffMin,
                backoffMax, initialBackfill, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withBackoff(Duration min, Duration max) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout, min,
                max, initialBackfill, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withTimings(Duration connectTimeout, Duration progressInterval, Duration discoveryInterval,
                                      Duration initialBackfill) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout,
                backoffMin, backoffMax, initialBackfill, cursorMargin, progressInterval, discoveryInterval);
    }

    public WorkerSettings withLimits(int dedupCapacity, int maxPending) {
        return new WorkerSettings(relays, kinds, discoveryCap, outbound, dedupCapacity, maxPending, connectTimeout,
                backoffMin, backoffMax, initialBackfill, cursorMargin, progressInterval, discoveryInterval);
    }
}
