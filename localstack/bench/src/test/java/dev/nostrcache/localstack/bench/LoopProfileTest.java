package dev.nostrcache.localstack.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** A loop's profile counts what happened during the loop: CPU taken, threads kept waiting, a GC pause. */
class LoopProfileTest {
    private static final Pattern PROFILE = Pattern.compile("in its ([0-9.]+) s: CPUs ([0-9]+) % busy, runnable threads of"
            + " the runtime waited ([0-9,]+) ms for a CPU, JIT compiling ([0-9,]+) ms, GC ([0-9]+) pauses ([0-9,]+) ms;"
            + " CPU per request: JVM ([0-9.]+) ms, PostgreSQL ([0-9.]+) ms");

    @Test
    void moreBusyThreadsThanCoresWaitForACpuAndAnExplicitGcIsAPause() throws Exception {
        LoopProfile loop = LoopProfile.start(Path.of("/nonexistent-postgres-data"));
        int threads = Runtime.getRuntime().availableProcessors() + 2;
        long until = System.nanoTime() + 600_000_000L;
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            busy.add(Thread.ofPlatform().start(() -> {
                long x = 0;
                while (System.nanoTime() < until) {
                    x += x * 31 + 7;
                }
                if (x == 42) {
                    System.out.println(x);
                }
            }));
        }
        for (Thread t : busy) {
            t.join();
        }
        System.gc();
        Matcher m = PROFILE.matcher(loop.since(100));
        assertThat(m.matches()).as(loop.since(100)).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(0.6);
        assertThat(Integer.parseInt(m.group(2))).as("CPUs busy").isGreaterThan(50);
        assertThat(Long.parseLong(m.group(3).replace(",", ""))).as("waits for a CPU").isGreaterThan(0);
        assertThat(Integer.parseInt(m.group(5))).as("GC pauses").isGreaterThanOrEqualTo(1);
        // threads x 0.6 s of CPU over 100 requests; at least the cores' worth ran
        assertThat(Double.parseDouble(m.group(7))).as("JVM CPU per request, ms").isGreaterThan(6.0 * Runtime.getRuntime().availableProcessors() * 0.5);
        assertThat(m.group(8)).as("no PostgreSQL serves that directory").isEqualTo("0.00");
    }
}
