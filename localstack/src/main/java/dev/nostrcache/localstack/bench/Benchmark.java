package dev.nostrcache.localstack.bench;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.localstack.LocalStack;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./run.sh bench}: each figure beside its ceiling measured in the same run, on the local runtime and loopback
 * only. This first part measures ingest end to end (loopback relay → worker → SQS → functions → PostgreSQL, every
 * signature verified) over a generated corpus, beside raw BIP-340 verification on one core, raw batched PostgreSQL
 * inserts and raw ElasticMQ send+receive, and the runtime's peak memory.
 */
public final class Benchmark {
    private record Row(String figure, String measured, String ceiling, String target) {
    }

    private final CacheConfig config;
    private final int events;
    private final PrintStream out;
    private final List<Row> rows = new ArrayList<>();

    public Benchmark(CacheConfig config, int events, PrintStream out) {
        this.config = config;
        this.events = events;
        this.out = out;
    }

    public void run() throws Exception {
        out.printf("generating %,d signed events...%n", events);
        long started = System.nanoTime();
        List<String> corpus = BenchCorpus.generate(events, 42);
        out.printf("  %.1f s%n", seconds(started));

        double verifyRate = verifications(corpus.subList(0, Math.min(corpus.size(), 20_000)));
        double insertRate;
        double sqsRate;
        // The ceilings first, on the same stand-ins, so that nothing else runs meanwhile.
        try (LocalStack services = LocalStack.start(withUpstream(List.of()), LocalStack.Mode.SERVICES)) {
            insertRate = rawInserts(services);
            sqsRate = rawQueue(services.sqsClient());
        }
        try (LoopbackRelay relay = new LoopbackRelay(corpus)) {
            out.println("starting the local runtime with the loopback relay as its only upstream...");
            try (LocalStack stack = LocalStack.start(withUpstream(List.of(relay.url())), LocalStack.Mode.FULL)) {
                double ingestRate = endToEnd(stack, corpus.size());
                rows.add(new Row("ingest end to end, events/s", format(ingestRate),
                        "BIP-340 " + format(verifyRate) + "/s on one core; PostgreSQL batched inserts " + format(insertRate)
                                + " rows/s; ElasticMQ send+receive " + format(sqsRate) + " msg/s", ">= 5,000"));
            }
        }
        rows.add(new Row("peak memory of the local runtime (JVM; PostgreSQL is its own process)", peakRssMiB() + " MiB",
                "", "< 1,536 MiB (whole runtime)"));
        print();
    }

    private CacheConfig withUpstream(List<String> relays) {
        CacheConfig c = config;
        return new CacheConfig(c.listenAddr(), c.databasePath(), c.mediaCachePath(), relays, c.maxConcurrent(),
                c.cacheExpirationDays(), c.databaseUrl(), c.databaseUser(), c.databasePassword(), c.databasePort(),
                c.sqsPort(), c.s3Port(), c.stackName(), c.ingestKinds(), 0, c.functionConcurrency(),
                c.localRetryDelaySeconds(), c.gatewayIdleTimeoutSeconds(), c.gatewayMaxConnectionSeconds(),
                c.blockedSourceIps(), false, c.allowPrivateOrigins(), c.adminToken(), c.avatarUrlLifetimeSeconds(),
                c.avatarOriginFailure(), c.avatarRetrySeconds(), c.upstreamQuerySeconds(), c.sqsEndpoint(), c.s3Endpoint());
    }

    /** Ceiling: strict parse, id and BIP-340 signature of each event, one thread. */
    private double verifications(List<String> sample) throws InvalidEventException {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        EventVerifier verifier = new EventVerifier(new BouncyCastleSchnorr(), Limits.DEFAULTS, Clock.systemUTC());
        for (String json : sample.subList(0, Math.min(2_000, sample.size()))) {
            verifier.verify(parser.parse(json));
        }
        long started = System.nanoTime();
        for (String json : sample) {
            Event e = parser.parse(json);
            verifier.verify(e);
        }
        double rate = sample.size() / seconds(started);
        out.printf("BIP-340 parse+verify on one core: %s events/s%n", format(rate));
        return rate;
    }

