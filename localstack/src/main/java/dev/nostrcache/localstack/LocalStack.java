package dev.nostrcache.localstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.crypto.LibSecp256k1Schnorr;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.aws.SqsAvatarQueue;
import dev.nostrcache.functions.avatar.AvatarFunctions;
import dev.nostrcache.functions.scheduled.ScheduledFunctions;
import dev.nostrcache.functions.http.AdminCredential;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.nostrcache.infra.aws.DeadLetters;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.relay.ConnectionMessenger;
import dev.nostrcache.infra.relay.KnownEvents;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.queue.Queues;
import dev.nostrcache.infra.aws.SqsEventPublisher;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.avatar.AvatarBucket;
import dev.nostrcache.infra.aws.S3AvatarBucket;
import dev.nostrcache.infra.aws.SqsEventSubmitter;
import dev.nostrcache.infra.queue.OutageRetry;
import dev.nostrcache.worker.IngestWorker;
import dev.nostrcache.worker.WorkerSettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole system in one JVM on embedded stand-ins: PostgreSQL (zonky, or an external database when
 * {@code database_url} is set), SQS (ElasticMQ) and S3 (S3Proxy), every one on loopback; then the functions with
 * an event-source mapping per queue, and the ingest worker reading the upstream relays. Closing it stops
 * everything it started, in reverse order, letting queued events drain first.
 */
