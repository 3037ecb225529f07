package dev.nostrcache.localstack;

import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigException;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.ingest.StatsVerifier;
import dev.nostrcache.infra.aws.DeadLetters;
import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.upstream.RelayRepository;
import dev.nostrcache.worker.BackfillCommand;
import dev.nostrcache.worker.WorkerSettings;
import dev.nostrcache.worker.dump.ExportCommand;
import dev.nostrcache.worker.dump.ImportCommand;
import dev.nostrcache.worker.dump.JsonLines;
import dev.nostrcache.worker.dump.VerifyCommand;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** The launcher behind {@code ./run.sh}: one entry point for the local runtime and the operator commands. */
public final class Main {
    static final String USAGE = """
            usage: ./run.sh [start] [--config FILE]          start the local runtime (Ctrl-C stops it)
                   ./run.sh verify FILE|-                    check a JSON-lines dump, one verdict per line
                   ./run.sh import FILE|- [--config FILE]    send a JSON-lines dump through the ingest path
                   ./run.sh export [FILE|-] [--kinds K,K...] [--since DATE] [--until DATE] [--config FILE]
                                                             write the stored events as JSON lines (default: stdout)
                   ./run.sh backfill [--relay URL] [--since DATE|--days N] [--kinds K,K...] [--config FILE]
                                                             fetch history from one upstream relay or all, now
                   ./run.sh verify-stats [--config FILE]     recompute every count and compare
                   ./run.sh backup FILE [--config FILE]      pg_dump the database into FILE
                   ./run.sh bench [--events N] [--config FILE]
                                                             measure ingest against its ceilings (loopback only)
                   ./run.sh restore FILE [--config FILE] [--force]
                                                             replace the database with a backup
                   ./run.sh redrive [--queue NAME] [--config FILE]
                                                             move dead-lettered messages back to their queues
                   ./run.sh test                             run the whole test suite
            Configuration: config.json in the working directory, --config FILE or NOSTR_CACHE_CONFIG,
            and NOSTR_CACHE_<KEY> environment variables (see README.md).""";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** What each command accepts; anything else is refused with the usage text. */
    private static final Map<String, CommandLine.Grammar> GRAMMARS = Map.ofEntries(
            Map.entry("start", CommandLine.Grammar.none()),
            Map.entry("verify", CommandLine.Grammar.arguments(1)),
            Map.entry("import", CommandLine.Grammar.arguments(1)),
            Map.entry("export", new CommandLine.Grammar(0, 1, List.of("--kinds", "--since", "--until"), List.of())),
            Map.entry("backfill", CommandLine.Grammar.none().withValues("--relay", "--since", "--days", "--kinds")),
            Map.entry("verify-stats", CommandLine.Grammar.none()),
            Map.entry("backup", CommandLine.Grammar.arguments(1)),
            Map.entry("restore", CommandLine.Grammar.arguments(1).withFlags("--force")),
            Map.entry("redrive", CommandLine.Grammar.none().withValues("--queue")),
            Map.entry("help", CommandLine.Grammar.none()),
            Map.entry("-h", CommandLine.Grammar.none()));

