package dev.nostrcache.worker;

import dev.nostrcache.core.event.EventHead;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.filter.FilterJson;
import dev.nostrcache.infra.upstream.FetchJobRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The history side of one relay connection: takes the relay's fetch jobs one at a time and pages each backward on a
 * subscription of its own, beside the live one. A page counts as done once the relay said EOSE and every event it
 * brought has reached a queue; only then is the job's resume point saved, and the next page asked for no sooner than
 * the rate allows. A lost connection loses at most the page in flight, which the next connection asks for again.
 */
final class HistoryFetcher {
    static final String SUBSCRIPTION = "nostr-cache-fetch";
    private static final Logger LOG = LoggerFactory.getLogger(HistoryFetcher.class);

    /** Where the jobs come from: the relay's open jobs (the worker), or the ones an on-demand command created. */
    interface JobSource {
        FetchJobRepository.Job next() throws SQLException;
    }

    private final String url;
    private final WorkerSettings settings;
    private final ScheduledExecutorService scheduler;
    private final FetchJobRepository jobs;
    private final JobSource source;
    private final WorkerMetrics metrics;
    private final Consumer<String> reconnect;
    private final Runnable idle;
    private final Backoff backoff;

    private Consumer<String> socket;
    private int generation;
    private FetchJobRepository.Job job;
    private BackwardPager pager;
    private Tally tally;
    private ScheduledFuture<?> timeout;
    private int refusals;
    private boolean running;

    /**
     * @param reconnect called with a reason when the connection must be dropped and opened again (a page that never
     *                  ended, a database that could not record progress)
     * @param idle      called when no job is left for this relay
     */
    HistoryFetcher(String url, WorkerSettings settings, ScheduledExecutorService scheduler, FetchJobRepository jobs,
                   JobSource source, WorkerMetrics metrics, Consumer<String> reconnect, Runnable idle) {
        this.url = url;
        this.settings = settings;
        this.scheduler = scheduler;
        this.jobs = jobs;
        this.source = source;
        this.metrics = metrics;
        this.reconnect = reconnect;
        this.idle = idle;
        this.backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
    }

    /**
     * A connection is open: take up the jobs (the one in flight, if any, from its saved resume point).
     *
     * @param send writes one text message on the connection
     */
    synchronized void start(Consumer<String> send) {
        generation++;
        socket = send;
        job = null;
        tally = null;
        running = true;
        scheduler.execute(this::nextJob);
    }

    /** The connection ended: forget the page in flight (its events will be asked for again). */
    synchronized void stop() {
        generation++;
        socket = null;
        running = false;
        tally = null;
        cancelTimeout();
    }

    /** Looks for jobs again when idle (another worker's lease expired, an on-demand command stopped). */
    synchronized void poke() {
        if (socket != null && !running) {
            running = true;
            scheduler.execute(this::nextJob);
        }
    }

    /** The tally of the page in flight, for the events of the fetch subscription; null when none is. */
    synchronized Tally tally() {
        return tally;
    }

    private void nextJob() {
        FetchJobRepository.Job next;
        int current;
        synchronized (this) {
            current = generation;
        }
        try {
            next = source.next();
        } catch (SQLException | RuntimeException e) {
            dropConnection("could not read the fetch jobs: " + e);
            return;
        }
        synchronized (this) {
            if (current != generation) {
                return;
            }
            if (next == null) {
                running = false;
                job = null;
                scheduler.execute(idle);
                return;
            }
            job = next;
            pager = new BackwardPager(next.kinds(), next.since(), next.untilNext());
            refusals = 0;
            LOG.info("{}: {} of kinds {} from {} back to {}{}", url, next.reason().column(), next.kinds(),
                    Instant.ofEpochSecond(next.untilNext()), Instant.ofEpochSecond(next.since()),
                    next.pages() > 0 ? " (resumed after " + next.events() + " events in " + next.pages() + " pages)" : "");
        }
        requestPage();
    }