public final class LocalStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** How much of the system to start. */
    public enum Mode {
        /** Everything, the worker included: what {@code ./run.sh} runs. */
        FULL,
        /** Everything but the worker: for imports and tests that feed the queues themselves. */
        PIPELINE,
        /** The stand-ins (PostgreSQL, SQS, S3) without functions or worker: for tools that bring their own. */
        SERVICES,
        /** The database only: for commands that just read it. */
        DATABASE
    }

    private final CacheConfig config;
    private final Mode mode;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private EmbeddedPostgresService postgres;
    private SqsService sqs;
    private S3Service s3;
    private HikariDataSource dataSource;
    private String jdbcUrl;
    private int migrationsApplied;
    private SqsClient sqsClient;
    private DeadLetters deadLetters;
    private Map<String, Long> waitingAtStart = Map.of();
    private final Map<QueueGroup, SqsEventSourceMapping> mappings = new EnumMap<>(QueueGroup.class);
    private SqsEventSourceMapping avatarMapping;
    private LocalFunctions functions;
    private volatile SqsEventPublisher publisher;
    private QueueBacklog backlog;
    private IngestWorker worker;
    private LocalGateway gateway;
    private PrometheusMeterRegistry metrics;

    private LocalStack(CacheConfig config, Mode mode) {
        this.config = config;
        this.mode = mode;
    }

    /** Starts the whole system. */
    public static LocalStack start(CacheConfig config) throws Exception {
        return start(config, Mode.FULL);
    }

    /** Starts what {@code mode} asks for; on any failure stops what had started and rethrows. */
    public static LocalStack start(CacheConfig config, Mode mode) throws Exception {
        LocalStack stack = new LocalStack(config, mode);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** The stand-ins first, then the functions behind the gateway, their triggers, the worker; the gateway opens last. */
    private void startAll() throws Exception {
        startDatabase();
        if (mode == Mode.DATABASE) {
            return;
        }
        startQueuesAndBucket();
        if (mode == Mode.SERVICES) {
            return;
        }
        // Bound now (the functions need its addresses), accepting connections only once everything behind it runs.
        gateway = remember(new LocalGateway(config.listenSocketAddress(), config.managementPort(),
                Duration.ofSeconds(config.gatewayIdleTimeoutSeconds()), Duration.ofSeconds(config.gatewayMaxConnectionSeconds()),
                config.gatewayTurns()));
        metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registerDeadLetterGauges();
        gateway.exposeMetrics(metrics::scrape);
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("MANAGEMENT_API_ENDPOINT", gateway.managementEndpoint());
        environment.put("HTTP_API_URL", httpUrl().toString());
        functions = remember(LocalFunctions.start(adapters(), environment));
        scheduleFunctions();
        // Closed before the functions: the gateway stops invoking them first.
        remember(() -> gateway.detach());
        mapQueuesToFunctions();
        startPublisherAndWorker();
        // Last: a client that connected while all this started has waited in the listen backlog until now.
        gateway.start(functions);
    }

    /** The embedded PostgreSQL (or the external one), its pool, and the schema brought up to date. */
    private void startDatabase() throws Exception {
        String user = config.databaseUser();
        String password = config.databasePassword();
        if (config.usesEmbeddedDatabase()) {
            postgres = remember(EmbeddedPostgresService.start(config.databasePath(), config.databasePort()));
            jdbcUrl = postgres.jdbcUrl();
            user = EmbeddedPostgresService.USER;
            password = null;
        } else {
            jdbcUrl = config.databaseUrl();
        }
        dataSource = remember(DataSources.forLocal(jdbcUrl, user, password));
        migrationsApplied = Migrations.migrate(dataSource);
    }

    /** SQS and S3: embedded, or the external endpoints configured; dead letters of an earlier run are reported. */
    private void startQueuesAndBucket() throws Exception {
        sqs = remember(config.sqsEndpoint() != null ? ExternalAws.sqs(config.sqsEndpoint(), config.stackName())
                : EmbeddedSqsService.start(config.sqsPort(), config.stackName(), queueStorePath()));
        s3 = remember(config.s3Endpoint() != null ? ExternalAws.s3(config.s3Endpoint(), AvatarBucket.localName(config.stackName()))
                : EmbeddedS3Service.start(config.mediaCachePath(), config.s3Port(), AvatarBucket.localName(config.stackName())));
        sqsClient = remember(sqs.client());
        deadLetters = new DeadLetters(sqsClient, sqs.queueUrls(), config.stackName());
        waitingAtStart = deadLetters.waiting();
        if (!waitingAtStart.isEmpty()) {
            LOG.warn("dead-letter queues hold messages from an earlier run: {}; './run.sh redrive' moves them back",
                    waitingAtStart);
        }
    }

    private void registerDeadLetterGauges() {
        for (QueueSpec spec : Queues.all()) {
            String name = spec.deadLetterQueueName(config.stackName());
            Gauge.builder("nostr_cache.dead_letter_messages", () -> deadLetters.depth(name)).tag("queue", name)
                    .description("messages waiting in a dead-letter queue ('./run.sh redrive' moves them back)")
                    .register(metrics);
        }
    }

    /** What the functions get in place of the beans their AWS configuration builds: the same ports, local adapters. */
    private Map<String, Object> adapters() {
        AvatarQueue avatars = config.avatarCache() ? new SqsAvatarQueue(sqsClient,
                sqs.queueUrls().get(Queues.AVATARS.queueName(config.stackName()))) : AvatarQueue.NONE;
        // The functions share this process with the gateway, so their answers go to it by a call, as the event-source
        // mappings invoke them by a call: profiling the latency loops showed the SDK's PostToConnection over HTTP (the
        // only way on AWS, served here too for any other client) taking over half of the runtime's CPU.
        ConnectionMessenger messenger = (endpoint, connectionId, utf8) -> gateway.post(connectionId, utf8);
        String profilesQueue = sqs.queueUrls().get(QueueGroup.PROFILES.spec().queueName(config.stackName()));
        EventSubmitter submitter = new LocalEventSubmitter(new SqsEventSubmitter(() -> sqsClient,
                profilesQueue.substring(0, profilesQueue.length() - QueueGroup.PROFILES.spec().name().length())),
                () -> publisher);
        Map<String, Object> adapters = new LinkedHashMap<>();
        adapters.put("dataSource", dataSource);
        adapters.put("avatarQueue", avatars);
        adapters.put("connectionMessenger", messenger);
        adapters.put("eventSubmitter", submitter);
        adapters.put("knownEvents", KnownEvents.gathered(new EventRepository(dataSource),
                lookup -> Thread.ofVirtual().name("known-events").start(lookup)));
        adapters.put("avatarBucket", new S3AvatarBucket(remember(LocalAws.s3(s3.endpoint())),
                remember(LocalAws.s3Presigner(s3.endpoint())), s3.bucket()));
        adapters.put("cacheConfig", config);
        // While the database is away, messages wait on their queues this long, doubled per retry (AWS: 30 s).
        adapters.put("outageRetry", new OutageRetry(Duration.ofSeconds(config.localRetryDelaySeconds())));
        adapters.put("adminCredential", new AdminCredential(config::adminToken));
        adapters.put("meterRegistry", metrics);
        return adapters;
    }

    /** EventBridge's part: the scheduled functions, at their template rate, the first run at once. */
    private void scheduleFunctions() {
        ScheduledExecutorService schedules = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-schedules");
            t.setDaemon(true);
            return t;
        });
        remember(schedules::shutdownNow);
        schedules.scheduleAtFixedRate(() -> runScheduled(ScheduledFunctions.TRENDING), 0,
                ScheduledFunctions.TRENDING_EVERY_MINUTES, TimeUnit.MINUTES);
        schedules.scheduleAtFixedRate(() -> runScheduled(ScheduledFunctions.CLEANUP), 1,
                ScheduledFunctions.CLEANUP_EVERY_MINUTES, TimeUnit.MINUTES);
    }

    /** Lambda's event-source mappings: each event queue feeds its ingest function, the avatars queue its worker. */
    private void mapQueuesToFunctions() {
        Duration retryDelay = Duration.ofSeconds(config.localRetryDelaySeconds());
        Duration visibilityTimeout = Duration.ofSeconds(config.localVisibilityTimeoutSeconds());
        for (QueueGroup group : QueueGroup.values()) {
            String url = sqs.queueUrls().get(group.spec().queueName(config.stackName()));
            mappings.put(group, remember(new SqsEventSourceMapping(sqsClient, sqs.client(), url, arn(url), ownDeadLetterMoves(group.spec()),
                    group.spec(), group.functionName(), event -> functions.call(group.functionName(), event),
                    config.functionConcurrency(), retryDelay,
                    visibilityTimeout, SqsEventSourceMapping.LEASE, SqsEventSourceMapping.LONG_POLL)));
        }
        if (config.avatarCache()) {
            String avatarsUrl = sqs.queueUrls().get(Queues.AVATARS.queueName(config.stackName()));
            avatarMapping = remember(new SqsEventSourceMapping(sqsClient, sqs.client(), avatarsUrl, arn(avatarsUrl),
                    ownDeadLetterMoves(Queues.AVATARS), Queues.AVATARS, AvatarFunctions.WORKER,
                    event -> functions.call(AvatarFunctions.WORKER, event),
                    config.maxConcurrent(), retryDelay, visibilityTimeout, SqsEventSourceMapping.LEASE,
                    SqsEventSourceMapping.LONG_POLL));
        }
        // Closed before the mappings: every poller is told to stop at once, so their long polls end together.
        remember(() -> {
            mappings.values().forEach(SqsEventSourceMapping::stopPolling);
            if (avatarMapping != null) {
                avatarMapping.stopPolling();
            }
        });
    }

    /** The publisher onto the event queues, and in FULL mode the ingest worker reading the upstream relays. */
    private void startPublisherAndWorker() throws SQLException {
        Map<QueueGroup, String> eventQueues = new EnumMap<>(QueueGroup.class);
        for (QueueGroup group : QueueGroup.values()) {
            eventQueues.put(group, sqs.queueUrls().get(group.spec().queueName(config.stackName())));
        }
        WorkerSettings settings = WorkerSettings.from(config);
        publisher = remember(new SqsEventPublisher(sqsClient, eventQueues, settings.maxPending(),
                SqsEventPublisher.SENDER_THREADS, SqsEventPublisher.LINGER));
        if (sqsClient instanceof ElasticMqClient embedded) {
            backlog = remember(new QueueBacklog(() -> eventQueues.values().stream()
                    .mapToLong(embedded::waitingMessages).sum(), config.localQueueBacklogMessages()));
        }
        // Between the publisher and the mappings on the way down: events already queued get processed.
        remember(() -> awaitDrained(Duration.ofSeconds(30)));
        if (mode == Mode.FULL && !config.upstreamRelays().isEmpty()) {
            worker = remember(new IngestWorker(settings, dataSource, this::submit, publisher::metricsLine));
            worker.start();
            registerWorkerMeters(worker);
        }
    }

    private void registerWorkerMeters(IngestWorker w) {
        FunctionCounter.builder("nostr_cache.history_events_fetched", w, x -> x.metrics().fetchedTotal())
                .description("events that back-fill and catch-up pages brought from the upstream relays").register(metrics);
        FunctionCounter.builder("nostr_cache.history_pages", w, x -> x.metrics().pages())
                .description("back-fill and catch-up pages done").register(metrics);
        Gauge.builder("nostr_cache.fetch_jobs_open", w, x -> x.openFetchJobs() < 0 ? Double.NaN : x.openFetchJobs())
                .description("back-fill, catch-up and on-demand fetch jobs not finished yet").register(metrics);
    }

    /**
     * Invokes a scheduled function now with the event EventBridge sends (tests use it instead of waiting); a failure
     * is logged, as a failed scheduled invocation would be.
     */
    public boolean runScheduled(String function) {
        String event = "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\","
                + "\"source\":\"aws.events\",\"account\":\"" + LocalAws.ACCOUNT_ID + "\",\"time\":\""
                + Instant.now() + "\",\"region\":\"" + LocalAws.REGION + "\",\"resources\":[],\"detail\":{}}";
        try {
            functions.invoke(function, event.getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (Exception e) {
            LOG.warn("scheduled {} failed: {}", function, e.toString());
            return false;
        }
    }

    /** The dead-letter queue the mappings move messages to themselves: the embedded ElasticMQ's (see the mapping). */
    private String ownDeadLetterMoves(QueueSpec spec) {
        return sqs instanceof EmbeddedSqsService ? sqs.queueUrls().get(spec.deadLetterQueueName(config.stackName())) : null;
    }

    private String arn(String queueUrl) {
        return sqsClient.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    /** The HTTP API's base URL (the same port as the WebSocket API, as the local gateway serves both). */
    public URI httpUrl() {
        return URI.create("http://" + config.listenSocketAddress().getHostString() + ":" + gateway.port() + "/");
    }

    /** The WebSocket URL clients connect to. */
    public URI gatewayUrl() {
        return URI.create("ws://" + config.listenSocketAddress().getHostString() + ":" + gateway.port() + "/");
    }

    public SqsEventPublisher publisher() {
        return publisher;
    }

    /**
     * The producers' way onto the event queues (the worker, {@code import}, {@code backfill}): the publisher, whose
     * answer completes when the caller may submit more, and with the embedded ElasticMQ held back while the event
     * queues already hold {@code local_queue_backlog_messages} messages waiting ({@link QueueBacklog}).
     */
    public CompletableFuture<Void> submit(OutboundEvent event) {
        CompletableFuture<Void> room = publisher.submit(event);
        return backlog == null ? room : room.thenCompose(sent -> backlog.room());
    }

    /** The ingest worker, or null when not started (no upstream relays, or not the FULL mode). */
    public IngestWorker worker() {
        return worker;
    }

    /**
     * Waits until nothing is pending in the publisher, every event queue is empty (visible and in flight; the avatars
     * queue is not watched) and no ingest function is busy, twice in a row; returns false if that does not happen within {@code timeout}.
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        while (System.nanoTime() < deadline) {
            quietChecks = isQuiet() ? quietChecks + 1 : 0;
            if (quietChecks >= 2) {
                return true;
            }
            Thread.sleep(200);
        }
        LOG.warn("queues did not drain within {} s: {}", timeout.toSeconds(), queueDepths());
        return false;
    }

    private boolean isQuiet() {
        if (publisher != null && publisher.pending() > 0) {
            return false;
        }
        if (!mappings.values().stream().allMatch(SqsEventSourceMapping::idle)) {
            return false;
        }
        // Only the event queues: the avatars queue has its own consumer and pace.
        Map<String, Long> depths = queueDepths();
        for (QueueGroup group : QueueGroup.values()) {
            if (depths.get(group.spec().queueName(config.stackName())) != 0) {
                return false;
            }
        }
        return true;
    }

    /** Messages in each queue (visible plus in flight), dead-letter queues included. */
    public Map<String, Long> queueDepths() {
        Map<String, Long> depths = new LinkedHashMap<>();
        sqs.queueUrls().keySet().forEach(name -> depths.put(name, deadLetters.depth(name)));
        return depths;
    }

    /** Messages in dead-letter queues, by queue name; only the non-empty ones. */
    public Map<String, Long> deadLetters() {
        return deadLetters.waiting();
    }

    /** The dead-letter queues: depths and redrive. */
    public DeadLetters deadLetterQueues() {
        return deadLetters;
    }

    /** Messages that functions reported as failed (each retry counts), over every mapping. */
    public long failedMessages() {
        return mappings.values().stream().mapToLong(SqsEventSourceMapping::failedMessages).sum();
    }

    private <T extends AutoCloseable> T remember(T service) {
        started.push(service);
        return service;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** The gateway's loopback-only management listener: {@code /metrics} and the management API. */
    public URI managementUrl() {
        return gateway.managementUrl();
    }

    /** The runtime's meters (what {@code /metrics} shows). */
    public MeterRegistry meterRegistry() {
        return metrics;
    }

    /** WebSocket connections the gateway holds open (leak checks). */
    int openGatewayConnections() {
        return gateway.openConnections();
    }

    /** Where the embedded ElasticMQ keeps its messages: {@code queues/} beside the database's data directory. */
    Path queueStorePath() {
        return config.databasePath().resolveSibling("queues");
    }

    /** Restarts the embedded SQS from its message store after {@code down}, as a crash and restart would. */
    void restartQueues(Duration down) throws Exception {
        if (!(sqs instanceof EmbeddedSqsService embedded)) {
            throw new IllegalStateException("external queues cannot be restarted from here");
        }
        embedded.restart(down);
    }

    /** Restarts the embedded PostgreSQL after {@code down} without it (fault tests). */
    void restartDatabase(Duration down) throws Exception {
        embeddedDatabase().restart(down);
    }

    /** Kills the embedded PostgreSQL's processes, then starts it again after {@code down} (fault tests). */
    void crashDatabase(Duration down) throws Exception {
        embeddedDatabase().crash(down);
    }

    private EmbeddedPostgresService embeddedDatabase() {
        if (postgres == null) {
            throw new IllegalStateException("an external database cannot be restarted from here");
        }
        return postgres;
    }

    public SqsClient sqsClient() {
        return sqsClient;
    }

    public URI sqsEndpoint() {
        return sqs.endpoint();
    }

    public Map<String, String> queueUrls() {
        return sqs.queueUrls();
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public String bucket() {
        return s3.bucket();
    }

    /** Prints what runs where, and how to point tools at it. */
    public void describe(PrintStream out) {
        out.println("nostr-cache local runtime is up");
        if (postgres != null) {
            out.printf("  PostgreSQL  %s  (embedded; data in %s, %s)%n", jdbcUrl, config.databasePath(),
                    postgres.createdDataDirectory() ? "created now" : "reused from an earlier start");
        } else {
            out.printf("  PostgreSQL  %s  (external)%n", jdbcUrl);
        }
        out.printf("              schema up to date (%d migration%s applied now)%n", migrationsApplied,
                migrationsApplied == 1 ? "" : "s");
        if (mode == Mode.DATABASE) {
            return;
        }
        out.printf("  SQS         %s  (%s; %d queues including dead-letter queues)%n", sqs.endpoint(), sqs.kind(),
                sqs.queueUrls().size());
        out.printf("  S3          %s  (%s; bucket %s%s)%n", s3.endpoint(), s3.kind(), s3.bucket(),
                s3 instanceof EmbeddedS3Service ? ", files in " + config.mediaCachePath() : "");
        if (!waitingAtStart.isEmpty()) {
            out.printf("  Dead letters %s from an earlier run: './run.sh redrive' moves them back to their queues%n",
                    waitingAtStart);
        }
        if (mode == Mode.SERVICES) {
            return;
        }
        out.printf("  Gateway     %s  (WebSocket API: NIP-01 relay and Primal cache API)%n", gatewayUrl());
        out.printf("  Management  %s  (loopback only: /metrics for Prometheus, the management API at %s/@connections)%n",
                gateway.managementUrl(), gateway.managementEndpoint());
        out.printf("  HTTP API    %s  (NIP-11, /health, /profile-pic/<pubkey>, /batch-cache, /cache-follows/<pubkey>;"
                + " try %sprofile-pic-example.html)%n", httpUrl(), httpUrl());
        if (config.avatarCache()) {
            out.printf("  Avatars     fetched by %d concurrent workers from the avatars queue; purges %s%n",
                    config.maxConcurrent(), config.adminToken() == null ? "disabled (no admin_token)" : "need the admin_token");
        } else {
            out.println("  Avatars     turned off (avatar_cache: false): no picture is fetched");
        }
        out.printf("  Functions   %d ingest functions, each fed by its queue (%d concurrent invocations per queue)%n",
                mappings.size(), config.functionConcurrency());
        String nativeMissing = LibSecp256k1Schnorr.unavailableBecause();
        out.printf("  Signatures  verified by %s%n", nativeMissing == null ? SchnorrVerifier.fastest().implementation()
                : SchnorrVerifier.fastest().implementation() + ", three times slower than libsecp256k1: " + nativeMissing);
        if (worker != null) {
            out.printf("  Worker      reading %d relays for kinds %s; back-fill of a new relay: %s, at most %d events/s "
                            + "per relay%n", worker.relayUrls().size(), config.ingestKinds(),
                    config.backfillDays() == 0 ? "off (backfill_days: 0)" : config.backfillDays() + " days (profiles, "
                            + "contact lists and other replaceable kinds: all)", config.backfillRate());
        } else if (mode == Mode.FULL) {
            out.println("  Worker      not started: upstream_relays is empty");
        }
        out.printf("  Tools:      AWS_ENDPOINT_URL_SQS=%s AWS_ENDPOINT_URL_S3=%s AWS_REGION=%s "
                        + "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s%n",
                sqs.endpoint(), s3.endpoint(), LocalAws.REGION, LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
