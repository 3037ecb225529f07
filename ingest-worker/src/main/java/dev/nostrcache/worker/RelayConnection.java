package dev.nostrcache.worker;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.EventHead;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.message.RelayMessage;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.upstream.FetchJobRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One upstream relay: check its address again if it came from a stranger's relay list (DNS answers change), connect,
 * record the history to fetch (the first-contact back-fill, or the gap since the resume cursor), subscribe to the
 * cache's kinds from now on, page the history on a second subscription ({@link HistoryFetcher}), pass every new event
 * on, and reconnect with backoff when the connection ends. Reading is flow-controlled: the next WebSocket message is
 * requested only when the sink has accepted the previous event, so a slow queue stops the reading of both.
 *
 * <p>The resume cursor is the moment before which everything the live subscription brought has reached a queue, minus
 * a margin; it only moves once the relay has said EOSE. What came before the subscription is covered by the fetch
 * jobs, recorded before the subscription starts.
 */
final class RelayConnection implements WebSocket.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(RelayConnection.class);
    private static final String SUBSCRIPTION = "nostr-cache";
    private static final int MAX_MESSAGE_CHARS = 512 * 1024;

    /** Receives health changes; implemented over the relays table. */
    interface HealthSink {
        void connected(String url);

        void failed(String url, String reason);

        /** The relay's address must not be connected to: the connection has stopped for good. */
        void refused(String url, String reason);
    }

    private final String url;
    private final WorkerSettings settings;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Function<OutboundEvent, CompletableFuture<Void>> sink;
    private final RecentIds recent;
    private final WorkerMetrics metrics;
    private final HealthSink health;
    private final Supplier<String> addressRefusal;
    private final Backoff backoff;
    private final FetchPlanner planner;
    private final HistoryFetcher fetcher;
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final ConcurrentSkipListMap<Long, Long> unsent = new ConcurrentSkipListMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong receivedSinceSave = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();

    private volatile Long since;
    private volatile WebSocket socket;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private volatile boolean stopped;
    private volatile boolean caughtUp;
    private volatile long reqSentAt;
    private volatile Integer latencyMs;
    private volatile long lastNoticeLog;
    private int failures;

    /**
     * @param planner records the history to fetch when a connection opens and starts the live subscription; null for
     *                a connection that only runs fetch jobs (the on-demand back-fill)
     * @param jobs    the fetch jobs this connection runs, and where their progress is saved
     * @param idle    called when no fetch job is left
     */
    RelayConnection(String url, Long since, WorkerSettings settings, HttpClient http, ScheduledExecutorService scheduler,
                    Function<OutboundEvent, CompletableFuture<Void>> sink, RecentIds recent, WorkerMetrics metrics,
                    Supplier<String> addressRefusal, HealthSink health, FetchPlanner planner,
                    FetchJobRepository jobRepository, HistoryFetcher.JobSource jobs, Runnable idle) {
        this.url = url;
        this.since = since;
        this.settings = settings;
        this.http = http;
        this.scheduler = scheduler;
        this.sink = sink;
        this.recent = recent;
        this.metrics = metrics;
        this.health = health;
        this.addressRefusal = addressRefusal;
        this.backoff = new Backoff(settings.backoffMin(), settings.backoffMax());
        this.planner = planner;
        this.fetcher = new HistoryFetcher(url, settings, scheduler, jobRepository, jobs, metrics, this::reconnect, idle);
    }

    String url() {
        return url;
    }

    void start() {
        connect();
    }

    private void connect() {
        if (stopped) {
            return;
        }
        caughtUp = false;
        String refusal = addressRefusal.get();
        if (refusal != null) {
            stopped = true;
            health.refused(url, refusal);
            return;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            retry(null, "bad URL: " + e.getMessage());
            return;
        }
        http.newWebSocketBuilder().connectTimeout(settings.connectTimeout()).buildAsync(uri, this)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        retry(null, "connect failed: " + rootMessage(error));
                    }
                });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        partial.setLength(0);
        if (stopped) {
            webSocket.abort();
            return;
        }
        metrics.countConnection();
        health.connected(url);
        synchronized (this) {
            sending = CompletableFuture.completedFuture(null);
        }
        webSocket.request(1);
        scheduler.execute(() -> subscribe(webSocket));
    }

    /**
     * Records the history to fetch up to this second, then asks for everything from this second on: a gap between the
     * two can only come from a failure to record, and then the connection is dropped instead.
     */
    private void subscribe(WebSocket webSocket) {
        if (planner != null) {
            long now = System.currentTimeMillis() / 1000;
            try {
                planner.planOnConnect(url, since, now);
            } catch (SQLException | RuntimeException e) {
                reconnect("could not record the history to fetch: " + e);
                return;
            }
            StringBuilder kinds = new StringBuilder();
            for (int kind : settings.kinds()) {
                kinds.append(kinds.isEmpty() ? "" : ",").append(kind);
            }
            reqSentAt = System.nanoTime();
            send(webSocket, "[\"REQ\",\"" + SUBSCRIPTION + "\",{\"kinds\":[" + kinds + "],\"since\":" + now + "}]");
        }
        fetcher.start(text -> send(webSocket, text));
    }

    /** Writes one message; the JDK's WebSocket allows one send at a time, so sends are chained. */
    private synchronized void send(WebSocket webSocket, String text) {
        sending = sending.handle((r, e) -> null).thenCompose(x -> webSocket.sendText(text, true));
    }

    /** Drops the current connection and opens another after the backoff. */
    private void reconnect(String reason) {
        WebSocket ws = socket;
        if (ws != null) {
            retry(ws, reason);
            ws.abort();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (partial.length() + data.length() > MAX_MESSAGE_CHARS) {
            partial.setLength(0);
            metrics.countGarbage();
            retry(webSocket, "a message over " + MAX_MESSAGE_CHARS + " characters");
            webSocket.abort();
            return null;
        }
        partial.append(data);
        if (!last) {
            webSocket.request(1);
            return null;
        }
        String text = partial.toString();
        partial.setLength(0);
        handle(text).whenComplete((ok, error) -> webSocket.request(1));
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        metrics.countGarbage();
        webSocket.request(1);
        return null;
    }

    private CompletableFuture<Void> handle(String text) {
        RelayMessage message = RelayMessage.parse(text);
        switch (message) {
            case RelayMessage.EventMessage event -> {
                if (SUBSCRIPTION.equals(event.subscriptionId())) {
                    return accept(event.eventJson(), null);
                }
                if (HistoryFetcher.SUBSCRIPTION.equals(event.subscriptionId())) {
                    return accept(event.eventJson(), fetcher.tally());
                }
            }
            case RelayMessage.Eose eose -> {
                if (SUBSCRIPTION.equals(eose.subscriptionId())) {
                    latencyMs = (int) Duration.ofNanos(System.nanoTime() - reqSentAt).toMillis();
                    caughtUp = true;
                    failures = 0;
                } else if (HistoryFetcher.SUBSCRIPTION.equals(eose.subscriptionId())) {
                    failures = 0;
                    fetcher.ended();
                }
            }
            case RelayMessage.Closed closed -> {
                if (HistoryFetcher.SUBSCRIPTION.equals(closed.subscriptionId())) {
                    fetcher.closed(closed.message());
                } else {
                    LOG.info("{} closed our subscription: {}", url, closed.message());
                    reconnect("subscription closed: " + closed.message());
                }
            }
            case RelayMessage.Notice notice -> {
                long now = System.currentTimeMillis();
                if (now - lastNoticeLog > 60_000) {
                    lastNoticeLog = now;
                    LOG.info("NOTICE from {}: {}", url, notice.message());
                }
            }
            case RelayMessage.Malformed malformed -> metrics.countGarbage();
            case RelayMessage.Ok ok -> {
                // we never publish upstream
            }
            case RelayMessage.Unknown unknown -> {
                // AUTH, COUNT...: not for a read-only subscriber
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Passes an event on; {@code page} is the history page it belongs to (null: the live subscription's). */
    private CompletableFuture<Void> accept(String json, HistoryFetcher.Tally page) {
        EventHead event;
        try {
            event = parser.parseHead(json);
        } catch (InvalidEventException e) {
            metrics.countInvalid();
            return CompletableFuture.completedFuture(null);
        }
        if (page != null) {
            page.saw(event);
        }
        if (!settings.kinds().contains(event.kind())) {
            return CompletableFuture.completedFuture(null);
        }
        metrics.countReceived(url, event.kind());
        receivedSinceSave.incrementAndGet();
        if (!recent.firstSeen(event.id())) {
            metrics.countDuplicate();
            return CompletableFuture.completedFuture(null);
        }
        long now = System.currentTimeMillis();
        if (page != null) {
            return sink.apply(new OutboundEvent(json, event.kind(), url, now, page.sending()));
        }
        long seq = sequence.incrementAndGet();
        unsent.put(seq, now);
        return sink.apply(new OutboundEvent(json, event.kind(), url, now, () -> unsent.remove(seq)));
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        retry(webSocket, "closed by the relay (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        retry(webSocket, "connection error: " + rootMessage(error));
    }

    /**
     * Schedules a reconnection after the backoff delay. {@code from} is the socket that ended (null when none was
     * opened); callbacks of a socket that is no longer current are ignored, so one failure schedules one retry.
     */
    private synchronized void retry(WebSocket from, String reason) {
        if (from != null && from != socket) {
            return;
        }
        socket = null;
        fetcher.stop();
        if (stopped) {
            return;
        }
        failures++;
        Duration delay = backoff.delay(failures);
        LOG.info("{}: {}; reconnecting in {} ms", url, reason, delay.toMillis());
        health.failed(url, reason);
        scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The cursor to save now, or null to keep the saved one. */
    Long cursor() {
        if (!caughtUp) {
            return null;
        }
        Map.Entry<Long, Long> oldestUnsent = unsent.firstEntry();
        long safeMillis = oldestUnsent == null ? System.currentTimeMillis() : oldestUnsent.getValue();
        long cursor = (safeMillis - settings.cursorMargin().toMillis()) / 1000;
        since = cursor;
        return cursor;
    }

    long takeReceivedCount() {
        return receivedSinceSave.getAndSet(0);
    }

    Integer latencyMs() {
        return latencyMs;
    }

    boolean connected() {
        return socket != null;
    }

    int consecutiveFailures() {
        return failures;
    }

    /** Looks for fetch jobs again if none is running (a lease of another worker may have expired). */
    void lookForJobs() {
        fetcher.poke();
    }

    void stop() {
        stopped = true;
        fetcher.stop();
        WebSocket ws = socket;
        if (ws != null) {
            CompletableFuture<?> closing;
            synchronized (this) {
                closing = sending.handle((r, e) -> null)
                        .thenCompose(x -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "shutting down"));
                sending = closing;
            }
            closing.orTimeout(2, TimeUnit.SECONDS).whenComplete((r, e) -> ws.abort());
        }
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
