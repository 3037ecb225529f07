package dev.nostrcache.localstack;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher as an operator uses it: a real process stopped with Ctrl-C, and the verify command. */
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void ctrlCStopsEverythingAndLeavesNoProcessBehind() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0}");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()).directory(dir.toFile()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("Press Ctrl-C")) {
                    break;
                }
            }
            assertThat(lines).as("start-up output").anyMatch(l -> l.contains("nostr-cache local runtime is up"));
            int postgresPort = lines.stream().filter(l -> l.contains("jdbc:postgresql://"))
                    .map(l -> l.replaceAll(".*jdbc:postgresql://[^:]+:(\\d+)/.*", "$1")).mapToInt(Integer::parseInt)
                    .findFirst().orElseThrow();
            assertThat(Files.exists(dir.resolve("data/postgres/postmaster.pid"))).isTrue();

            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(lines).contains("stopping...", "stopped.");
            // pg_ctl daemonises the postmaster, so it is no child of ours: check that it is gone instead.
            assertThat(Files.exists(dir.resolve("data/postgres/postmaster.pid"))).isFalse();
            LocalStackTest.assertNotListening(postgresPort);
            assertThat(Files.exists(dir.resolve("data/postgres/PG_VERSION"))).isTrue();
        } finally {
            process.destroyForcibly();
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
    }
}
