package dev.nostrcache.localstack;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.StateFingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backup procedure of docs/operations.md on the local runtime: {@code ./run.sh backup} (pg_dump) of one data
 * directory, {@code ./run.sh restore} (pg_restore) into a new one, and the restored database holds the same state.
 */
class BackupRestoreTest {

    private static Path config(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"upstream_relays\": [], \"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        return file;
    }

    @Test
    void aBackupRestoresIntoANewDatabaseWithTheSameState(@TempDir Path root) throws Exception {
        Path original = config(root.resolve("original"));
        Path copy = config(root.resolve("copy"));
        String before;
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of("--config", original.toString()), Map.of(), root),
                LocalStack.Mode.DATABASE)) {
            EventProcessor processor = new EventProcessor(stack.dataSource());
            EventParser parser = new EventParser(Limits.DEFAULTS);
            for (String line : TestData.lines("workload-events.jsonl")) {
                processor.process(parser.parse(line), 1_800_000_000L);
            }
            before = StateFingerprint.of(stack.dataSource());
        }
        Path dump = root.resolve("nostr-cache.dump");
        CommandRun backup = CommandRun.of("backup", dump.toString(), "--config", original.toString());
        assertThat(backup.exit()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("backup written");
        assertThat(Files.size(dump)).isPositive();

        CommandRun restore = CommandRun.of("restore", dump.toString(), "--config", copy.toString());
        assertThat(restore.exit()).as(restore.err()).isZero();
        assertThat(restore.out()).contains("restored");
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of("--config", copy.toString()), Map.of(), root),
                LocalStack.Mode.DATABASE)) {
            assertThat(StateFingerprint.of(stack.dataSource())).as("the same events, projections and counts").isEqualTo(before);
        }
        assertThat(CommandRun.of("verify-stats", "--config", copy.toString()).exit()).as("the restored counts recompute").isZero();

        CommandRun again = CommandRun.of("restore", dump.toString(), "--config", copy.toString());
        assertThat(again.exit()).as("a database with events is not replaced by accident").isEqualTo(2);
        assertThat(again.err()).contains("--force");
        assertThat(CommandRun.of("restore", dump.toString(), "--config", copy.toString(), "--force").exit()).isZero();
        assertThat(CommandRun.of("restore", root.resolve("missing.dump").toString(), "--config", copy.toString()).err())
                .contains("no such backup file");
    }

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedWithTheWayOut(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("PG_VERSION"), "17\n");
        assertThatThrownBy(() -> EmbeddedPostgresService.start(dir, 0))
                .hasMessageContaining("created by PostgreSQL 17").hasMessageContaining("./run.sh import");
    }
}
