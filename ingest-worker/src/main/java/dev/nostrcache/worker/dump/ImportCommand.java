package dev.nostrcache.worker.dump;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.EventHead;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.worker.RecentIds;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code import FILE|-}: sends a JSON-lines dump down the ingest path, the way the worker sends relay events:
 * broken lines are reported with their number and reason and skipped, repeated events are sent once, and the
 * functions verify and store the rest. A progress line is printed every two seconds.
 */
public final class ImportCommand {
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final Function<OutboundEvent, CompletableFuture<Void>> sink;
    /**
     * Ids remembered to send a repeated event once: as many as the worker remembers. A million took about 150 MB of
     * a 768 MiB heap by the end of a large import (docs/benchmarks.md, nineteenth); an id forgotten costs a duplicate
     * message, which storage ignores.
     */
    static final int REMEMBERED_IDS = 200_000;
    private final RecentIds recent = new RecentIds(REMEMBERED_IDS);

    public ImportCommand(Function<OutboundEvent, CompletableFuture<Void>> sink) {
        this.sink = sink;
    }

    /** What one import read and sent. */
    public record Report(long lines, long sent, long bad, long duplicates, double seconds) {
    }

    public Report run(BufferedReader in, String source, PrintStream out) throws IOException {
        long started = System.nanoTime();
        long lastProgress = started;
        long lines = 0;
        long sent = 0;
        long bad = 0;
        long duplicates = 0;
        String line;
        while ((line = in.readLine()) != null) {
            lines++;
            if (line.isBlank()) {
                continue;
            }
            String json = line.strip();
            EventHead event;
            try {
                event = parser.parseHead(json);
            } catch (InvalidEventException e) {
                bad++;
                out.println("line " + lines + ": " + e.reason());
                continue;
            }
            if (!recent.firstSeen(event.id())) {
                duplicates++;
                continue;
            }
            sink.apply(new OutboundEvent(json, event.kind(), "import:" + source, System.currentTimeMillis(), null)).join();
            sent++;
            long now = System.nanoTime();
            if (now - lastProgress > 2_000_000_000L) {
                lastProgress = now;
                double seconds = (now - started) / 1e9;
                out.printf("... %d lines read, %d sent (%.0f events/s), %d bad, %d duplicates%n", lines, sent,
                        sent / seconds, bad, duplicates);
            }
        }
        return new Report(lines, sent, bad, duplicates, (System.nanoTime() - started) / 1e9);
    }
}
