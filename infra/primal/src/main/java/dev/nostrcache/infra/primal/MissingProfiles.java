package dev.nostrcache.infra.primal;

import dev.nostrcache.infra.net.UpstreamQuery;
import dev.nostrcache.infra.queue.EventSubmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Profiles an answer names that the cache lacks, asked of the upstream relays in one request within a short deadline
 * (as {@code /profile-pic} does for its picture): those that arrive are answered, and each goes to the ingest queue,
 * so the hole fills itself. A pubkey that no relay had is not asked again for {@link #FORGET_AFTER}, so a page that
 * names an account without a profile anywhere costs the deadline once, not on every load.
 */
final class MissingProfiles {
    static final Duration FORGET_AFTER = Duration.ofMinutes(10);
    private static final int KIND_PROFILE = 0;
    /** Pubkeys asked at most per answer; a larger answer's others wait for its next load. */
    static final int MAX_PER_ANSWER = 100;
    private static final List<String> ABSENT = List.of();
    private static final Logger LOG = LoggerFactory.getLogger(MissingProfiles.class);

    static final MissingProfiles NONE = new MissingProfiles(null, null, Clock.systemUTC());

    private final UpstreamQuery upstream;
    private final EventSubmitter submitter;
    private final HotCache<List<String>> notFound;

    /** @param upstream the relays to ask, with the deadline; null asks nobody */
    MissingProfiles(UpstreamQuery upstream, EventSubmitter submitter, Clock clock) {
        this.upstream = upstream;
        this.submitter = submitter;
        this.notFound = new HotCache<>(clock, FORGET_AFTER, 100_000, absent -> 0, 0);
    }

    /** Whether any relay is asked (else {@link #fetch} finds nothing). */
    boolean asksAnyone() {
        return upstream != null && !upstream.relays().isEmpty();
    }

    /** The newest kind 0 the upstream relays have for each of {@code pubkeys} (not found recently), by pubkey. */
    Map<String, UpstreamQuery.Found> fetch(Collection<String> pubkeys) {
        if (!asksAnyone() || pubkeys.isEmpty()) {
            return Map.of();
        }
        Set<String> asked = new LinkedHashSet<>();
        for (String pk : pubkeys) {
            if (notFound.peek("profile", pk) == null && asked.size() < MAX_PER_ANSWER) {
                asked.add(pk);
            }
        }
        if (asked.isEmpty()) {
            return Map.of();
        }
        Map<String, UpstreamQuery.Found> found = upstream.newestReplaceables(asked, KIND_PROFILE);
        for (String pk : asked) {
            UpstreamQuery.Found f = found.get(pk);
            if (f == null) {
                notFound.put("profile", pk, ABSENT);
            } else if (submitter != null) {
                try {
                    submitter.submit(f.json(), KIND_PROFILE, f.relay());
                } catch (RuntimeException e) {
                    // The answer still carries it; the worker or the next lookup stores it later.
                    LOG.warn("a profile found upstream could not be queued: {}", e.toString());
                }
            }
        }
        LOG.debug("profiles looked up upstream: {} asked, {} found", asked.size(), found.size());
        return found;
    }
}
