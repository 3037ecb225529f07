package dev.nostrcache.localstack.bench;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import dev.nostrcache.infra.avatar.testing.TestImages;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.ingest.StatsVerifier;
import dev.nostrcache.functions.testing.LambdaFixtures;
import dev.nostrcache.localstack.LambdaProcess;
import dev.nostrcache.localstack.LocalStack;
import dev.nostrcache.worker.dump.ImportCommand;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    /** One line of the table: what was measured, beside the ceiling measured in the same run, and the target. */
    private record Row(String figure, String measured, String ceiling, String target) {
    }

    /** The per-connection message rate and burst of the benchmark's runtime: the publish run sends 20,000 at once. */
    private static final int PUBLISH_RATE_LIMIT = 1_000_000;
    /** The latency loops' warm-up: at least so many rounds of every probe, each at {@link #WARM_UP_CLIENTS}. */
    private static final int WARM_UP_ROUNDS = 4;
    private static final int[] WARM_UP_CLIENTS = {10, 100};
    private static final int WARM_UP_MAX_SECONDS = 180;
    /** The ingest's warm-up: at least so many rounds, at most so long ({@link #warmUpIngest}). */
    private static final int WARM_UP_INGEST_ROUNDS = 2;
    private static final int WARM_UP_INGEST_MAX_SECONDS = 240;
    private static final int WARM_UP_INGEST_EVENTS = 100_000;
    /** The requests of one latency loop, whatever its concurrency. */
    private static final int LOOP_REQUESTS = 4_000;
    /** The function that answers a WebSocket client's messages (the API's {@code $default} route). */
    private static final String MESSAGE_FUNCTION = "wsDefault";

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
        out.printf(Locale.ROOT, "generating %,d signed events...%n", events);
        long started = System.nanoTime();
        List<String> corpus = BenchCorpus.generate(events, 42);
        out.printf(Locale.ROOT, "  %.1f s%n", seconds(started));
        Path corpusFile = Files.createTempFile("bench-corpus", ".jsonl");
        try {
            Files.write(corpusFile, corpus);
            double verifyRate = verifications(corpus.subList(0, Math.min(corpus.size(), 20_000)));
            corpus = null; // served from the file from here on: the runtime's memory must not hold it
            measure(corpusFile, verifyRate);
        } finally {
            Files.deleteIfExists(corpusFile);
        }
        print();
    }

    /**
     * The ceilings and the end-to-end run, in a data directory of their own: the operator's database, queues and media
     * cache are never written, and a second run starts as empty as the first instead of meeting its events again.
     */
    private void measure(Path corpusFile, double verifyRate) throws Exception {
        Path data = Files.createTempDirectory("bench-data");
        try {
            measure(corpusFile, verifyRate, data);
        } finally {
            deleteTree(data);
        }
    }

    private void measure(Path corpusFile, double verifyRate, Path data) throws Exception {
        double insertRate;
        double sqsRate;
        // The ceilings first, on the same stand-ins, so that nothing else runs meanwhile, in a directory of their own:
        // the timed ingest's runtime then starts as empty as each warm-up round's. Started on the ceilings' database
        // and queue store, it skipped the migrations and restored their scratch queue, start-up paths the warm-up
        // never took, and the JIT threw code away there and compiled it again for 2-3 s of the timed window
        // (profiled: H2's tokenizer and ElasticMQ's store, deoptimized as the runtime started).
        try (LocalStack services = LocalStack.start(withUpstream(List.of(), Files.createDirectories(
                data.resolve("ceilings"))), LocalStack.Mode.SERVICES)) {
            insertRate = rawInserts(services);
            sqsRate = rawQueue(services.sqsClient());
        }
        Path warmUpCorpus = Files.createTempFile("bench-warm-up", ".jsonl");
        try {
            int warmUpEvents = Math.min(events, WARM_UP_INGEST_EVENTS);
            out.printf(Locale.ROOT, "generating the warm-up corpus: %,d signed events of another seed...%n", warmUpEvents);
            Files.write(warmUpCorpus, BenchCorpus.generate(warmUpEvents, 43));
            measureLoads(corpusFile, verifyRate, data, warmUpCorpus, insertRate, sqsRate);
        } finally {
            Files.deleteIfExists(warmUpCorpus);
        }
    }

    /** The ingest and everything after it; {@code warmUpCorpus} is the ingest's and the import's warm-up. */
    private void measureLoads(Path corpusFile, double verifyRate, Path data, Path warmUpCorpus, double insertRate,
                              double sqsRate) throws Exception {
        IngestWarmUp warmUp = warmUpIngest(warmUpCorpus);
        String ingestVerdict;
        try (LoopbackRelay.Process relay = new LoopbackRelay.Process(corpusFile)) {
            out.println("starting the local runtime with the loopback relay as its only upstream...");
            CacheConfig runtime = withUpstream(List.of(relay.url()), data);
            try (LocalStack stack = LocalStack.start(runtime, LocalStack.Mode.FULL)) {
                out.printf(Locale.ROOT, "ingesting %,d events end to end...%n", events);
                double ingestRate;
                MemorySampler.Peak peak;
                LoopProfile load = LoopProfile.start(runtime.databasePath());
                String ingestProfile;
                // Sampling stops with the ingest: a read of the JVM's smaps_rollup walks its page tables (about 20 ms
                // for 1.1 GB resident, holding its memory map's lock), a tax the latency loops after it must not pay.
                try (MemorySampler memory = new MemorySampler(runtime.databasePath())) {
                    ingestRate = endToEnd(stack, events);
                    ingestProfile = load.load(events);
                    peak = memory.peak();
                }
                rows.add(new Row("ingest end to end, events/s (after the warm-up: " + warmUp.summary() + ")",
                        format(ingestRate) + "; " + ingestProfile,
                        bip340(verifyRate) + "; PostgreSQL batched inserts " + format(insertRate)
                                + " rows/s; ElasticMQ send+receive " + format(sqsRate) + " msg/s", ">= 5,000"));
                rows.add(new Row("peak memory of the local runtime while ingesting (PSS of its JVM, the benchmark's"
                        + " driver included, + PostgreSQL; the corpus is served by a process of its own)", MemorySampler.supported()
                        ? format(peak.totalMiB()) + " MiB (JVM " + format(peak.jvmMiB()) + ", PostgreSQL "
                        + format(peak.postgresMiB()) + ")" : "(not measured: no /proc)",
                        "JVM heap capped at " + format(Runtime.getRuntime().maxMemory() >> 20) + " MiB",
                        "< 1,536 MiB (whole runtime)"));
                ingestVerdict = verdict(stack.dataSource());
                // Autovacuum analyses the freshly loaded tables within a minute or so; the latency loops start at once,
                // so they would otherwise measure whatever plans the statistics of an empty database give.
                try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement()) {
                    s.execute("ANALYZE");
                }
                latencies(stack, runtime.databasePath());
                redirects(stack);
                publish(stack, verifyRate);
            }
        }
        lambdaColdStart();
        Imported warmUpImport = importDump(warmUpCorpus, false);
        out.printf(Locale.ROOT, "  warm-up import: %s events/s; the JIT compiled for %,d ms%n", format(warmUpImport.rate()),
                warmUpImport.jitMillis());
        Imported imported = importDump(corpusFile, true);
        rows.add(new Row("./run.sh import of the same corpus (file → SQS → functions → PostgreSQL; after a warm-up import"
                + " of " + format(warmUpImport.stored()) + " events of a corpus of its own at " + format(warmUpImport.rate())
                + " events/s, in which the JIT compiled for " + format(warmUpImport.jitMillis()) + " ms), events/s",
                format(imported.rate()) + "; " + imported.profile(), "ElasticMQ send+receive " + format(sqsRate)
                + " msg/s; PostgreSQL batched inserts " + format(insertRate) + " rows/s", ">= 6,500"));
        Path lists = Files.createTempFile("bench-contact-lists", ".jsonl");
        try {
            Imported contacts = importDump(contactListsOf(corpusFile, lists), true);
            rows.add(new Row("contact lists alone, imported into an empty database (" + format(contacts.stored())
                    + " lists of 50-500 follows)", format(contacts.rate()) + " lists/s, " + format(contacts.follows()
                    / contacts.seconds()) + " follows/s; " + contacts.profile(), "the whole corpus's import above: "
                    + format(imported.rate()) + " events/s", ">= 409 lists/s"));
            rows.add(new Row("verify-stats: every count recomputed from the stored events", "after ingest: "
                    + ingestVerdict + "; after import: " + imported.verdict() + "; after the contact lists alone: "
                    + contacts.verdict(), "(exact)", "no mismatch"));
        } finally {
            Files.deleteIfExists(lists);
        }
    }

    /** {@code verify-stats} on what is stored: its verdict in a few words. */
    private static String verdict(javax.sql.DataSource dataSource) throws Exception {
        StatsVerifier.Report report = new StatsVerifier(dataSource, 10).verify();
        return (report.ok() ? "no mismatch" : report.mismatches().size() + "+ mismatches, first " + report.mismatches().getFirst())
                + " (" + format(report.usersChecked()) + " users, " + format(report.eventsChecked()) + " events, "
                + format(report.followsChecked()) + " follows)";
    }

    /** The corpus's contact lists, into {@code to}. */
    private static Path contactListsOf(Path corpus, Path to) throws Exception {
        EventParser parser = EventParser.forStoredEvents();
        List<String> lists = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(corpus)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (parser.parse(line).kind() == ContactList.KIND) {
                    lists.add(line);
                }
            }
        }
        return Files.write(to, lists);
    }

    /**
     * Publishing: one WebSocket, 500 {@code EVENT}s in flight, every {@code OK} awaited (the per-connection rate limit is
     * raised for the benchmark: {@link #withUpstream}). The events are a corpus of their own shape, new to the database;
     * a quarter as many go first as the warm-up (the publish path's code is still cold after the latency loops: in a
     * probe on 100,000 stored events the first 20,000 published went at 64-83 % of the rate of the following ones),
     * and the timed run starts once the warm-up's events are stored.
     */
    private void publish(LocalStack stack, double verifyRate) throws Exception {
        int count = Math.min(20_000, Math.max(1_000, events / 5));
        long before = count(stack);
        Latency.Stats warmUp = Latency.publish(stack.gatewayUrl(), BenchCorpus.generate(count / 4, 4241), 500);
        out.printf(Locale.ROOT, "publish warm-up, one connection, 500 in flight: %s%n", warmUp.summary());
        awaitSettled(stack, before + count / 4);
        List<String> fresh = BenchCorpus.generate(count, 4242);
        Latency.Stats stats = Latency.publish(stack.gatewayUrl(), fresh, 500);
        out.printf(Locale.ROOT, "publish, one connection, 500 in flight: %s%n", stats.summary());
        rows.add(new Row("publish (" + format(count) + " events, one WebSocket, 500 in flight, every OK awaited, after a"
                + " warm-up of " + format(count / 4) + " at " + format(warmUp.rate()) + "/s), events/s",
                stats.summary(), bip340(verifyRate), ">= 2,500"));
    }

    /**
     * The Lambda artifact as a cold start without SnapStart meets it: its size, and a fresh JVM with only the artifact
     * on its class path making the handler and answering a first NIP-11 request; beside a fresh JVM that does nothing.
     */
    private void lambdaColdStart() throws Exception {
        Path jar = LambdaProcess.artifact();
        long bare = LambdaProcess.bareJvmMillis(jar);
        Map<String, String> environment = Map.of("MAIN_CLASS", "dev.nostrcache.functions.CacheFunctions",
                "AWS_REGION", "us-east-1", "DATABASE_URL", "jdbc:postgresql://127.0.0.1:1/unused", "UPSTREAM_RELAYS", "");
        LambdaProcess.Invocation first = LambdaProcess.run(jar, environment,
                Map.of("relayInfo", LambdaFixtures.event("relayInfo", Map.of())), 300).get(0);
        // Two decimals: the target is 30 MB, and the artifact sits just under it.
        String size = String.format(Locale.ROOT, "%.2f MB", Files.size(jar) / 1e6);
        out.printf(Locale.ROOT, "Lambda artifact %s: handler made in %,d ms, first answer in %,d ms, JVM up %,d ms; bare JVM %,d ms%n",
                size, first.initMillis(), first.invokeMillis(), first.uptimeMillis(), bare);
        rows.add(new Row("Lambda artifact, fresh JVM, first invocation (relayInfo; no SnapStart)", size + "; handler made in "
                + format(first.initMillis()) + " ms, first answer " + format(first.invokeMillis()) + " ms, JVM up "
                + format(first.uptimeMillis()) + " ms at its end", "a fresh JVM that runs nothing: " + format(bare) + " ms",
                "< 30 MB"));
    }

    /**
     * What an import into an empty database gave: events stored, over how long, the follows, the verdict, what the
     * machine did meanwhile ({@link LoopProfile#load}) and the JIT's compilation time from start-up to the end.
     */
    private record Imported(long stored, double seconds, long follows, String verdict, String profile, long jitMillis) {
        double rate() {
            return stored / seconds;
        }
    }

    /**
     * The JIT's share of a fresh JVM: on two cores its one C2 thread falls minutes behind the methods waiting for it,
     * which run as profiled C1 code meanwhile, and it compiles for a sixth of the machine's CPU through the first
     * ingests a cache does (profiled: 10.5, 7.7, 4.2, 1.2 s of C2 in four ingests of 100,000 events in one JVM, at
     * 3,527, 4,182, 4,437, 4,663 events/s; docs/benchmarks.md, eighteenth), which a cache that has been running has
     * long paid. So before the measured ingest, rounds of the same ingest (a loopback relay serving a corpus of its
     * own, another seed, of at most {@value #WARM_UP_INGEST_EVENTS} events: rounds of that size settle the JIT, larger
     * ones only take longer; to a runtime on a scratch database): at least {@value #WARM_UP_INGEST_ROUNDS}, then more
     * until the JIT compiles for less than a tenth of a round's time, for at most {@value #WARM_UP_INGEST_MAX_SECONDS}
     * s (a smoke run makes the first rounds only: its rounds are too short to settle anything).
     */
    private IngestWarmUp warmUpIngest(Path file) throws Exception {
        out.println("warming the JIT up: ingests of a corpus of its own, each into a scratch database");
        long size = lineCount(file);
        var jit = ManagementFactory.getCompilationMXBean();
        long started = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        long roundJit;
        double roundSeconds;
        do {
            long roundStarted = System.nanoTime();
            long jitBefore = jit.getTotalCompilationTime();
            Path data = Files.createTempDirectory("bench-warm-up-data");
            try (LoopbackRelay.Process relay = new LoopbackRelay.Process(file);
                 LocalStack stack = LocalStack.start(withUpstream(List.of(relay.url()), data), LocalStack.Mode.FULL)) {
                rates.add(endToEnd(stack, size));
            } finally {
                deleteTree(data);
            }
            roundJit = jit.getTotalCompilationTime() - jitBefore;
            roundSeconds = (System.nanoTime() - roundStarted) / 1e9;
            out.printf(Locale.ROOT, "  warm-up round %d: %s events/s; the JIT compiled for %,d ms of its %.1f s%n", rates.size(),
                    format(rates.getLast()), roundJit, roundSeconds);
        } while (rates.size() < WARM_UP_INGEST_ROUNDS || (!smokeRun() && roundJit > roundSeconds * 100
                && System.nanoTime() - started < WARM_UP_INGEST_MAX_SECONDS * 1_000_000_000L));
        return new IngestWarmUp(rates, roundJit, roundSeconds);
    }

    /** The ingest's warm-up: each round's rate, and the JIT's compilation time in the last round. */
    private record IngestWarmUp(List<Double> rates, long lastRoundJitMillis, double lastRoundSeconds) {
        String summary() {
            return rates.size() + " ingests of a corpus of its own, at " + String.join(", ", rates.stream()
                    .map(Benchmark::format).toList()) + " events/s; the JIT compiled for " + format(lastRoundJitMillis)
                    + " ms of the last one's " + String.format(Locale.ROOT, "%.1f", lastRoundSeconds) + " s";
        }
    }

    /**
     * The import path into a database of its own, timed like the end-to-end figure, then verified if {@code verify}.
     * The timed import goes after one of the warm-up corpus: the ingest's warm-up never reads a file into a pipeline
     * runtime, and the latency loops and the publishing in between change what the JIT compiled for the functions
     * (profiled: before this warm-up, 2.6-3.3 s of C2 compilation within the timed import's 17-19 s).
     */
    private Imported importDump(Path file, boolean verify) throws Exception {
        long lines = lineCount(file);
        var jit = ManagementFactory.getCompilationMXBean();
        long jitBefore = jit.getTotalCompilationTime();
        Path data = Files.createTempDirectory("bench-import-data");
        try {
            CacheConfig fresh = withUpstream(List.of(), data);
            out.printf(Locale.ROOT, "importing %,d events from a file into an empty database%s...%n", lines, verify ? "" : " (warm-up)");
            try (LocalStack stack = LocalStack.start(fresh, LocalStack.Mode.PIPELINE);
                 BufferedReader in = Files.newBufferedReader(file)) {
                LoopProfile load = LoopProfile.start(fresh.databasePath());
                new ImportCommand(stack::submit).run(in, file.toString(),
                        new PrintStream(OutputStream.nullOutputStream()));
                double rate = endToEnd(stack, lines);
                long stored = count(stack);
                String profile = load.load(stored);
                long jitMillis = jit.getTotalCompilationTime() - jitBefore;
                long follows;
                try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM follows")) {
                    rs.next();
                    follows = rs.getLong(1);
                }
                return new Imported(stored, stored / rate, follows, verify ? verdict(stack.dataSource()) : "(not verified)",
                        profile, jitMillis);
            }
        } finally {
            deleteTree(data);
        }
    }

    /** The lines of a corpus file: its events, one per line. */
    private static long lineCount(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    /**
     * The runtime's configuration with its database, queues and media cache under {@code data}. The loopback relay
     * answers every REQ with the whole corpus, live subscription included: no back-fill beside it.
     */
    private CacheConfig withUpstream(List<String> relays, Path data) {
        CacheConfig c = config;
        return new CacheConfig(c.listenAddr(), data.resolve("postgres"), data.resolve("media_cache"), relays, c.maxConcurrent(),
                c.cacheExpirationDays(), c.databaseUrl(), c.databaseUser(), c.databasePassword(), c.databasePort(),
                c.sqsPort(), c.s3Port(), c.stackName(), c.ingestKinds(), 0, 0, c.backfillRate(), c.functionConcurrency(),
                c.localRetryDelaySeconds(), c.localVisibilityTimeoutSeconds(), c.localQueueBacklogMessages(), c.managementPort(),
                c.gatewayIdleTimeoutSeconds(), c.gatewayMaxConnectionSeconds(), c.gatewayConcurrency(),
                c.blockedSourceIps(), true, true, c.adminToken(), c.avatarUrlLifetimeSeconds(),
                c.avatarOriginFailure(), c.avatarRetrySeconds(), c.avatarRedirectCacheSeconds(), c.upstreamQuerySeconds(),
                c.sqsEndpoint(), c.s3Endpoint(), c.avatarObjectExpirationDays(), c.outageRetrySeconds(),
                PUBLISH_RATE_LIMIT, PUBLISH_RATE_LIMIT, c.profileLookupMs(), c.homeLatestOf());
    }

    /**
     * Requests per client at each concurrency: {@value #LOOP_REQUESTS} in all at every one, so that each p99 is the
     * fortieth slowest of as many (until 2026-12-05 one client sent 400, a loop of a fifth of a second whose p99 was
     * its fourth slowest request and whose rate a single scheduling hiccup could take a tenth off). The benchmark's
     * runtime lifts the per-connection rate limit, so none is refused. A small corpus (a smoke run) gets a tenth.
     */
    private int[][] levels() {
        int requests = LOOP_REQUESTS / loopScale();
        return new int[][]{{1, requests}, {10, requests / 10}, {100, requests / 100}};
    }

    /**
     * WebSocket latency of user_profile, feed and a NIP-01 REQ at 1, 10 and 100 clients in closed loops, each beside
     * a bare ping-pong through the gateway at the same concurrency (Jetty answers pings itself: transport only). Each
     * row says what the machine did meanwhile ({@link LoopProfile}): PostgreSQL is the server of {@code database}.
     */
    private void latencies(LocalStack stack, Path database) throws Exception {
        String busiest;
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT encode(follower, 'hex') FROM follows GROUP BY follower ORDER BY count(*) DESC LIMIT 1")) {
            rs.next();
            busiest = rs.getString(1);
        }
        URI ws = stack.gatewayUrl();
        Latency.Op ping = Latency.Op.of((client, i) -> client.ping());
        Map<String, Probe> probes = new LinkedHashMap<>();
        probes.put("user_profile", Probe.primal("{\"cache\":[\"user_profile\",{\"pubkey\":\"" + busiest + "\"}]}"));
        probes.put("feed (follows, 20 notes)", Probe.primal("{\"cache\":[\"feed\",{\"pubkey\":\"" + busiest
                + "\",\"limit\":20}]}"));
        probes.put("NIP-01 REQ (kinds 1, limit 10)", Probe.nip01("{\"kinds\":[1],\"limit\":10}"));
        Path scratch = Files.createTempDirectory("bench-node");
        try {
            out.println("installing the Node.js clients' WebSocket package (" + NodeClients.WS_PACKAGE + ")...");
            NodeClients node = NodeClients.find(scratch);
            warmUp(ws, probes);
            for (int[] level : levels()) {
                Latency.Stats pong = Latency.webSocket(ws, level[0], level[1], ping);
                out.printf(Locale.ROOT, "gateway ping-pong, %d clients: %s%n", level[0], pong.summary());
                String clients = ", " + level[0] + (level[0] == 1 ? " client" : " clients");
                for (var probe : probes.entrySet()) {
                    String name = probe.getKey();
                    Latency.Stats stats;
                    String profile;
                    try (Latency.Connections connections = Latency.connect(ws, level[0], probe.getValue().inProcess())) {
                        LoopProfile loop = LoopProfile.start(database);
                        FunctionTime function = FunctionTime.start(stack.meterRegistry(), MESSAGE_FUNCTION);
                        stats = connections.run(level[1]);
                        profile = loop.since(stats.requests()) + "; " + function.since(stats, level[0]);
                    }
                    out.printf(Locale.ROOT, "%s%s: %s; %s%n", name, clients, stats.summary(), profile);
                    rows.add(new Row(name + clients, stats.summary() + "; " + profile, "gateway ping-pong " + pong.summary(),
                            target(name, level[0])));
                    rows.add(new Row(name + clients + ", measured by Node.js clients in a process of their own ("
                            + node.client() + ")", nodeRun(node, stack, level, name, probe.getValue(), database),
                            "gateway ping-pong " + pong.summary() + " (in-process client)", target(name, level[0])));
                }
            }
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * A corpus under 10,000 events is a smoke run (the tests' runs): every row printed, none of its figures telling
     * anything, so its loops and ceilings are a tenth as long and its warm-ups make their first rounds only.
     */
    private boolean smokeRun() {
        return events < 10_000;
    }

    private int loopScale() {
        return smokeRun() ? 10 : 1;
    }

    /**
     * Untimed rounds of every probe (a loop's worth of requests at 10 clients, then at 100) before the loops, so that
     * they measure the request paths compiled, as a server's are after its first minutes of traffic, not the JIT
     * compiling them: without it the first loops read about half the REQ rate of the same code warm
     * (docs/benchmarks.md, 2026-12-04 ninth). At least {@value #WARM_UP_ROUNDS} rounds, then more until
     * the JIT compiles for less than a tenth of a round's time: on two cores its C2 thread was still compiling the REQ
     * path's methods for most of each second after four rounds, and a loop that ran meanwhile read a p99 several times
     * that of a loop without it (2026-12-05, fourteenth). The rounds at 100 clients since the fifteenth: a hundred
     * connections take paths ten do not, and the 100-client loops still saw the JIT compile for up to half their time.
     * At most {@value #WARM_UP_MAX_SECONDS} s; a smoke run makes the first rounds only.
     */
    private void warmUp(URI ws, Map<String, Probe> probes) throws Exception {
        int scale = loopScale();
        var jit = ManagementFactory.getCompilationMXBean();
        long started = System.nanoTime();
        int rounds = 0;
        long roundJit;
        double roundSeconds;
        do {
            long roundStarted = System.nanoTime();
            long jitBefore = jit.getTotalCompilationTime();
            for (Probe probe : probes.values()) {
                for (int clients : WARM_UP_CLIENTS) {
                    Latency.webSocket(ws, clients, LOOP_REQUESTS / scale / clients, probe.inProcess());
                }
            }
            rounds++;
            roundJit = jit.getTotalCompilationTime() - jitBefore;
            roundSeconds = (System.nanoTime() - roundStarted) / 1e9;
        } while (rounds < WARM_UP_ROUNDS || (!smokeRun() && roundJit > roundSeconds * 100
                && System.nanoTime() - started < WARM_UP_MAX_SECONDS * 1_000_000_000L));
        out.printf(Locale.ROOT, "warmed the request paths up: %d rounds, %d untimed requests of each kind in %.1f s; the JIT compiled"
                        + " for %,d ms of the last round's %.1f s%n", rounds,
                rounds * WARM_UP_CLIENTS.length * (LOOP_REQUESTS / scale), (System.nanoTime() - started) / 1e9, roundJit,
                roundSeconds);
    }

    /**
     * A latency row's request: the body of a {@code REQ} under one subscription id, and for a Primal request the
     * protocol negotiation each connection sends first, untimed (as {@link Latency#primal}).
     */
    private record Probe(String body, boolean primal) {
        static Probe primal(String body) {
            return new Probe(body, true);
        }

        static Probe nip01(String body) {
            return new Probe(body, false);
        }

        /** The op as the in-process clients ({@link Latency}) send it. */
        Latency.Op inProcess() {
            return primal ? Latency.primal(i -> body) : Latency.Op.of(Latency.req(i -> body));
        }
    }

    /**
     * The independent client's figures, or why there are none (no Node.js that can run it, or it failed). Its profile
     * covers the whole Node.js run, the untimed requests each of its connections makes first included.
     */
    private String nodeRun(NodeClients node, LocalStack stack, int[] level, String name, Probe probe, Path database) {
        if (node.unavailable() != null) {
            return "not measured: " + node.unavailable();
        }
        try {
            LoopProfile loop = LoopProfile.start(database);
            FunctionTime function = FunctionTime.start(stack.meterRegistry(), MESSAGE_FUNCTION);
            Latency.Stats stats = node.run(stack.gatewayUrl(), level[0], level[1], "[\"REQ\",\"bench\"," + probe.body() + "]",
                    "[\"EOSE\",\"bench\"", probe.primal() ? Latency.PRIMAL_OPENING : null, Latency.PRIMAL_OPENING_END);
            String summary = stats.summary() + "; the Node.js run, its untimed requests included, "
                    + loop.since(stats.requests() + Latency.untimedPerConnection(level[0]) * level[0]) + "; "
                    + function.since(stats, level[0]);
            out.printf(Locale.ROOT, "%s by Node.js clients, %d clients: %s%n", name, level[0], summary);
            return summary;
        } catch (Exception e) {
            return "not measured: " + e.getMessage();
        }
    }

    /** strfry's figures on a machine of our kind (the design brief); user_profile and feed have none. */
    private static String target(String op, int clients) {
        if (op.startsWith("user_profile")) {
            return clients == 100 ? "p99 <= 20 ms" : "(reported)";
        }
        if (op.startsWith("feed")) {
            return switch (clients) {
                case 10 -> ">= 500/s";
                case 100 -> "p99 <= 100 ms";
                default -> "(reported)";
            };
        }
        return switch (clients) {
            case 1 -> "2,564/s, p99 0.86 ms";
            case 10 -> "4,377/s, p99 5.6 ms";
            default -> "4,838/s, p99 36.9 ms";
        };
    }

    /** Cached /profile-pic redirects beside a bare 302 from the same server stack, 20 keep-alive clients. */
    private void redirects(LocalStack stack) throws Exception {
        try (ImageOrigin origin = new ImageOrigin().serve("/avatar.jpg", "image/jpeg", TestImages.encode("jpeg", 640, 480));
             BareRedirect bare = new BareRedirect()) {
            var signer = new EventSigner(new BouncyCastleSchnorr(),
                    Sha256.digest("bench-avatar".getBytes(StandardCharsets.UTF_8)));
            new EventProcessor(stack.dataSource()).process(signer.sign(1_700_000_000L, 0,
                    List.of(), "{\"picture\":\"" + origin.url("/avatar.jpg") + "\"}"), System.currentTimeMillis() / 1000);
            URI pic = stack.httpUrl().resolve("/profile-pic/" + signer.pubkey());
            int perClient = events < 10_000 ? 200 : 2_000;
            // Both warmed alike before either is measured: a short loop otherwise times the JIT compiling the
            // longer path (the cached redirect read 84 % of the bare 302 in 10,000 requests and 111 % in 40,000).
            Latency.http(bare.url(), 20, perClient / 4, 302);
            Latency.http(pic, 20, perClient / 4, 302);
            Latency.Stats probe = Latency.http(bare.url(), 20, perClient, 302);
            Latency.Stats cached = Latency.http(pic, 20, perClient, 302);
            out.printf(Locale.ROOT, "cached /profile-pic redirects: %s; bare 302: %s%n", cached.summary(), probe.summary());
            rows.add(new Row("cached /profile-pic redirect, 20 clients", cached.summary(),
                    "bare 302 from the gateway's server stack " + probe.summary(), ">= 5,000/s"));
        }
    }

    /** The verification ceiling as the table names it: the rate and the implementation the runtime uses. */
    private static String bip340(double verifyRate) {
        return "BIP-340 parse+verify " + format(verifyRate) + "/s on one core (" + SchnorrVerifier.fastest().implementation() + ")";
    }

    /** Ceiling: strict parse, id and BIP-340 signature of each event, one thread, by the runtime's verifier. */
    private double verifications(List<String> sample) throws InvalidEventException {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        EventVerifier verifier = new EventVerifier(SchnorrVerifier.fastest(), Limits.DEFAULTS, Clock.systemUTC());
        for (String json : sample.subList(0, Math.min(2_000, sample.size()))) {
            verifier.verify(parser.parse(json));
        }
        long started = System.nanoTime();
        for (String json : sample) {
            Event e = parser.parse(json);
            verifier.verify(e);
        }
        double rate = sample.size() / seconds(started);
        out.printf(Locale.ROOT, "BIP-340 parse+verify on one core (%s): %s events/s%n", SchnorrVerifier.fastest().implementation(), format(rate));
        return rate;
    }

    /** Ceiling: 100,000 rows of event size in batches of 1,000 into a scratch table, one connection (a smoke run: a tenth). */
    private double rawInserts(LocalStack stack) throws Exception {
        int rows = 100_000 / loopScale();
        byte[] json = new byte[400];
        Arrays.fill(json, (byte) 'x');
        try (Connection c = stack.dataSource().getConnection()) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE bench_rows (id bytea PRIMARY KEY, json text NOT NULL)");
            }
            c.setAutoCommit(false);
            long started = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_rows (id, json) VALUES (?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    ps.setBytes(1, ByteBuffer.allocate(32).putLong(i).array());
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
            out.printf(Locale.ROOT, "PostgreSQL batched inserts: %s rows/s%n", format(rate));
            return rate;
        }
    }

    /**
     * Ceiling: 20,000 messages sent in batches of 10 and received and deleted, four threads each way (a smoke run: a
     * tenth).
     */
    private double rawQueue(SqsClient sqs) throws Exception {
        String queue = sqs.createQueue(r -> r.queueName(config.stackName() + "-bench-scratch")).queueUrl();
        int messages = 20_000 / loopScale();
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
        out.printf(Locale.ROOT, "ElasticMQ send+receive+delete: %s messages/s%n", format(rate));
        return rate;
    }

    /**
     * The figure: every corpus event stored, over the time from the first to the last one's arrival in the events
     * table (the worker starts with the runtime, so the clock of the database is the fair one). The count is asked every
     * two seconds: a {@code count(*)} of 100,000 events costs PostgreSQL about 0.1 s of CPU (parallel workers included,
     * measured), so the four a second asked until 2026-12-05 took a tenth of the machine from what they measured.
     */
    private double endToEnd(LocalStack stack, long expected) throws Exception {
        long started = System.nanoTime();
        long deadline = started + Duration.ofMinutes(30).toNanos();
        long stored = count(stack);
        long lastReport = started;
        while (stored < expected && System.nanoTime() < deadline) {
            if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
                out.printf(Locale.ROOT, "  %,d stored after %.0f s%n", stored, seconds(started));
                lastReport = System.nanoTime();
            }
            Thread.sleep(2_000);
            stored = count(stack);
        }
        if (stored < expected) {
            out.printf(Locale.ROOT, "  only %,d of %,d stored within 30 minutes%n", stored, expected);
        }
        double elapsed;
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT extract(epoch FROM max(received_at) - min(received_at)) FROM events")) {
            rs.next();
            elapsed = Math.max(0.001, rs.getDouble(1));
        }
        double rate = stored / elapsed;
        out.printf(Locale.ROOT, "  %,d events stored over %.1f s: %s events/s%n", stored, elapsed, format(rate));
        return rate;
    }

    /**
     * Until {@code expected} events are stored, or the count has not moved for five seconds: an OK means queued, not
     * stored, so the warm-up's ingest would otherwise still run during the timed publish.
     */
    private void awaitSettled(LocalStack stack, long expected) throws Exception {
        long started = System.nanoTime();
        long stored = count(stack);
        long movedAt = started;
        while (stored < expected && System.nanoTime() - movedAt < Duration.ofSeconds(5).toNanos()) {
            Thread.sleep(100);
            long now = count(stack);
            if (now != stored) {
                stored = now;
                movedAt = System.nanoTime();
            }
        }
        out.printf(Locale.ROOT, "  %,d of %,d stored %.1f s after the last OK%n", stored, expected, seconds(started));
    }

    private static long count(LocalStack stack) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The table, as Markdown: it goes into docs/benchmarks.md as it is. */
    private void print() {
        out.println();
        out.println("| figure | measured | target | ceiling measured in the same run |");
        out.println("|---|---|---|---|");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", r.figure(), r.measured(), r.target(), r.ceiling());
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static String format(double rate) {
        return String.format(Locale.ROOT, "%,.0f", rate);
    }
}
