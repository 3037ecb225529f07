package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher as an operator uses it: a real process started and stopped with Ctrl-C, and the verify command. */
class LauncherTest {
    private static final String REFUSED = "refused";

    @TempDir
    Path dir;

    @Test
    void ctrlCStopsEverythingAndLeavesNoProcessBehind() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        try (RuntimeProcess runtime = RuntimeProcess.start(dir, List.of())) {
            runtime.awaitUp();
            assertThat(runtime.lines()).as("start-up output").anyMatch(l -> l.contains("nostr-cache local runtime is up"));
            int postgresPort = runtime.lines().stream().filter(l -> l.contains("jdbc:postgresql://"))
                    .map(l -> l.replaceAll(".*jdbc:postgresql://[^:]+:(\\d+)/.*", "$1")).mapToInt(Integer::parseInt)
                    .findFirst().orElseThrow();
            assertThat(Files.exists(dir.resolve("data/postgres/postmaster.pid"))).isTrue();

            runtime.interrupt();
            assertThat(runtime.lines()).contains("stopping...", "stopped.");
            // pg_ctl daemonises the postmaster, so it is no child of ours: check that it is gone instead.
            assertThat(Files.exists(dir.resolve("data/postgres/postmaster.pid"))).isFalse();
            LocalStackTest.assertNotListening(postgresPort);
            assertThat(Files.exists(dir.resolve("data/postgres/PG_VERSION"))).isTrue();
        }
    }

    @Test
    void everyConnectionFromTheMomentTheProcessStartsGetsItsAnswers() throws Exception {
        int port = FreePort.find();
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": "
                + "\"127.0.0.1:" + port + "\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        URI url = URI.create("ws://127.0.0.1:" + port + "/");
        List<Future<String>> answers = new ArrayList<>();
        int refused = 0;
        try (HttpClient http = HttpClient.newHttpClient();
             RuntimeProcess runtime = RuntimeProcess.start(dir, List.of());
             var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            // Connect as Primal's web client does after a restart: again and again, from the first moment.
            long upSince = 0;
            for (int i = 0; upSince == 0 || System.nanoTime() - upSince < 2_000_000_000L; i++) {
                if (upSince == 0 && runtime.lines().stream().anyMatch(l -> l.startsWith("Press Ctrl-C"))) {
                    upSince = System.nanoTime();
                }
                assertThat(runtime.isAlive()).as("the runtime runs").isTrue();
                Event event = TestKeys.signer(i % 5)
                        .sign(1_700_000_000L + i, 1, List.of(), "published while starting " + i);
                FrameQueue frames = new FrameQueue();
                CompletableFuture<WebSocket> opened = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(120))
                        .buildAsync(url, frames);
                try {
                    // Nothing bound yet: refused at once. Bound but not accepting yet: the handshake waits.
                    opened.get(50, TimeUnit.MILLISECONDS);
                } catch (ExecutionException refusedNow) {
                    refused++;
                    Thread.sleep(20);
                    continue;
                } catch (TimeoutException pending) {
                    // answered below, whenever the handshake completes
                }
                answers.add(clients.submit(() -> {
                    WebSocket ws;
                    try {
                        ws = opened.get(120, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof java.net.ConnectException) {
                            return REFUSED;  // nothing listened yet (the JDK retries a refused connect once)
                        }
                        throw e;
                    }
                    ws.sendText("[\"EVENT\"," + event.toJson() + "]", true).join();
                    String answer = frames.texts.poll(60, TimeUnit.SECONDS);
                    ws.abort();
                    return answer == null ? "no answer for " + event.id() : answer;
                }));
                Thread.sleep(100);
            }
            int connected = 0;
            for (var answer : answers) {
                String got = answer.get(3, TimeUnit.MINUTES);
                if (!got.equals(REFUSED)) {
                    assertThat(got).startsWith("[\"OK\",\"").contains("\",true,");
                    connected++;
                } else {
                    refused++;
                }
            }
            runtime.interrupt();
            assertThat(connected).as("connections made while the runtime started and after (%d refused before the "
                    + "port was bound)", refused).isGreaterThan(20);
        }
    }

    @Test
    void verifyAcceptsEveryRealEvent() {
        CommandRun r = CommandRun.of("verify", TestData.nostr("real-events.jsonl").toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("ok ")).count()).isEqualTo(48);
        assertThat(r.out()).contains("48 events checked: 48 ok, 0 invalid");
    }

    @Test
    void verifyRefusesEveryBadEventWithItsLineNumberAndReason() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        List<String> bare = new ArrayList<>();
        for (String line : TestData.lines("bad-events.jsonl")) {
            JsonNode row = json.readTree(line);
            bare.add(json.writeValueAsString(row.get("event")));
        }
        bare.add(1, "");                 // blank lines are skipped but still counted for line numbers
        bare.add("{not json");
        Path file = Files.write(dir.resolve("bad.jsonl"), bare);

        CommandRun r = CommandRun.of("verify", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        List<String> verdicts = r.out().lines().filter(l -> l.startsWith("line ")).toList();
        assertThat(verdicts).hasSize(45);
        assertThat(verdicts).allMatch(l -> l.matches("line \\d+: invalid: .+"));
        assertThat(verdicts.get(0)).startsWith("line 1: invalid: bad signature");
        assertThat(verdicts.get(1)).startsWith("line 3: ");
        assertThat(verdicts.get(44)).startsWith("line 46: invalid: malformed JSON");
        assertThat(r.out()).contains("45 events checked: 0 ok, 45 invalid");
    }

    @Test
    void clearErrorsForMisuse() {
        assertThat(CommandRun.of("verify").exit()).isEqualTo(2);
        CommandRun missing = CommandRun.of("verify", dir.resolve("nope.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such file");
        CommandRun badConfig = CommandRun.of("start", "--config", dir.resolve("nope.json").toString());
        assertThat(badConfig.exit()).isEqualTo(2);
        assertThat(badConfig.err()).startsWith("configuration error: ").contains("does not exist");
        CommandRun unknown = CommandRun.of("frobnicate");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'frobnicate'").contains("usage:");
        // Nothing the launcher does not understand is taken for another command (this once started the server).
        for (String[] line : new String[][]{{"--frobnicate"}, {"start", "extra"}, {"verify-stats", "--force"},
                {"import"}, {"import", "a", "b"}, {"redrive", "--queue"}, {"--config"},
                {"--config", "a.json", "--config", "b.json", "verify-stats"}}) {
            CommandRun r = CommandRun.of(line);
            assertThat(r.exit()).as(String.join(" ", line)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", line)).contains("usage:");
            assertThat(r.out()).as(String.join(" ", line)).doesNotContain("runtime is up");
        }
        assertThat(CommandRun.of("--help").out()).contains("usage:");
    }

    @Test
    void theConfigOptionMayComeBeforeTheCommand() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, "
                + "\"database_port\": 0}");
        CommandRun stats = CommandRun.of("--config", dir.resolve("config.json").toString(), "verify-stats");
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.out()).contains("no mismatch").doesNotContain("runtime is up");
    }
}
