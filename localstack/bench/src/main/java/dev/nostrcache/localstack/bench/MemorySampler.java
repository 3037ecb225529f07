package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory of the whole local runtime, sampled once a second while it runs: this JVM plus every PostgreSQL
 * process serving {@code dataDirectory}. Proportional set sizes (PSS, Linux's {@code smaps_rollup}) are summed, so
 * PostgreSQL's shared buffers count once rather than once per backend. Not more often: reading the JVM's
 * {@code smaps_rollup} walks its page tables, about 20 ms of a core for 1.1 GB resident (four times a second, 8 % of a
 * core taken from the ingest it measured).
 */
final class MemorySampler implements AutoCloseable {
    /** A peak and what it was made of, in MiB. */
    record Peak(long totalMiB, long jvmMiB, long postgresMiB) {
    }

    private final Path dataDirectory;
    private final Thread thread;
    private final AtomicLong peakTotal = new AtomicLong();
    private final AtomicLong peakJvm = new AtomicLong();
    private final AtomicLong peakPostgres = new AtomicLong();
    private volatile boolean running = true;

    MemorySampler(Path dataDirectory) {
        this.dataDirectory = dataDirectory;
        thread = Thread.ofPlatform().daemon().name("memory-sampler").start(this::sample);
    }

    /** False where there is no {@code /proc/self/smaps_rollup} (not Linux): nothing can be sampled. */
    static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/smaps_rollup"));
    }

    private void sample() {
        while (running) {
            long jvm = pssKiB(ProcessHandle.current().pid());
            long postgres = PostgresProcesses.of(dataDirectory).stream().mapToLong(MemorySampler::pssKiB).sum();
            if (jvm + postgres > peakTotal.get()) {
                peakTotal.set(jvm + postgres);
                peakJvm.set(jvm);
                peakPostgres.set(postgres);
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long pssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }

    Peak peak() {
        return new Peak(peakTotal.get() / 1024, peakJvm.get() / 1024, peakPostgres.get() / 1024);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(1_000);
    }
}
