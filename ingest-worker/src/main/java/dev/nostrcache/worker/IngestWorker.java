package dev.nostrcache.worker;

import dev.nostrcache.infra.net.OutboundPolicy;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.upstream.FetchJobRepository;
import dev.nostrcache.infra.upstream.RelayRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.http.HttpClient;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The relay-to-queue process: one {@link RelayConnection} per enabled relay (configured ones, and ones found in
 * stored NIP-65 lists up to the cap), a shared duplicate filter, the fetch jobs that bring each relay's history
 * (back-fill, catch-up), and a periodic save of cursors, counters and health. Closing it stops reading, lets the sink
 * flush, saves the cursors a last time and lets go of its fetch jobs.
 *
 * <p>{@link #fetch} runs given fetch jobs without live subscriptions: the on-demand back-fill.
 */
public final class IngestWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestWorker.class);

    private final WorkerSettings settings;
    private final RelayRepository relays;
    private final Function<OutboundEvent, CompletableFuture<Void>> sink;
    private final RecentIds recent;
    private final FetchJobRepository jobs;
    private final FetchPlanner planner;
    private final WorkerMetrics metrics = new WorkerMetrics();
    private final Map<String, RelayConnection> connections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "ingest-worker");
        t.setDaemon(true);
        return t;
    });
    // Redirects are never followed: a relay could otherwise send the worker to any address.
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Supplier<String> sinkMetrics;

    /**
     * @param sink        where events go (the SQS publisher)
     * @param sinkMetrics a summary of the sink's own counters for the periodic metrics line (sent, failures)
     */
    public IngestWorker(WorkerSettings settings, DataSource dataSource, Function<OutboundEvent, CompletableFuture<Void>> sink,
                        Supplier<String> sinkMetrics) {
        this.settings = settings;
        this.relays = new RelayRepository(dataSource);
        this.sink = sink;
        this.sinkMetrics = sinkMetrics;
        this.recent = new RecentIds(settings.dedupCapacity());
        this.jobs = new FetchJobRepository(dataSource, "worker-" + UUID.randomUUID(), FETCH_LEASE);
        this.planner = new FetchPlanner(settings, jobs);
    }

    /** How long a fetch job stays with a worker that stopped renewing it (a page saved renews it). */
    static final Duration FETCH_LEASE = Duration.ofMinutes(5);

    public void start() throws SQLException {
        for (RelayRepository.Relay relay : relays.registerConfigured(settings.relays())) {
            if (isFromData(relay)) {
                String refusal = refusal(relay.url());
                if (refusal != null) {
                    LOG.warn("dropped the stored relay {} (found in relay lists): {}", relay.url(), refusal);
                    relays.refuse(relay.url(), refusal);
                    continue;
                }
            }
            open(relay);
        }
        long progress = settings.progressInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::saveProgress, progress, progress, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::logMetrics, 1, 1, TimeUnit.MINUTES);
        if (settings.discoveryCap() > 0) {
            long discovery = settings.discoveryInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::discover, discovery, discovery, TimeUnit.MILLISECONDS);
        }
        LOG.info("ingest worker reading {} relays for kinds {}", connections.size(), settings.kinds());
    }

    /** Relays named in stored relay lists came from strangers' events; configured ones are the operator's choice. */
    private static boolean isFromData(RelayRepository.Relay relay) {
        return !relay.source().equals("config");
    }

    /** Why the worker must not connect to {@code url}, or null (the outbound address policy, after DNS). */
    private String refusal(String url) {
        try {
            settings.outbound().check(url, OutboundPolicy.WEBSOCKET);
            return null;
        } catch (OutboundPolicy.RefusedException e) {
            return e.getMessage();
        }
    }

    private void open(RelayRepository.Relay relay) {
        String url = relay.url();
        open(url, relay.sinceCursor(), isFromData(relay) ? () -> refusal(url) : () -> null, planner,
                () -> jobs.claimNext(url), () -> { });
    }

    private void open(String url, Long cursor, Supplier<String> addressRefusal, FetchPlanner planner,
                      HistoryFetcher.JobSource jobSource, Runnable idle) {
        RelayConnection connection = new RelayConnection(url, cursor, settings, http, scheduler,
                sink, recent, metrics, addressRefusal, new RelayConnection.HealthSink() {
                    @Override
                    public void connected(String url) {
                        quietly(() -> relays.connected(url));
                    }

                    @Override
                    public void failed(String url, String reason) {
                        quietly(() -> relays.failed(url, reason));
                    }

                    @Override
                    public void refused(String url, String reason) {
                        LOG.warn("stopped reading {} (found in relay lists): {}", url, reason);
                        connections.remove(url);
                        quietly(() -> relays.refuse(url, reason));
                    }
                }, planner, jobs, jobSource, idle);
        if (connections.putIfAbsent(url, connection) == null) {
            connection.start();
        }
    }

    /**
     * Runs the given fetch jobs (by relay URL) on connections of their own, without live subscriptions, and returns once
     * every relay has none left, or after {@code timeout}; false then. Events go to the sink as the worker's do.
     */
    public boolean fetch(Map<String, List<Long>> jobIdsByRelay, Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(jobIdsByRelay.size());
        jobIdsByRelay.forEach((url, ids) -> {
            Iterator<Long> remaining = List.copyOf(ids).iterator();
            HistoryFetcher.JobSource source = () -> {
                while (remaining.hasNext()) {
                    FetchJobRepository.Job job = jobs.claim(remaining.next());
                    if (job != null) {
                        return job;
                    }
                }
                return null;
            };
            open(url, null, () -> null, null, source, () -> {
                RelayConnection connection = connections.remove(url);
                if (connection != null) {
                    connection.stop();
                    done.countDown();
                }
            });
        });
        long progress = settings.progressInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::saveProgress, progress, progress, TimeUnit.MILLISECONDS);
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fetch jobs of any worker not finished yet (-1 when the database cannot say). */
    public long openFetchJobs() {
        try {
            return jobs.progress(List.of()).stream().mapToLong(FetchJobRepository.Progress::openJobs).sum();
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /** The fetch jobs' records, for progress lines and reports. */
    public FetchJobRepository fetchJobs() {
        return jobs;
    }

    /**
     * Looks for new relays in stored NIP-65 lists now (also done periodically). A relay whose address is not public
     * (after DNS) is recorded as refused and never connected to.
     */
    public void discover() {
        try {
            for (String url : relays.discoveryCandidates(settings.discoveryCap())) {
                String refusal = refusal(url);
                if (refusal != null) {
                    LOG.warn("refused the relay {} found in relay lists: {}", url, refusal);
                    relays.refuse(url, refusal);
                } else if (relays.addDiscovered(url)) {
                    LOG.info("discovered relay {} from stored relay lists", url);
                    open(new RelayRepository.Relay(url, "nip65", null));
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("relay discovery failed: {}", e.toString());
        }
    }

    /** Saves every relay's cursor, new event count and latency (also done periodically). */
    public void saveProgress() {
        for (RelayConnection connection : connections.values()) {
            connection.lookForJobs();
            Long cursor = connection.cursor();
            long received = connection.takeReceivedCount();
            try {
                relays.progress(connection.url(), cursor, received, connection.latencyMs());
            } catch (SQLException | RuntimeException e) {
                LOG.warn("could not save the progress of {}: {}", connection.url(), e.toString());
            }
        }
    }

    /** One line with every counter: events by relay and kind, duplicates, broken input, and the sink's figures. */
    public String metricsLine() {
        return "received " + metrics.receivedTotal() + " " + metrics.receivedByRelayAndKind() + ", history pages "
                + metrics.pages() + " (" + metrics.fetchedTotal() + " events, " + metrics.jobsFinished()
                + " fetch jobs finished), duplicates suppressed "
                + metrics.duplicates() + ", broken events " + metrics.invalid() + ", garbage messages " + metrics.garbage()
                + ", connections " + metrics.connections() + "; " + sinkMetrics.get();
    }

    private void logMetrics() {
        LOG.info("ingest worker: {}", metricsLine());
        try {
            for (FetchJobRepository.Progress p : jobs.progress(List.of())) {
                LOG.info("history of {}: {} fetch jobs open, {} events fetched by them so far, reached {}", p.relayUrl(),
                        p.openJobs(), p.events(), p.oldestReached() == null ? "-" : Instant.ofEpochSecond(p.oldestReached()));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not read the fetch progress: {}", e.toString());
        }
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    /** The relays being read, by URL. */
    public List<String> relayUrls() {
        return List.copyOf(connections.keySet());
    }

    public boolean isConnected(String url) {
        RelayConnection c = connections.get(url);
        return c != null && c.connected();
    }

    public int consecutiveFailures(String url) {
        RelayConnection c = connections.get(url);
        return c == null ? 0 : c.consecutiveFailures();
    }

    @Override
    public void close() {
        connections.values().forEach(RelayConnection::stop);
        scheduler.shutdownNow();
        saveProgress();
        quietly(jobs::releaseAll);
        http.close();
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static void quietly(SqlAction action) {
        try {
            action.run();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("could not record relay health: {}", e.toString());
        }
    }
}
