package dev.nostrcache.localstack.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark runs to its table on a small corpus (speed is its output, never asserted here). */
class BenchTest {
    /** A number of two decimals that is not zero: "1.00" and "0.25" are, "0.00" is not. */
    private static final String NOT_ZERO = "(?=[0-9.]*[1-9])[0-9]+\\.[0-9]{2}";
    /**
     * What each latency row says the machine did during its loop ({@link LoopProfile}; PostgreSQL worked in every one)
     * and how much of the mean answer the function took ({@link FunctionTime}).
     */
    private static final String LOOP_PROFILE = " in its [0-9.]+ s: CPUs [0-9]+ % busy, runnable threads of the runtime waited"
            + " [0-9,]+ ms for a CPU, JIT compiling [0-9,]+ ms, GC [0-9]+ pauses [0-9,]+ ms; CPU per request: JVM " + NOT_ZERO
            + " ms, PostgreSQL " + NOT_ZERO + " ms; the function \\(wsDefault\\) ran " + NOT_ZERO
            + " ms per message, of a mean answer of " + NOT_ZERO + " ms";
    /** A load's profile: the CPU each side took; PostgreSQL stores every event, so its share is never nothing. */
    private static final String LOAD_PROFILE = "; in its [0-9.]+ s: CPUs [0-9]+ % busy, runnable threads of the runtime waited"
            + " [0-9,]+ ms for a CPU, JIT compiling [0-9,]+ ms, GC [0-9]+ pauses [0-9,]+ ms; CPU: JVM [0-9.]+ s, PostgreSQL"
            + " [0-9.]+ s, per event [0-9,]*[1-9][0-9,]* and [0-9,]*[1-9][0-9,]* us";

    @Test
    void aSmallRunPrintsEveryFigureBesideItsCeiling(@TempDir Path dir) throws Exception {
        Path operatorData = dir.resolve("data");
        Files.writeString(dir.resolve("config.json"), "{\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, "
                + "\"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"database_path\": \""
                + operatorData.resolve("postgres") + "\", \"media_cache_path\": \"" + operatorData.resolve("media_cache") + "\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // Under a locale of decimal commas: the table reads the same on every machine.
        Locale before = Locale.getDefault();
        int exit;
        try {
            Locale.setDefault(Locale.GERMANY);
            exit = BenchCommand.run(List.of("--events", "400", "--config", dir.resolve("config.json").toString()),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            Locale.setDefault(before);
        }
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(operatorData).as("the benchmark works in data directories of its own, never the configured one")
                .doesNotExist();
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("400 events stored over").contains("ceiling measured in the same run");
        List<String> expected = List.of(
                // a smoke run makes its warm-ups' first rounds only: four of the requests, two of the ingest
                "warmed the request paths up: 4 rounds, [0-9]+ untimed requests of each kind in [0-9.]+ s;"
                        + " the JIT compiled for [0-9,]+ ms of the last round's [0-9.]+ s",
                "warm-up round 2: [0-9,]+ events/s; the JIT compiled for [0-9,]+ ms of its [0-9.]+ s",
                "\\| ingest end to end, events/s \\(after the warm-up: 2 ingests of a corpus of its own, at"
                        + " [0-9,]+, [0-9,]+ events/s; the JIT compiled for [0-9,]+ ms of the last one's [0-9.]+ s\\)"
                        + " \\| [0-9,]+" + LOAD_PROFILE + " \\| >= 5,000 \\| BIP-340 parse\\+verify [0-9,]+/s on one core \\(libsecp256k1 \\(JNI\\)\\)",
                "\\| NIP-01 REQ \\(kinds 1, limit 10\\), 100 clients \\| [0-9,]+/s, p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms;"
                        + LOOP_PROFILE + " \\| 4,838/s, p99 36.9 ms \\| gateway ping-pong [0-9,]+/s",
                "\\| cached /profile-pic redirect, 20 clients \\| [0-9,]+/s, .* \\| >= 5,000/s \\| bare 302 from the gateway's server stack [0-9,]+/s",
                "\\| Lambda artifact, fresh JVM, first invocation \\(relayInfo; no SnapStart\\) \\| [0-9.]+ MB; handler made in "
                        + "[0-9,]+ ms, first answer [0-9,]+ ms, JVM up [0-9,]+ ms at its end \\| < 30 MB \\| a fresh JVM that runs nothing: [0-9,]+ ms",
                "\\| ./run.sh import of the same corpus \\(.*; after a warm-up import of 400 events of a corpus of its own at"
                        + " [0-9,]+ events/s, in which the JIT compiled for [0-9,]+ ms\\), events/s \\| [0-9,]+" + LOAD_PROFILE
                        + " \\| >= 6,500 \\|",
                "\\| publish \\(1,000 events, one WebSocket, 500 in flight, every OK awaited, after a warm-up of 250 at [0-9,]+/s\\), events/s \\| [0-9,]+/s, p50 .* \\| >= 2,500 \\| BIP-340",
                "\\| contact lists alone, imported into an empty database \\(20 lists of 50-500 follows\\) \\| [0-9,]+ lists/s, [0-9,]+ follows/s" + LOAD_PROFILE + " \\| >= 409 lists/s \\|",
                "\\| verify-stats: every count recomputed from the stored events \\| after ingest: no mismatch \\([0-9,]+ users, [0-9,]+ events, [1-9][0-9,]* follows\\);"
                        + " after import: no mismatch .*; after the contact lists alone: no mismatch .* \\| no mismatch \\|",
                "\\| peak memory of the local runtime while ingesting .* \\| [0-9,]+ MiB \\(JVM [0-9,]+,"
                        + " PostgreSQL [1-9][0-9,]*\\) \\| < 1,536 MiB \\(whole runtime\\) \\| JVM heap capped at [0-9,]+ MiB \\|",
                // Node.js is on the machine image: the independent client measures.
                "\\| NIP-01 REQ \\(kinds 1, limit 10\\), 10 clients, measured by Node.js clients in a process of"
                        + " their own \\(.+\\) \\| [0-9,]+/s, p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms; the Node.js run, its"
                        + " untimed requests included," + LOOP_PROFILE + " \\| 4,377/s",
                // The Primal rows too: each connection negotiates the protocol first (a refusal would read "not measured").
                "\\| feed \\(follows, 20 notes\\), 100 clients, measured by Node.js clients in a process of"
                        + " their own \\(.+\\) \\| [0-9,]+/s, p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms;.* \\| p99 <= 100 ms",
                "\\| user_profile, 100 clients, measured by Node.js clients in a process of"
                        + " their own \\(.+\\) \\| [0-9,]+/s, p50 [0-9.]+ ms, p99 [0-9.]+ ms, max [0-9.]+ ms;.* \\| p99 <= 20 ms");
        // Each missing row is named before the whole output, which a CI log may cut short.
        List<String> missing = expected.stream().filter(row -> !Pattern.compile(row).matcher(output).find()).toList();
        assertThat(missing).as("rows not printed as expected:%n%s%n%nthe whole output:%n%s",
                String.join(System.lineSeparator(), missing), output).isEmpty();
    }

    @Test
    void aBadCommandLineIsRefusedWithTheUsage() {
        for (List<String> args : List.of(List.of("--events"), List.of("--events", "many"), List.of("extra"),
                List.of("--queue", "x"))) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = BenchCommand.run(args, new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).as(args.toString()).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(args.toString()).contains("bench");
        }
    }
}
