package dev.nostrcache.localstack;

import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.NodeAddress;
import org.elasticmq.Limit;
import org.elasticmq.Limits;
import org.elasticmq.RangeLimit;
import org.elasticmq.RelaxedSQSLimits$;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.concurrent.Await;
import scalikejdbc.ConnectionPool$;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SQS from an embedded ElasticMQ (it speaks the JSON protocol of current SDKs), with every queue of
 * {@link Queues#all()} and its dead-letter queue created through the real SDK, redrive policy included, exactly as
 * the SAM template declares them.
 *
 * <p>Messages are kept in an H2 database under {@code storePath} as well as in memory (ElasticMQ's SQL message
 * storage), so that a restart, or a crash of the local runtime, finds the queued events again, as SQS would: the
 * worker has moved its relay cursors past them.
 */
final class EmbeddedSqsService implements SqsService {
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);
    /** How long a stop waits for the store to write what it was sent before it (a backlog of seconds under load). */
    private static final Duration STORE_DRAIN_TIMEOUT = Duration.ofSeconds(20);
    /**
     * ElasticMQ's SQL store reaches its database through scalikejdbc's one global connection pool, so one process
     * can hold one embedded ElasticMQ at a time: this is the store of the running one, if any.
     */
    private static final AtomicReference<Path> RUNNING_STORE = new AtomicReference<>();
    private static final Limits LIMITS = new SqsLimitsButBodyCharacters();

    /** One running ElasticMQ: its actors (message store and queue manager) and its HTTP server. */
    private record Running(ActorSystem actors, ActorRef store, ActorRef manager, SQSRestServer server) {
        /**
         * Stops taking requests, lets the store write what its mailbox still holds (under load ElasticMQ's queues run
         * seconds ahead of their H2 store: stopping the actors at once would drop those writes, a message moved to a
         * dead-letter queue among them), then stops the actors.
         */
        void stop() {
            if (server != null) {
                server.stopAndWait();
            }
            if (store != null) {
                try {
                    Patterns.gracefulStop(store, STORE_DRAIN_TIMEOUT).toCompletableFuture()
                            .get(STORE_DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    LoggerFactory.getLogger(EmbeddedSqsService.class).warn("ElasticMQ's store did not finish its writes: {}",
                            e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            actors.terminate();
            try {
                Await.ready(actors.whenTerminated(), scala.concurrent.duration.Duration.create(30, TimeUnit.SECONDS));
            } catch (InterruptedException | TimeoutException e) {
                LoggerFactory.getLogger(EmbeddedSqsService.class).warn("ElasticMQ's actors did not stop: {}", e.toString());
            }
            ConnectionPool$.MODULE$.closeAll();
        }
    }

    /**
     * Every limit of SQS as ElasticMQ's strict mode has it (batch sizes, names, attributes, wait times) except what a
     * body holds: ElasticMQ checks its characters through boxed code points at 30 ns a character, 0.7 ms for a
     * contact list's message and an eighth of the runtime's CPU while it imported contact lists (profiled), and its
     * size in the same step. {@link SqsBodyCheck} checks both on the local clients instead, in one tight pass.
     */
    private static final class SqsLimitsButBodyCharacters implements Limits {
        private static final Limits STRICT = StrictSQSLimits$.MODULE$;

        @Override
        public Limit<Object> queueNameLengthLimit() {
            return STRICT.queueNameLengthLimit();
        }

        @Override
        public Limit<Object> batchSizeLimit() {
            return STRICT.batchSizeLimit();
        }

        @Override
        public Limit<RangeLimit<Object>> numberOfMessagesLimit() {
            return STRICT.numberOfMessagesLimit();
        }

        @Override
        public Limit<Object> nonEmptyAttributesLimit() {
            return STRICT.nonEmptyAttributesLimit();
        }

        @Override
        public Limit<scala.collection.immutable.List<RangeLimit<Object>>> bodyValidCharactersLimit() {
            return RelaxedSQSLimits$.MODULE$.bodyValidCharactersLimit();
        }

        @Override
        public Limit<RangeLimit<scala.math.BigDecimal>> numberAttributeValueLimit() {
            return STRICT.numberAttributeValueLimit();
        }

        @Override
        public Limit<RangeLimit<Object>> messageWaitTimeLimit() {
            return STRICT.messageWaitTimeLimit();
        }

        @Override
        public Limit<Object> maxMessageLength() {
            return STRICT.maxMessageLength();
        }

        @Override
        public Limit<Object> messageAttributesLimit() {
            return STRICT.messageAttributesLimit();
        }
    }

    private final Path storePath;
    private final URI endpoint;
    private final Map<String, String> queueUrls;
    /** The running ElasticMQ; null while {@link #restart} has it stopped. */
    private volatile Running running;
    private final List<ElasticMqClient> clients = new CopyOnWriteArrayList<>();

    private EmbeddedSqsService(Running running, Path storePath, URI endpoint, Map<String, String> queueUrls) {
        this.running = running;
        this.storePath = storePath;
        this.endpoint = endpoint;
        this.queueUrls = queueUrls;
    }

    static EmbeddedSqsService start(int port, String stackName, Path storePath) throws IOException {
        if (!RUNNING_STORE.compareAndSet(null, storePath)) {
            throw new IllegalStateException("an embedded SQS with its store in " + RUNNING_STORE.get()
                    + " already runs in this process; use it, or an external one (sqs_endpoint)");
        }
        try {
            int actualPort = port > 0 ? port : FreePort.find();
            Running running = launch(actualPort, storePath);
            try {
                URI endpoint = URI.create("http://" + LocalAws.HOST + ":" + actualPort);
                try (SqsClient sqs = LocalAws.sqs(endpoint)) {
                    return new EmbeddedSqsService(running, storePath, endpoint, createQueues(sqs, stackName));
                }
            } catch (RuntimeException e) {
                running.stop(); // ElasticMQ's threads are not daemons: never leave them behind
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            RUNNING_STORE.set(null);
            throw e;
        }
    }

    /** ElasticMQ on {@code port}, its queues and messages restored from the store before it answers anyone. */
    private static Running launch(int port, Path storePath) throws IOException {
        Files.createDirectories(storePath);
        // WRITE_DELAY=0: a commit reaches the file before it returns. By default H2 kept it in memory until its
        // background writer stored it, about a second later, and a SIGKILL lost the sends answered in that second.
        String url = "jdbc:h2:file:" + storePath.toAbsolutePath().resolve("messages") + ";WRITE_DELAY=0";
        endReceivesInFlight(url);
        SqlQueuePersistenceConfig storage = new SqlQueuePersistenceConfig(true, "org.h2.Driver", url, "", "", false);
        // The store initialises the global pool only once per process: point it at this store every time.
        ConnectionPool$.MODULE$.singleton(url, "", "", ConnectionPool$.MODULE$.singleton$default$4(),
                ConnectionPool$.MODULE$.singleton$default$5(url, "", "", ConnectionPool$.MODULE$.singleton$default$4()));
        // Stopped by stop() alone, in its order (the store written out first): Pekko's own JVM shutdown hook would
        // terminate the actors on Ctrl-C beside the runtime's, dropping the store's backlog. An actor that fails keeps
        // its queues (ElasticMqStore.ResumeOnFailure).
        ActorSystem actors = ActorSystem.create("elasticmq-" + port, ConfigFactory.parseString("""
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                pekko.actor.guardian-supervisor-strategy = "%s"
                """.formatted(ElasticMqStore.ResumeOnFailure.class.getName())).withFallback(ConfigFactory.load()));
        SQSRestServer server = null;
        ActorRef store = actors.actorOf(Props.create(ElasticMqStore.class, () -> new ElasticMqStore(storage)));
        try {
            ActorRef manager = actors.actorOf(Props.create(QueueManagerActor.class,
                    () -> new QueueManagerActor(new NowProvider(), LIMITS, Option.apply(store))));
            Patterns.ask(store, new QueueEvent.Restore(manager), RESTORE_TIMEOUT).toCompletableFuture()
                    .get(RESTORE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            server = SQSRestServerBuilder
                    .withActorSystem(actors)
                    .withQueueManagerActor(manager)
                    .withPort(port)
                    .withInterface(LocalAws.HOST)
                    .withServerAddress(new NodeAddress("http", LocalAws.HOST, port, ""))
                    .withAWSRegion(LocalAws.REGION)
                    .withAWSAccountId(LocalAws.ACCOUNT_ID)
                    .withSQSLimits(LIMITS)
                    .start();
            server.waitUntilStarted();
            return new Running(actors, store, manager, server);
        } catch (Exception e) {
            new Running(actors, store, null, server).stop();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("the queue store in " + storePath + " could not be restored: " + e, e);
        }
    }

    /**
     * Makes every stored message that was received but not deleted visible again. A restart ends the receives in
     * flight (after a crash of the local runtime, its pollers are gone too), and waiting out a six-minute visibility
     * timeout would only delay those events. The tables are ElasticMQ's SQL store ({@code message_<queue>_<hash>}
     * with {@code next_delivery} in epoch milliseconds); the restart tests notice if that changes.
     */
    private static void endReceivesInFlight(String url) throws IOException {
        try (Connection c = DriverManager.getConnection(url, "", "")) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "MESSAGE_%", null)) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            long now = System.currentTimeMillis();
            for (String table : tables) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE \"" + table + "\" SET next_delivery = ? WHERE next_delivery > ?")) {
                    ps.setLong(1, now);
                    ps.setLong(2, now);
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IOException("the queue store at " + url + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Stops ElasticMQ, waits {@code down}, and starts it again on the same port from its store, as a crash and
     * restart would; clients reconnect by themselves.
     */
    void restart(Duration down) throws IOException, InterruptedException {
        stopRunning();
        Thread.sleep(down.toMillis());
        running = launch(endpoint.getPort(), storePath);
    }

    /** Stops ElasticMQ; the in-process clients' calls waiting on it fail, as calls on a closed connection do. */
    private void stopRunning() {
        Running stopping = running;
        running = null;
        clients.forEach(c -> c.failWaitingCalls("the embedded ElasticMQ stopped"));
        if (stopping != null) {
            stopping.stop();
        }
    }

    /** A client that hands its sends, receives and deletes to ElasticMQ's queue actors (see {@link ElasticMqClient}). */
    @Override
    public SqsClient client() {
        ElasticMqClient client = new ElasticMqClient(() -> {
            Running current = running;
            return current == null ? null : current.manager();
        }, LocalAws.sqs(endpoint));
        clients.add(client);
        return client;
    }

    private static Map<String, String> createQueues(SqsClient sqs, String stackName) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (QueueSpec spec : Queues.all()) {
            String dlqName = spec.deadLetterQueueName(stackName);
            String dlqUrl = sqs.createQueue(r -> r.queueName(dlqName).attributes(Map.of(
                    QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(QueueSpec.DLQ_RETENTION_SECONDS))))
                    .queueUrl();
            String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + spec.maxReceiveCount() + "\"}";
            String name = spec.queueName(stackName);
            String url = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(spec.visibilityTimeoutSeconds()),
                    QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
            urls.put(name, url);
            urls.put(dlqName, dlqUrl);
        }
        return urls;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    /** Queue name to URL, dead-letter queues included. */
    @Override
    public Map<String, String> queueUrls() {
        return queueUrls;
    }

    @Override
    public void close() {
        stopRunning();
        RUNNING_STORE.set(null);
    }

    @Override
    public String kind() {
        return "ElasticMQ";
    }
}