    static int run(List<String> args, PrintStream out, PrintStream err) {
        CommandLine line;
        try {
            line = CommandLine.parse(args.equals(List.of("--help")) ? List.of("help") : args, GRAMMARS);
        } catch (CommandLine.UsageException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            return switch (line.command()) {
                case "start" -> start(line, out, err);
                case "verify" -> verify(line, out, err);
                case "import" -> importDump(line, out, err);
                case "export" -> export(line, out, err);
                case "backfill" -> backfill(line, out, err);
                case "verify-stats" -> verifyStats(line, out, err);
                case "backup" -> backup(line, out, err);
                case "restore" -> restore(line, out, err);
                case "redrive" -> redrive(line, out, err);
                default -> {
                    out.println(USAGE);
                    yield 0;
                }
            };
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
    }

    private static int start(CommandLine line, PrintStream out, PrintStream err) {
        CacheConfig config = config(line);
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

    private static CacheConfig config(CommandLine line) {
        return ConfigLoader.load(line.config(), System.getenv(), Path.of("").toAbsolutePath());
    }

    private static int importDump(CommandLine line, PrintStream out, PrintStream err) {
        String source = line.arguments().get(0);
        CacheConfig config = config(line);
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.PIPELINE);
             BufferedReader in = JsonLines.open(source, System.in)) {
            long before = new EventRepository(stack.dataSource()).count();
            out.println("importing " + source + " through the queues and ingest functions...");
            ImportCommand.Report report = new ImportCommand(stack::submit).run(in, source, out);
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

    /**
     * Writes the stored events as JSON lines to a file, or to standard output ({@code -}, the default) with the
     * progress on standard error.
     */
    private static int export(CommandLine line, PrintStream out, PrintStream err) {
        String target = line.arguments().isEmpty() ? "-" : line.arguments().get(0);
        List<Integer> kinds;
        Long since;
        Long until;
        try {
            kinds = kinds(line.option("--kinds"));
            since = line.option("--since") == null ? null : epochSeconds(line.option("--since"), false);
            until = line.option("--until") == null ? null : epochSeconds(line.option("--until"), true);
        } catch (IllegalArgumentException e) {
            err.println("export: " + e.getMessage());
            return 2;
        }
        boolean toStdout = target.equals("-");
        PrintStream progress = toStdout ? err : out;
        CacheConfig config = config(line);
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.DATABASE);
             Writer writer = toStdout
                     ? new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)
                     : Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8)) {
            ExportCommand.Report report = new ExportCommand(stack.dataSource()).run(kinds, since, until, writer, progress);
            progress.printf("exported %,d events to %s in %.1f s%n", report.events(), toStdout ? "standard output" : target,
                    report.seconds());
            return 0;
        } catch (Exception e) {
            err.println("export failed: " + e);
            return 1;
        }
    }

    /**
     * Fetches history from the upstream relays now, through the queues and functions (the worker's own back-fill does
     * the same on first contact with a relay).
     */
    private static int backfill(CommandLine line, PrintStream out, PrintStream err) {
        CacheConfig config = config(line);
        long since;
        List<Integer> kinds;
        try {
            kinds = kinds(line.option("--kinds"));
            List<Integer> notIngested = kinds.stream().filter(k -> !config.ingestKinds().contains(k)).toList();
            if (!notIngested.isEmpty()) {
                throw new IllegalArgumentException("kinds " + notIngested + " are not in ingest_kinds " + config.ingestKinds());
            }
            if (line.option("--since") != null && line.option("--days") != null) {
                throw new IllegalArgumentException("give --since or --days, not both");
            }
            long now = System.currentTimeMillis() / 1000;
            if (line.option("--since") != null) {
                since = epochSeconds(line.option("--since"), false);
            } else {
                String days = line.option("--days");
                if (days != null && !days.matches("\\d{1,5}")) {
                    throw new IllegalArgumentException("--days needs a whole number of days, not '" + days + "'");
                }
                since = now - 86_400L * (days != null ? Integer.parseInt(days) : Math.max(1, config.backfillDays()));
            }
        } catch (IllegalArgumentException e) {
            err.println("backfill: " + e.getMessage());
            return 2;
        }
        String relay = line.option("--relay");
        if (relay != null && !relay.matches("wss?://\\S+")) {
            err.println("backfill: --relay needs a ws:// or wss:// URL, not '" + relay + "'");
            return 2;
        }
        if (relay == null && config.upstreamRelays().isEmpty()) {
            err.println("backfill: no upstream relays are configured; name one with --relay URL");
            return 2;
        }
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.PIPELINE)) {
            WorkerSettings settings = WorkerSettings.from(config);
            new RelayRepository(stack.dataSource()).registerConfigured(config.upstreamRelays());
            BackfillCommand.Report report = new BackfillCommand(settings, stack.dataSource(), stack::submit,
                    stack.publisher()::metricsLine).run(new BackfillCommand.Request(relay == null ? List.of() : List.of(relay),
                    since, kinds), Duration.ofHours(24), out);
            out.println("waiting for the functions to store everything...");
            boolean drained = stack.awaitDrained(Duration.ofMinutes(30));
            report.notes().forEach(note -> out.println("note: " + note));
            Map<String, Long> dead = stack.deadLetters();
            out.printf("backfill %s: %d relays, %,d events in %d pages in %.1f s%s%n",
                    report.complete() ? "finished" : "stopped before the end", report.relays(), report.events(),
                    report.pages(), report.seconds(), dead.isEmpty() ? "" : "; dead-lettered messages: " + dead);
            return report.complete() && drained && dead.isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("backfill failed: " + e);
            return 1;
        }
    }

    /** {@code 1,3,30023} as kinds; null or empty: none given. */
    private static List<Integer> kinds(String option) {
        if (option == null || option.isBlank()) {
            return List.of();
        }
        List<Integer> kinds = new ArrayList<>();
        for (String part : option.split(",")) {
            String kind = part.strip();
            if (!kind.matches("\\d{1,5}") || Integer.parseInt(kind) > 65535) {
                throw new IllegalArgumentException("--kinds needs kind numbers 0-65535 separated by commas, not '" + part + "'");
            }
            kinds.add(Integer.parseInt(kind));
        }
        return kinds;
    }

    /**
     * A moment as epoch seconds: seconds themselves, an ISO instant ({@code 2026-11-01T12:00:00Z}) or a date
     * ({@code 2026-11-01}: its first second, or with {@code endOfDay} its last, in UTC).
     */
    static long epochSeconds(String text, boolean endOfDay) {
        try {
            if (text.matches("\\d{1,12}")) {
                return Long.parseLong(text);
            }
            if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
                long start = LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
                return endOfDay ? start + 86_399 : start;
            }
            return Instant.parse(text).getEpochSecond();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a date (2026-11-01), an instant "
                    + "(2026-11-01T12:00:00Z) or epoch seconds");
        }
    }

    private static Backup.Target target(LocalStack stack, CacheConfig config) {
        return config.usesEmbeddedDatabase()
                ? Backup.Target.of(stack.jdbcUrl(), EmbeddedPostgresService.USER, null)
                : Backup.Target.of(stack.jdbcUrl(), config.databaseUser(), config.databasePassword());
    }

    private static String counts(LocalStack stack) throws SQLException {
        try (var c = stack.dataSource().getConnection(); var s = c.createStatement(); var rs = s.executeQuery(
                "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM profiles), (SELECT count(*) FROM follows)")) {
            rs.next();
            return rs.getLong(1) + " events, " + rs.getLong(2) + " profiles, " + rs.getLong(3) + " follow edges";
        }
    }

    private static int backup(CommandLine line, PrintStream out, PrintStream err) {
        Path file = Path.of(line.arguments().get(0));
        CacheConfig config = config(line);
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

    private static int restore(CommandLine line, PrintStream out, PrintStream err) {
        Path file = Path.of(line.arguments().get(0));
        if (!Files.isRegularFile(file)) {
            err.println("restore: no such backup file: " + file);
            return 2;
        }
        boolean force = line.flag("--force");
        CacheConfig config = config(line);
        try (LocalStack stack = LocalStack.start(config, LocalStack.Mode.DATABASE)) {
            if (new EventRepository(stack.dataSource()).count() > 0 && !force) {
                err.println("restore: the database already holds events; restoring replaces them all. Use --force "
                        + "to do it anyway, or restore into a fresh database_path.");
                return 2;
            }
            Backup.restore(target(stack, config), file, out);
            int migrated = Migrations.migrate(stack.dataSource());
            out.println("restored " + counts(stack) + " from " + file
                    + (migrated > 0 ? " and brought the schema up to date (" + migrated + " migrations)" : ""));
            return 0;
        } catch (Exception e) {
            err.println("restore failed: " + e.getMessage());
            return 1;
        }
    }

    private static int verifyStats(CommandLine line, PrintStream out, PrintStream err) {
        CacheConfig config = config(line);
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

    /**
     * Moves what the dead-letter queues hold (or one queue's, {@code --queue notes}) back to the queues it came
     * from, through the running runtime's queues when it runs, else through its own.
     */
    private static int redrive(CommandLine line, PrintStream out, PrintStream err) {
        CacheConfig config = config(line);
        String only = line.option("--queue");
        try (QueueAccess queues = QueueAccess.open(config, out)) {
            DeadLetters dead = queues.deadLetters();
            List<QueueSpec> specs;
            if (only != null) {
                Optional<QueueSpec> spec = dead.spec(only);
                if (spec.isEmpty()) {
                    err.println("redrive: no queue '" + only + "'; the queues are "
                            + Queues.all().stream().map(QueueSpec::name).toList());
                    return 2;
                }
                specs = List.of(spec.get());
            } else {
                specs = Queues.all();
            }
            long total = 0;
            for (QueueSpec spec : specs) {
                long waiting = dead.depth(spec.deadLetterQueueName(config.stackName()));
                if (waiting == 0) {
                    continue;
                }
                out.printf("moving %d messages from %s back to %s...%n", waiting, spec.deadLetterQueueName(config.stackName()),
                        spec.queueName(config.stackName()));
                long moved = dead.redrive(spec, n -> { });
                out.printf("  %d moved%n", moved);
                total += moved;
            }
            out.println(total == 0 ? "nothing to move: the dead-letter queues are empty"
                    : "moved " + total + " messages back; the functions take them from there");
            return 0;
        } catch (Exception e) {
            err.println("redrive failed: " + e.getMessage());
            return 1;
        }
    }

    private static int verify(CommandLine line, PrintStream out, PrintStream err) {
        String source = line.arguments().get(0);
        try (BufferedReader in = JsonLines.open(source, System.in)) {
            VerifyCommand.Summary summary = new VerifyCommand(Limits.DEFAULTS, Clock.systemUTC()).run(in, out);
            out.flush();
            return summary.invalid() == 0 ? 0 : 1;
        } catch (NoSuchFileException e) {
            err.println("verify: no such file: " + source);
            return 2;
        } catch (IOException e) {
            err.println("verify: cannot read " + source + ": " + e.getMessage());
            return 2;
        }
    }
}
