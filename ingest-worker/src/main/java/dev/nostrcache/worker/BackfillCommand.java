package dev.nostrcache.worker;

import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.upstream.FetchJobRepository;
import dev.nostrcache.infra.upstream.RelayRepository;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code backfill}: fetches a range of history from one relay or all enabled ones now, through the same pages, queues
 * and functions as the worker's own back-fill, with a progress line every two seconds and a final report. The range is
 * recorded as on-demand fetch jobs first: if this command is stopped, the running worker takes them up once their lease
 * has expired, and finishes them.
 */
public final class BackfillCommand {

    /**
     * What to fetch.
     *
     * @param relays relay URLs (empty: every enabled relay)
     * @param since  the oldest {@code created_at} to fetch
     * @param kinds  the kinds (empty: the configured ones that have history)
     */
    public record Request(List<String> relays, long since, List<Integer> kinds) {
    }

    /** What one run fetched. */
    public record Report(int relays, long events, long pages, List<String> notes, boolean complete, double seconds) {
    }

    private final WorkerSettings settings;
    private final DataSource dataSource;
    private final Function<OutboundEvent, CompletableFuture<Void>> sink;
    private final Supplier<String> sinkMetrics;

    public BackfillCommand(WorkerSettings settings, DataSource dataSource, Function<OutboundEvent, CompletableFuture<Void>> sink,
                           Supplier<String> sinkMetrics) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.sink = sink;
        this.sinkMetrics = sinkMetrics;
    }

    public Report run(Request request, Duration timeout, PrintStream out) throws SQLException, InterruptedException {
        RelayRepository relays = new RelayRepository(dataSource);
        List<String> urls = request.relays().isEmpty()
                ? relays.enabled().stream().map(RelayRepository.Relay::url).toList() : request.relays();
        List<Integer> kinds = request.kinds().isEmpty()
                ? settings.kinds().stream().filter(k -> KindClass.of(k) != KindClass.EPHEMERAL).toList() : request.kinds();
        long now = System.currentTimeMillis() / 1000;
        long started = System.nanoTime();
        try (IngestWorker worker = new IngestWorker(settings, dataSource, sink, sinkMetrics)) {
            FetchJobRepository jobs = worker.fetchJobs();
            Map<String, List<Long>> ids = new LinkedHashMap<>();
            List<Long> all = new ArrayList<>();
            for (String url : urls) {
                relays.ensureKnown(url);
                long id = jobs.create(url, FetchJobRepository.Reason.ON_DEMAND, kinds, request.since(), now);
                ids.put(url, List.of(id));
                all.add(id);
            }
            out.printf("fetching kinds %s created from %s to %s from %d relays%n", kinds,
                    Instant.ofEpochSecond(request.since()), Instant.ofEpochSecond(now), urls.size());
            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "backfill-progress");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(() -> out.println(progressLine(jobs, all, worker)), 2, 2, TimeUnit.SECONDS);
            boolean complete;
            try {
                complete = worker.fetch(ids, timeout);
            } finally {
                ticker.shutdownNow();
            }
            out.println(progressLine(jobs, all, worker));
            long events = jobs.progress(all).stream().mapToLong(FetchJobRepository.Progress::events).sum();
            return new Report(urls.size(), events, worker.metrics().pages(), jobs.notes(all),
                    complete && jobs.allFinished(all), (System.nanoTime() - started) / 1e9);
        }
    }

    private static String progressLine(FetchJobRepository jobs, List<Long> ids, IngestWorker worker) {
        try {
            StringBuilder line = new StringBuilder("...");
            for (FetchJobRepository.Progress p : jobs.progress(ids)) {
                line.append(' ').append(p.relayUrl()).append(": ").append(p.events()).append(" events, ")
                        .append(p.oldestReached() == null ? "done" : "reached " + Instant.ofEpochSecond(p.oldestReached()))
                        .append(';');
            }
            return line.append(" received ").append(worker.metrics().receivedTotal()).append(", duplicates ")
                    .append(worker.metrics().duplicates()).toString();
        } catch (SQLException | RuntimeException e) {
            return "... (progress unavailable: " + e.getMessage() + ")";
        }
    }
}
