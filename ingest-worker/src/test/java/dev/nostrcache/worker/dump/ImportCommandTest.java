package dev.nostrcache.worker.dump;

import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.queue.OutboundEvent;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class ImportCommandTest {

    @Test
    void sendsEveryGoodLineOnceAndReportsBadLinesByNumber() throws Exception {
        List<String> lines = new ArrayList<>(TestData.lines("workload-events.jsonl").subList(0, 20));
        lines.add(3, "{\"kind\":1}");
        lines.add(7, "");
        lines.add(lines.get(0));
        lines.add("garbage");
        List<OutboundEvent> sent = new ArrayList<>();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ImportCommand.Report report = new ImportCommand(e -> {
            sent.add(e);
            return CompletableFuture.completedFuture(null);
        }).run(new BufferedReader(new StringReader(String.join("\n", lines))), "dump.jsonl", new PrintStream(text, true));

        assertThat(report.lines()).isEqualTo(24);
        assertThat(report.sent()).isEqualTo(20);
        assertThat(report.bad()).isEqualTo(2);
        assertThat(report.duplicates()).isEqualTo(1);
        assertThat(text.toString()).contains("line 4: invalid: missing field 'id'").contains("line 24: invalid: malformed JSON");
        assertThat(sent).extracting(OutboundEvent::relay).containsOnly("import:dump.jsonl");
        assertThat(sent.get(0).json()).isEqualTo(lines.get(0));
    }
}