    private synchronized void requestPage() {
        Consumer<String> send = socket;
        if (send == null || job == null) {
            return;
        }
        BackwardPager.Page page = pager.next();
        if (page == null) {
            finishJob(null);
            return;
        }
        tally = new Tally(generation, page);
        Filter filter = new Filter(null, null, new HashSet<>(page.kinds()), null, page.since(), page.until(),
                settings.pageLimit(), null);
        send.accept("[\"REQ\",\"" + SUBSCRIPTION + "\"," + FilterJson.toJson(filter) + "]");
        Tally asked = tally;
        timeout = scheduler.schedule(() -> timedOut(asked), settings.pageTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void timedOut(Tally asked) {
        synchronized (this) {
            if (asked != tally || asked.ended) {
                return;
            }
        }
        dropConnection("no EOSE for a history page within " + settings.pageTimeout().toSeconds() + " s");
    }

    /** The relay ended the page (EOSE): close the subscription, and finish the page once its events are on queues. */
    synchronized void ended() {
        Tally t = tally;
        if (t == null || t.ended) {
            return;
        }
        t.ended = true;
        cancelTimeout();
        if (socket != null) {
            socket.accept("[\"CLOSE\",\"" + SUBSCRIPTION + "\"]");
        }
        t.completeIfSent();
    }

    /** The relay closed the fetch subscription: a refusal ends the job with a note; anything else is tried again later. */
    synchronized void closed(String message) {
        Tally t = tally;
        if (t == null || t.ended) {
            return;
        }
        t.ended = true;
        tally = null;
        cancelTimeout();
        if (message.startsWith("auth-required:") || message.startsWith("restricted:") || message.startsWith("blocked:")) {
            LOG.warn("{} refused the {} job {}: {}", url, job.reason().column(), job.id(), message);
            finishJob("the relay refused: " + message);
            return;
        }
        refusals++;
        long delay = backoff.delay(refusals).toMillis();
        LOG.info("{} closed a history page ({}); asking again in {} ms", url, message, delay);
        requestPageLater(generation, delay);
    }

    /** Asks for the next page after {@code delayMillis}, unless the connection it was meant for has ended by then. */
    private void requestPageLater(int forGeneration, long delayMillis) {
        scheduler.schedule(() -> {
            synchronized (this) {
                if (forGeneration != generation) {
                    return;
                }
            }
            requestPage();
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void pageDone(Tally t) {
        FetchJobRepository.Job current;
        long resume;
        boolean finished;
        synchronized (this) {
            if (t != tally || t.generation != generation) {
                return;
            }
            tally = null;
            String warning = pager.answered(t.count, t.oldest);
            if (warning != null) {
                LOG.warn("{}: {}", url, warning);
            }
            current = job;
            resume = pager.resumeUntil();
            finished = pager.done();
        }
        metrics.countPage(url, t.count);
        try {
            jobs.advance(current.id(), resume, t.count, t.count > 0 ? t.oldest : null);
        } catch (SQLException | RuntimeException e) {
            dropConnection("could not save the progress of a history page: " + e);
            return;
        }
        if (finished) {
            synchronized (this) {
                finishJob(null);
            }
            return;
        }
        long minimum = t.count * 1000L / settings.backfillRate();
        long spent = (System.nanoTime() - t.startedNanos) / 1_000_000;
        requestPageLater(t.generation, Math.max(0, minimum - spent));
    }

    /** Called with the monitor held. */
    private void finishJob(String note) {
        FetchJobRepository.Job done = job;
        job = null;
        try {
            jobs.finish(done.id(), note);
        } catch (SQLException | RuntimeException e) {
            dropConnection("could not record a finished fetch job: " + e);
            return;
        }
        metrics.countJobFinished();
        if (note == null) {
            LOG.info("{}: {} job {} done", url, done.reason().column(), done.id());
        }
        scheduler.execute(this::nextJob);
    }

    /** Asks the connection to reconnect, outside this fetcher's monitor (the connection's own lock comes first). */
    private void dropConnection(String reason) {
        scheduler.execute(() -> reconnect.accept(reason));
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** What one page brought: the events in its range (for paging), and how many are still on their way to a queue. */
    final class Tally {
        private final int generation;
        private final BackwardPager.Page page;
        private final long startedNanos = System.nanoTime();
        private int count;
        private long oldest = Long.MAX_VALUE;
        private int unsent;
        private boolean ended;
        private boolean completed;

        private Tally(int generation, BackwardPager.Page page) {
            this.generation = generation;
            this.page = page;
        }

        /** An event arrived on the fetch subscription. */
        void saw(EventHead event) {
            synchronized (HistoryFetcher.this) {
                if (ended || !page.kinds().contains(event.kind()) || event.createdAt() < page.since()
                        || event.createdAt() > page.until()) {
                    return;
                }
                count++;
                oldest = Math.min(oldest, event.createdAt());
            }
        }

        /** The callback for an event this page sends on: the page waits for it. */
        Runnable sending() {
            synchronized (HistoryFetcher.this) {
                unsent++;
            }
            return () -> {
                synchronized (HistoryFetcher.this) {
                    unsent--;
                    completeIfSent();
                }
            };
        }

        private void completeIfSent() {
            if (ended && unsent == 0 && !completed) {
                completed = true;
                try {
                    scheduler.execute(() -> pageDone(this));
                } catch (RejectedExecutionException stopping) {
                    // The worker is stopping: the page is not recorded and is asked for again at the next start.
                }
            }
        }
    }
}
