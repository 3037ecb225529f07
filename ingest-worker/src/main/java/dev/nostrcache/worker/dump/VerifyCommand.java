package dev.nostrcache.worker.dump;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code verify FILE|-}: checks a JSON-lines dump with the same rules as ingest (strict parse, id, signature,
 * created_at not too far ahead) and prints one verdict per line, {@code ok <id>} or {@code line N: <reason>}, then a
 * summary. Blank lines are skipped. Lines are checked in parallel chunks; verdicts still come out in line order.
 */
public final class VerifyCommand {
    private static final int CHUNK = 4096;

    private final EventParser parser;
    private final EventVerifier verifier;

    public VerifyCommand(Limits limits, Clock clock) {
        this.parser = new EventParser(limits);
        this.verifier = new EventVerifier(SchnorrVerifier.fastest(), limits, clock);
    }

    /** Totals of one run. */
    public record Summary(long lines, long ok, long invalid) {
    }

    public Summary run(BufferedReader in, PrintStream out) throws IOException {
        long lineNumber = 0;
        long ok = 0;
        long invalid = 0;
        List<String> chunk = new ArrayList<>(CHUNK);
        List<Long> numbers = new ArrayList<>(CHUNK);
        String line;
        boolean more = true;
        while (more) {
            line = in.readLine();
            more = line != null;
            if (more) {
                lineNumber++;
                if (!line.isBlank()) {
                    chunk.add(line);
                    numbers.add(lineNumber);
                }
            }
            if (chunk.size() == CHUNK || (!more && !chunk.isEmpty())) {
                List<String> lines = chunk;
                String[] verdicts = IntStream.range(0, lines.size()).parallel()
                        .mapToObj(i -> verdict(lines.get(i))).toArray(String[]::new);
                for (int i = 0; i < verdicts.length; i++) {
                    if (verdicts[i].startsWith("ok ")) {
                        ok++;
                        out.println(verdicts[i]);
                    } else {
                        invalid++;
                        out.println("line " + numbers.get(i) + ": " + verdicts[i]);
                    }
                }
                chunk = new ArrayList<>(CHUNK);
                numbers.clear();
            }
        }
        out.printf("%d events checked: %d ok, %d invalid%n", ok + invalid, ok, invalid);
        return new Summary(ok + invalid, ok, invalid);
    }

    private String verdict(String line) {
        try {
            Event event = parser.parse(line.strip());
            verifier.verify(event);
            return "ok " + event.id();
        } catch (InvalidEventException e) {
            return e.reason();
        }
    }
}
