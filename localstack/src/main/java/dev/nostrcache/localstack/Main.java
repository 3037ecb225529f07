package dev.nostrcache.localstack;

import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigException;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.ingest.StatsVerifier;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.worker.dump.ImportCommand;
import dev.nostrcache.worker.dump.JsonLines;
import dev.nostrcache.worker.dump.VerifyCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The launcher behind {@code ./run.sh}: one entry point for the local runtime and the operator commands. */
public final class Main {
    static final String USAGE = """
            usage: ./run.sh [start] [--config FILE]          start the local runtime (Ctrl-C stops it)
                   ./run.sh verify FILE|-                    check a JSON-lines dump, one verdict per line
                   ./run.sh import FILE|- [--config FILE]    send a JSON-lines dump through the ingest path
                   ./run.sh verify-stats [--config FILE]     recompute every count and compare
                   ./run.sh backup FILE [--config FILE]      pg_dump the database into FILE
                   ./run.sh bench [--events N] [--config FILE]
                                                             measure ingest against its ceilings (loopback only)
                   ./run.sh restore FILE [--config FILE] [--force]
                                                             replace the database with a backup
                   ./run.sh test                             run the whole test suite
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
                case "import" -> importDump(rest, out, err);
                case "verify-stats" -> verifyStats(rest, out, err);
                case "backup" -> backup(rest, out, err);
                case "restore" -> restore(rest, out, err);
                case "bench" -> bench(rest, out, err);
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
        CacheConfig config = config(args);
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

    private static CacheConfig config(List<String> args) {
        return ConfigLoader.load(args, System.getenv(), Path.of("").toAbsolutePath());
    }

    private static int importDump(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            err.println("import needs a JSON-lines file, or - for standard input");
            return 2;
        }
        String source = args.get(0);
        CacheConfig config = config(args.subList(1, args.size()));
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.PIPELINE);
             BufferedReader in = JsonLines.open(source, System.in)) {
            long before = new EventRepository(stack.dataSource()).count();
            out.println("importing " + source + " through the queues and ingest functions...");
            ImportCommand.Report report = new ImportCommand(stack.publisher()::submit).run(in, source, out);
            out.printf("read %d lines in %.1f s; waiting for the functions to store everything...%n", report.lines(),
                    report.seconds());
            boolean drained = stack.awaitDrained(Duration.ofMinutes(30));
            long stored = new EventRepository(stack.dataSource()).count() - before;
            out.printf("import finished: %d lines, %d events sent, %d bad lines, %d repeated in the file; "
                            + "%d new events stored (the rest were already stored, superseded, deleted, expired or "
                            + "failed verification)%n",
                    report.lines(), report.sent(), report.bad(), report.duplicates(), stored);
            Map<String, Long> dead = stack.deadLetters();
            if (!dead.isEmpty()) {
                out.println("dead-lettered messages: " + dead);
            }
            if (!drained) {
                err.println("import: the queues did not drain; some events may not be stored yet");
            }
            return report.bad() == 0 && drained && dead.isEmpty() ? 0 : 1;
        } catch (NoSuchFileException e) {
            err.println("import: no such file: " + source);
            return 2;
        } catch (Exception e) {
            err.println("import failed: " + e);
            return 1;
        }
    }

    private static Backup.Target target(LocalStack stack, CacheConfig config) {
        return config.usesEmbeddedDatabase()
                ? Backup.Target.of(stack.jdbcUrl(), EmbeddedPostgresService.USER, null)
                : Backup.Target.of(stack.jdbcUrl(), config.databaseUser(), config.databasePassword());
    }

    private static String counts(LocalStack stack) throws java.sql.SQLException {
        try (var c = stack.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM profiles), (SELECT count(*) FROM follows)")) {
            rs.next();
            return rs.getLong(1) + " events, " + rs.getLong(2) + " profiles, " + rs.getLong(3) + " follow edges";
        }
    }

    private static int backup(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            err.println("backup needs the file to write");
            return 2;
        }
        Path file = Path.of(args.get(0));
        CacheConfig config = config(args.subList(1, args.size()));
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.DATABASE)) {
            out.println("backing up " + counts(stack) + " to " + file + "...");
            Backup.dump(target(stack, config), file, out);
            out.printf("backup written: %s (%,d bytes)%n", file, Files.size(file));
            return 0;
        } catch (Exception e) {
            err.println("backup failed: " + e.getMessage());
            return 1;
        }
    }

    private static int restore(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            err.println("restore needs the backup file to read");
            return 2;
        }
        Path file = Path.of(args.get(0));
        if (!Files.isRegularFile(file)) {
            err.println("restore: no such backup file: " + file);
            return 2;
        }
        boolean force = args.contains("--force");
        CacheConfig config = config(args.subList(1, args.size()).stream().filter(a -> !a.equals("--force")).toList());
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.DATABASE)) {
            if (new EventRepository(stack.dataSource()).count() > 0 && !force) {
                err.println("restore: the database already holds events; restoring replaces them all. Use --force "
                        + "to do it anyway, or restore into a fresh database_path.");
                return 2;
            }
            Backup.restore(target(stack, config), file, out);
            int migrated = dev.nostrcache.infra.db.Migrations.migrate(stack.dataSource());
            out.println("restored " + counts(stack) + " from " + file
                    + (migrated > 0 ? " and brought the schema up to date (" + migrated + " migrations)" : ""));
            return 0;
        } catch (Exception e) {
            err.println("restore failed: " + e.getMessage());
            return 1;
        }
    }

    private static int bench(List<String> args, PrintStream out, PrintStream err) {
        int events = 100_000;
        List<String> rest = new java.util.ArrayList<>(args);
        int at = rest.indexOf("--events");
        if (at >= 0) {
            if (at + 1 >= rest.size() || !rest.get(at + 1).matches("\\d{1,7}")) {
                err.println("bench: --events needs a number of events");
                return 2;
            }
            events = Integer.parseInt(rest.get(at + 1));
            rest.subList(at, at + 2).clear();
        }
        try {
            new dev.nostrcache.localstack.bench.Benchmark(config(rest), events, out).run();
            return 0;
        } catch (Exception e) {
            err.println("bench failed: " + e);
            return 1;
        }
    }

    private static int verifyStats(List<String> args, PrintStream out, PrintStream err) {
        CacheConfig config = config(args);
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.DATABASE)) {
            StatsVerifier.Report report = new StatsVerifier(stack.dataSource(), 1000).verify();
            report.mismatches().forEach(out::println);
            out.printf("checked %d user rows, %d event rows and %d follow edges: %s%n", report.usersChecked(),
                    report.eventsChecked(), report.followsChecked(),
                    report.ok() ? "no mismatch" : report.mismatches().size() + " mismatches"
                            + (report.mismatches().size() >= 1000 ? " (first 1000 shown)" : ""));
            return report.ok() ? 0 : 1;
        } catch (Exception e) {
            err.println("verify-stats failed: " + e);
            return 1;
        }
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
