package dev.nostrcache.worker;

import dev.nostrcache.infra.net.OutboundPolicy;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.relay.RelayRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.http.HttpClient;
import java.sql.SQLException;
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
 * stored NIP-65 lists up to the cap), a shared duplicate filter, and a periodic save of cursors, counters and
 * health. Closing it stops reading, lets the sink flush, and saves the cursors a last time.
 */
public final class IngestWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestWorker.class);

    private final WorkerSettings settings;
    private final RelayRepository relays;
    private final Function<OutboundEvent, CompletableFuture<Void>> sink;
    private final RecentIds recent;
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
    }

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
        RelayConnection connection = new RelayConnection(relay.url(), relay.sinceCursor(), settings, http, scheduler,
                sink, recent, metrics, isFromData(relay) ? () -> refusal(relay.url()) : () -> null,
                new RelayConnection.HealthSink() {
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
                });
        if (connections.putIfAbsent(relay.url(), connection) == null) {
            connection.start();
        }
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
        return "received " + metrics.receivedTotal() + " " + metrics.receivedByRelayAndKind() + ", duplicates suppressed "
                + metrics.duplicates() + ", broken events " + metrics.invalid() + ", garbage messages " + metrics.garbage()
                + ", connections " + metrics.connections() + "; " + sinkMetrics.get();
    }

    private void logMetrics() {
        LOG.info("ingest worker: {}", metricsLine());
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
