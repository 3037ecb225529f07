package dev.nostrcache.worker.dump;

import dev.nostrcache.infra.storage.EventExport;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.sql.SQLException;
import java.util.List;

/**
 * {@code export FILE|-}: the stored events as JSON lines, one bare event per line as {@code strfry export} and
 * {@code nak} write them, oldest first, each byte for byte as the relay serves it; what {@link ImportCommand} reads
 * back. A progress line goes to {@code progress} every two seconds.
 */
public final class ExportCommand {
    private final EventExport export;

    public ExportCommand(DataSource dataSource) {
        this.export = new EventExport(dataSource);
    }

    /** What one export wrote. */
    public record Report(long events, double seconds) {
    }

    public Report run(List<Integer> kinds, Long since, Long until, Writer out, PrintStream progress)
            throws SQLException, IOException {
        long started = System.nanoTime();
        long[] written = {0};
        long[] lastProgress = {started};
        export.export(kinds, since, until, json -> {
            out.write(json);
            out.write('\n');
            written[0]++;
            long now = System.nanoTime();
            if (now - lastProgress[0] > 2_000_000_000L) {
                lastProgress[0] = now;
                progress.printf("... %,d events written (%.0f events/s)%n", written[0], written[0] / ((now - started) / 1e9));
            }
        });
        out.flush();
        return new Report(written[0], (System.nanoTime() - started) / 1e9);
    }
}
