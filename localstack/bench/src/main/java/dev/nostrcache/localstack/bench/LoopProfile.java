package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the machine did while one latency loop ran, so that a tail can be put down to a component instead of guessed
 * at: the JIT's compilation and the GC's pauses in this JVM (the runtime's, the JDK clients' too), how long the
 * runtime's runnable threads and PostgreSQL's processes waited for a CPU (Linux's per-task run delay, the second field
 * of {@code /proc/PID/task/TID/schedstat}), how busy the machine's CPUs were, and the CPU time of this JVM and of
 * PostgreSQL per request. On a two-core machine a C2 compilation or a third runnable thread takes a core from a
 * request for a scheduler slice (milliseconds), which is what a p99 of a few milliseconds is made of.
 */
final class LoopProfile {
    private static final int RAN = 0;
    private static final int WAITED = 1;

    private final Path postgresData;
    private final long startedNanos;
    private final long jitMillis;
    private final long gcPauses;
    private final long gcPauseMillis;
    private final long jvmCpuNanos;
    private final Map<Path, Long> postgresCpu;
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
        runDelays = runDelays(postgres);
        machineTicks = machineTicks();
    }

    /** Starts watching; PostgreSQL is the server of {@code postgresData}. */
    static LoopProfile start(Path postgresData) {
        return new LoopProfile(postgresData);
    }

    /** Since {@link #start}: a sentence for the table, or "(no /proc here)" where Linux's figures are missing. */
    String since(int requests) {
        if (!Files.isReadable(Path.of("/proc/self/task"))) {
            return "(no /proc here)";
        }
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
        double postgresCpuMillis = growth(postgresCpu, ofProcesses(postgres, RAN)) / 1e6;
        return String.format("in its %.2f s: CPUs %d %% busy, runnable threads of the runtime waited %,d ms for a CPU,"
                        + " JIT compiling %,d ms, GC %d pauses %,d ms; CPU per request: JVM %.2f ms, PostgreSQL %.2f ms",
                seconds, total == 0 ? 0 : Math.round(100.0 * (total - idle) / total),
                growth(runDelays, runDelays(postgres)) / 1_000_000,
                ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMillis, pauses, pauseMillis,
                (jvmCpu() - jvmCpuNanos) / 1e6 / requests, postgresCpuMillis / requests);
    }

    /** The collectors that stop the application (G1's young and mixed/full ones, ZGC's pauses), not concurrent cycles. */
    private static Stream<GarbageCollectorMXBean> pauseBeans() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> !gc.getName().contains("Concurrent") && !gc.getName().contains("Cycles"));
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
            // no /proc: since() says so
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
