package dev.nostrcache.localstack.bench;

import dev.nostrcache.infra.config.ConfigException;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.localstack.CommandLine;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code ./run.sh bench [--events N] [--config FILE]}: the benchmark's launcher, beside the runtime's. */
public final class BenchCommand {
    static final String USAGE = "usage: ./run.sh bench [--events N] [--config FILE]   measure the local runtime "
            + "against its ceilings (loopback only; default 100,000 events)";
    private static final int DEFAULT_EVENTS = 100_000;

    private BenchCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            List<String> withCommand = new ArrayList<>(List.of("bench"));
            withCommand.addAll(args);
            line = CommandLine.parse(withCommand, Map.of("bench", CommandLine.Grammar.none().withValues("--events")));
        } catch (CommandLine.UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        int events = DEFAULT_EVENTS;
        String count = line.option("--events");
        if (count != null) {
            if (!count.matches("\\d{1,7}")) {
                err.println("bench: --events needs a number of events");
                return 2;
            }
            events = Integer.parseInt(count);
        }
        try {
            new Benchmark(ConfigLoader.load(line.config(), System.getenv(), Path.of("").toAbsolutePath()), events, out)
                    .run();
            return 0;
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("bench failed: " + e);
            return 1;
        }
    }
}