    /** Ceiling: 100,000 rows of event size in batches of 1,000 into a scratch table, one connection. */
    private double rawInserts(LocalStack stack) throws Exception {
        int rows = 100_000;
        byte[] json = new byte[400];
        java.util.Arrays.fill(json, (byte) 'x');
        try (Connection c = stack.dataSource().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE bench_rows (id bytea PRIMARY KEY, json text NOT NULL)");
            }
            c.setAutoCommit(false);
            long started = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_rows (id, json) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setBytes(1, java.nio.ByteBuffer.allocate(32).putLong(i).array());
                    ps.setString(2, new String(json));
                    ps.addBatch();
                    if (i % 1000 == 999) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            double rate = rows / seconds(started);
            c.setAutoCommit(true);
            out.printf("PostgreSQL batched inserts: %s rows/s%n", format(rate));
            return rate;
        }
    }

    /** Ceiling: 20,000 messages sent in batches of 10 and received and deleted, four threads each way. */
    private double rawQueue(SqsClient sqs) throws Exception {
        String queue = sqs.createQueue(r -> r.queueName(config.stackName() + "-bench-scratch")).queueUrl();
        int messages = 20_000;
        String body = "x".repeat(400);
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> sends = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sends.add(pool.submit(() -> {
                    for (int b = 0; b < messages / 40; b++) {
                        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 10; i++) {
                            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(body).build());
                        }
                        sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
                    }
                }));
            }
            for (Future<?> f : sends) {
                f.get();
            }
            AtomicInteger received = new AtomicInteger();
            List<Future<?>> receives = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                receives.add(pool.submit(() -> {
                    while (received.get() < messages) {
                        List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                                .waitTimeSeconds(1)).messages();
                        if (batch.isEmpty()) {
                            continue;
                        }
                        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
                        for (int i = 0; i < batch.size(); i++) {
                            deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                                    .receiptHandle(batch.get(i).receiptHandle()).build());
                        }
                        sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(deletes));
                        received.addAndGet(batch.size());
                    }
                }));
            }
            for (Future<?> f : receives) {
                f.get();
            }
        }
        sqs.deleteQueue(r -> r.queueUrl(queue));
        double rate = messages / seconds(started);
        out.printf("ElasticMQ send+receive+delete: %s messages/s%n", format(rate));
        return rate;
    }

    /**
     * The figure: every corpus event stored, over the time from the first to the last one's arrival in the events
     * table (the worker starts with the runtime, so the clock of the database is the fair one).
     */
    private double endToEnd(LocalStack stack, int expected) throws Exception {
        out.printf("ingesting %,d events end to end...%n", expected);
        long started = System.nanoTime();
        long deadline = started + Duration.ofMinutes(30).toNanos();
        long stored = count(stack);
        long lastReport = started;
        while (stored < expected && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
                out.printf("  %,d stored after %.0f s%n", stored, seconds(started));
                lastReport = System.nanoTime();
            }
            Thread.sleep(250);
            stored = count(stack);
        }
        if (stored < expected) {
            out.printf("  only %,d of %,d stored within 30 minutes%n", stored, expected);
        }
        double elapsed;
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT extract(epoch FROM max(received_at) - min(received_at)) FROM events")) {
            rs.next();
            elapsed = Math.max(0.001, rs.getDouble(1));
        }
        double rate = stored / elapsed;
        out.printf("  %,d events stored over %.1f s: %s events/s%n", stored, elapsed, format(rate));
        return rate;
    }

    private static long count(LocalStack stack) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not Linux: reported as 0
        }
        return 0;
    }

    private void print() {
        out.println();
        out.printf("%-75s %-14s %-22s %s%n", "figure", "measured", "target", "ceiling measured in the same run");
        for (Row r : rows) {
            out.printf("%-75s %-14s %-22s %s%n", r.figure(), r.measured(), r.target(), r.ceiling());
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static String format(double rate) {
        return String.format("%,.0f", rate);
    }
}
