package dev.nostrcache.worker;

import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.infra.upstream.FetchJobRepository;
import dev.nostrcache.infra.upstream.FetchJobRepository.Reason;

import java.sql.SQLException;
import java.util.List;

/**
 * Which history to fetch when a connection to a relay opens, recorded as fetch jobs before the live subscription
 * starts: on first contact, the back-fill (replaceable and addressable kinds as far back as the relay has them, the
 * other kinds over the configured window); after that, the gap since the resume cursor (catch-up). Ephemeral kinds
 * have no history.
 */
final class FetchPlanner {
    private final WorkerSettings settings;
    private final FetchJobRepository jobs;

    FetchPlanner(WorkerSettings settings, FetchJobRepository jobs) {
        this.settings = settings;
        this.jobs = jobs;
    }

    /**
     * @param cursor the relay's resume cursor (null: its live subscription never caught up)
     * @param now    the second from which the live subscription reads
     */
    void planOnConnect(String url, Long cursor, long now) throws SQLException {
        List<Integer> withHistory = settings.kinds().stream().filter(k -> KindClass.of(k) != KindClass.EPHEMERAL).toList();
        List<Integer> latestOnly = withHistory.stream().filter(FetchPlanner::keepsLatestOnly).toList();
        List<Integer> regular = withHistory.stream().filter(k -> !keepsLatestOnly(k)).toList();
        long window = settings.backfillWindow().toSeconds();
        boolean firstContact = jobs.planFirstContact(url, c -> {
            if (window > 0) {
                if (!latestOnly.isEmpty()) {
                    FetchJobRepository.create(c, url, Reason.BACKFILL, latestOnly, 0, now);
                }
                if (!regular.isEmpty()) {
                    long since = cursor == null ? now - window : Math.min(now - window, cursor);
                    FetchJobRepository.create(c, url, Reason.BACKFILL, regular, since, now);
                }
            } else if (cursor != null && !withHistory.isEmpty()) {
                FetchJobRepository.create(c, url, Reason.CATCH_UP, withHistory, cursor, now);
            }
        });
        if (firstContact || cursor == null || withHistory.isEmpty()) {
            return;
        }
        // Open catch-up jobs already cover up to where they started; only the rest of the gap is new.
        Long covered = jobs.newestOpenUntil(url, Reason.CATCH_UP);
        long since = covered == null ? cursor : Math.max(cursor, covered);
        if (since < now) {
            jobs.create(url, Reason.CATCH_UP, withHistory, since, now);
        }
    }

    private static boolean keepsLatestOnly(int kind) {
        KindClass kindClass = KindClass.of(kind);
        return kindClass == KindClass.REPLACEABLE || kindClass == KindClass.ADDRESSABLE;
    }
}
