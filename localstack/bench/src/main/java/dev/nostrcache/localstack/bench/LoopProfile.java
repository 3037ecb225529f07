package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the machine did while one latency loop or one load (an ingest, an import) ran, so that a tail or a rate can be
 * put down to a component instead of guessed at: the JIT's compilation and the GC's pauses in this JVM (the runtime's,
 * the in-process clients' too), how long the runtime's runnable threads and PostgreSQL's processes waited for a CPU (Linux's
 * per-task run delay, the second field of {@code /proc/PID/task/TID/schedstat}), how busy the machine's CPUs were, and
 * the CPU time of this JVM and of PostgreSQL (its processes', those that ended meanwhile included), per request or per
 * event stored. On a two-core machine a C2 compilation or a third runnable thread takes a core from a request for a
 * scheduler slice (milliseconds), which is what a p99 of a few milliseconds is made of; a load that keeps both cores
 * busy goes only as fast as its CPU per event allows.
 */
final class LoopProfile {
    private static final int RAN = 0;
    private static final int WAITED = 1;
    /** The length of a clock tick of {@code /proc}'s process times: 10 ms where {@code getconf} cannot say. */
    private static final long NANOS_PER_TICK = 1_000_000_000L / clockTicksPerSecond();

    private final Path postgresData;
    private final long startedNanos;
    private final long jitMillis;
    private final long gcPauses;
    private final long gcPauseMillis;
    private final long jvmCpuNanos;
    private final Map<Path, Long> postgresCpu;
    private final long postgresReapedNanos;
    private final Map<Path, Long> runDelays;
    private final long[] machineTicks;

    private LoopProfile(Path postgresData) {
        this.postgresData = postgresData;
        List<Long> postgres = PostgresProcesses.of(postgresData);
        startedNanos = System.nanoTime();
        jitMillis = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        gcPauses = pauseBeans().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
        gcPauseMillis = pauseBeans().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
        jvmCpuNanos = jvmCpu();
        postgresCpu = ofProcesses(postgres, RAN);
        postgresReapedNanos = reapedChildrenNanos(postgres);
        runDelays = runDelays(postgres);
        machineTicks = machineTicks();
    }

    /** Starts watching; PostgreSQL is the server of {@code postgresData}. */
    static LoopProfile start(Path postgresData) {
        return new LoopProfile(postgresData);
    }

    /** Since {@link #start}: a sentence for a latency loop's row, or "(no /proc here)" where Linux's figures are missing. */
    String since(int requests) {
        return described(spent -> String.format(Locale.ROOT, "in its %.2f s: %s; CPU per request: JVM %.2f ms, PostgreSQL %.2f ms",
                spent.seconds(), spent.machine(), spent.jvmCpuSeconds() * 1e3 / requests,
                spent.postgresCpuSeconds() * 1e3 / requests));
    }

    /**
     * Since {@link #start}: a sentence for a load's row (an ingest, an import), the CPU each side took in all and per
     * event stored, or "(no /proc here)".
     */
    String load(long events) {
        return described(spent -> String.format(Locale.ROOT, "in its %.1f s: %s; CPU: JVM %.1f s, PostgreSQL %.1f s, per event %,.0f"
                        + " and %,.0f us", spent.seconds(), spent.machine(), spent.jvmCpuSeconds(),
                spent.postgresCpuSeconds(), spent.jvmCpuSeconds() * 1e6 / events, spent.postgresCpuSeconds() * 1e6 / events));
    }

    /** {@code sentence} of what was spent since {@link #start}, or "(no /proc here)" where Linux's figures are missing. */
    private String described(Function<Spent, String> sentence) {
        return Files.isReadable(Path.of("/proc/self/task")) ? sentence.apply(spent()) : "(no /proc here)";
    }

    /** What the machine, this JVM and PostgreSQL did since {@link #start}. */
    private record Spent(double seconds, String machine, double jvmCpuSeconds, double postgresCpuSeconds) {
    }

    private Spent spent() {
        List<Long> postgres = PostgresProcesses.of(postgresData);
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        long[] ticks = machineTicks();
        long total = 0;
        long idle = 0;
        for (int i = 0; i < Math.min(ticks.length, machineTicks.length); i++) {
            long d = ticks[i] - machineTicks[i];
            total += d;
            idle += i == 3 || i == 4 ? d : 0;
        }
        long pauses = pauseBeans().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum() - gcPauses;
        long pauseMillis = pauseBeans().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum() - gcPauseMillis;
        String machine = String.format(Locale.ROOT, "CPUs %d %% busy, runnable threads of the runtime waited %,d ms for a CPU,"
                        + " JIT compiling %,d ms, GC %d pauses %,d ms", total == 0 ? 0 : Math.round(100.0 * (total - idle) / total),
                growth(runDelays, runDelays(postgres)) / 1_000_000,
                ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMillis, pauses, pauseMillis);
        Map<Path, Long> postgresNow = ofProcesses(postgres, RAN);
        // A process gone meanwhile is among the reaped children with its whole life, of which this counts the rest.
        long goneProcessesBefore = postgresCpu.entrySet().stream().filter(p -> !postgresNow.containsKey(p.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        long postgresNanos = growth(postgresCpu, postgresNow)
                + Math.max(0, reapedChildrenNanos(postgres) - postgresReapedNanos - goneProcessesBefore);
        return new Spent(seconds, machine, (jvmCpu() - jvmCpuNanos) / 1e9, postgresNanos / 1e9);
    }

    /**
     * The collectors' pauses: G1's young and mixed ones, its full ones, and its concurrent cycles' Remark and Cleanup
     * ("G1 Concurrent GC" counts those two pauses, not the cycle: until 2026-12-07 they were left out, and a Remark that
     * unloads classes stops the runtime for 7-12 ms); ZGC's and Shenandoah's pauses, not their concurrent cycles.
     */
    static Stream<GarbageCollectorMXBean> pauseBeans() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().filter(gc -> !gc.getName().contains("Cycles"));
    }

    private static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The run delay of each of this JVM's threads and of the given processes (PostgreSQL's are single-threaded). */
    private static Map<Path, Long> runDelays(List<Long> processes) {
        Map<Path, Long> delays = ofProcesses(processes, WAITED);
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.map(task -> task.resolve("schedstat")).forEach(file -> delays.put(file, schedstat(file, WAITED)));
        } catch (IOException | RuntimeException e) {
            // no /proc: described() says so
        }
        return delays;
    }

    /** A schedstat field of each process, by its schedstat file. */
    private static Map<Path, Long> ofProcesses(List<Long> processes, int field) {
        Map<Path, Long> values = new HashMap<>();
        for (long pid : processes) {
            Path file = Path.of("/proc", Long.toString(pid), "schedstat");
            values.put(file, schedstat(file, field));
        }
        return values;
    }

    /** How much the tasks' figures grew: a task gone meanwhile counts nothing, a new one all it has. */
    private static long growth(Map<Path, Long> before, Map<Path, Long> after) {
        long sum = 0;
        for (var task : after.entrySet()) {
            sum += Math.max(0, task.getValue() - before.getOrDefault(task.getKey(), 0L));
        }
        return sum;
    }

    /** A field of a task's schedstat, in ns: {@link #RAN} on a CPU, {@link #WAITED} runnable for one. */
    private static long schedstat(Path file, int field) {
        try {
            return Long.parseLong(Files.readString(file).trim().split(" ")[field]);
        } catch (IOException | RuntimeException e) {
            return 0; // the thread or process ended meanwhile
        }
    }

    /**
     * The CPU time of the children PostgreSQL's postmaster (the first of {@code processes}) has reaped, user and system
     * ({@code /proc/PID/stat}'s cutime and cstime, in clock ticks): an autovacuum worker or a backend that
     * ended meanwhile is no longer among the processes whose run time is read.
     */
    private static long reapedChildrenNanos(List<Long> processes) {
        if (processes.isEmpty()) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(processes.getFirst()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command's closing parenthesis: state is field 3, so cutime (16) and cstime (17) are 13 and 14
            return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@code sysconf(_SC_CLK_TCK)} as {@code getconf CLK_TCK} prints it; Linux's USER_HZ of 100 where it cannot run. */
    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String printed = new String(getconf.getInputStream().readAllBytes()).trim();
            long ticks = getconf.waitFor() == 0 ? Long.parseLong(printed) : 0;
            return ticks > 0 ? ticks : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    /** The machine's CPU time by state ({@code /proc/stat}'s first line: user, nice, system, idle, iowait, ...). */
    private static long[] machineTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String cpu = lines.findFirst().orElse("cpu");
            return Stream.of(cpu.trim().split("\\s+")).skip(1).limit(8).mapToLong(Long::parseLong).toArray();
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }
}
