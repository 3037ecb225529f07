package dev.nostrcache.localstack;

import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigException;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.worker.dump.JsonLines;
import dev.nostrcache.worker.dump.VerifyCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The launcher behind {@code ./run.sh}: one entry point for the local runtime and the operator commands. */
public final class Main {
    static final String USAGE = """
            usage: ./run.sh [start] [--config FILE]   start the local runtime (Ctrl-C stops it)
                   ./run.sh verify FILE|-             check a JSON-lines dump, one verdict per line
                   ./run.sh test                      run the whole test suite
            Configuration: config.json in the working directory, --config FILE or NOSTR_CACHE_CONFIG,
            and NOSTR_CACHE_<KEY> environment variables (see README.md).""";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        String command = args.isEmpty() || args.get(0).startsWith("--") ? "start" : args.get(0);
        List<String> rest = args.isEmpty() || args.get(0).startsWith("--") ? args : args.subList(1, args.size());
        try {
            return switch (command) {
                case "start" -> start(rest, out, err);
                case "verify" -> verify(rest, out, err);
                case "help", "-h" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("unknown command '" + command + "'");
                    err.println(USAGE);
                    yield 2;
                }
            };
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
    }

    private static int start(List<String> args, PrintStream out, PrintStream err) {
        CacheConfig config = ConfigLoader.load(args, System.getenv(), Path.of("").toAbsolutePath());
        LocalStack stack;
        try {
            stack = LocalStack.start(config);
        } catch (Exception e) {
            err.println("could not start the local runtime: " + e);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping...");
            try {
                stack.close();
                out.println("stopped.");
            } catch (Exception e) {
                err.println("error while stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        stack.describe(out);
        out.println("Press Ctrl-C to stop.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int verify(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 1) {
            err.println("verify needs exactly one argument: a JSON-lines file, or - for standard input");
            return 2;
        }
        try (BufferedReader in = JsonLines.open(args.get(0), System.in)) {
            VerifyCommand.Summary summary = new VerifyCommand(Limits.DEFAULTS, Clock.systemUTC()).run(in, out);
            out.flush();
            return summary.invalid() == 0 ? 0 : 1;
        } catch (NoSuchFileException e) {
            err.println("verify: no such file: " + args.get(0));
            return 2;
        } catch (IOException e) {
            err.println("verify: cannot read " + args.get(0) + ": " + e.getMessage());
            return 2;
        }
    }
}
