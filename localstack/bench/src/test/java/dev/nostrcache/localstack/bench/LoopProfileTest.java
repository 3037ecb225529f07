package dev.nostrcache.localstack.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A loop's or a load's profile counts what happened meanwhile: CPU taken, threads kept waiting, a GC pause, and
 * PostgreSQL's CPU, a backend's that ended meanwhile included.
 */
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

    @Test
    void g1sRemarkAndCleanupPausesAreCounted() {
        List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList();
        assumeTrue(collectors.contains("G1 Young Generation"), "this JVM runs G1: " + collectors);
        // G1's bean for its concurrent cycles counts their two pauses (Remark, Cleanup), not the concurrent work
        assertThat(LoopProfile.pauseBeans().map(GarbageCollectorMXBean::getName))
                .containsExactlyInAnyOrder("G1 Young Generation", "G1 Old Generation", "G1 Concurrent GC");
    }

    private static final Pattern LOAD = Pattern.compile("in its ([0-9.]+) s: CPUs ([0-9]+) % busy, runnable threads of"
            + " the runtime waited ([0-9,]+) ms for a CPU, JIT compiling ([0-9,]+) ms, GC ([0-9]+) pauses ([0-9,]+) ms;"
            + " CPU: JVM ([0-9.]+) s, PostgreSQL ([0-9.]+) s, per event ([0-9,]+) and ([0-9,]+) us");

    @Test
    void aLoadCountsTheCpuOfABackendThatEndedMeanwhile(@TempDir Path data) throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(data.resolve("pg"))
                .setCleanDataDirectory(true).start()) {
            LoopProfile load = LoopProfile.start(data.resolve("pg"));
            // a connection of its own: its backend exits when it closes, before the profile is read
            try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sum(length(md5(g::text))) FROM generate_series(1, 2000000) g")) {
                rs.next();
            }
            Thread.sleep(500);
            String sentence = load.load(1_000);
            Matcher m = LOAD.matcher(sentence);
            assertThat(m.matches()).as(sentence).isTrue();
            double postgresSeconds = Double.parseDouble(m.group(8));
            assertThat(postgresSeconds).as("the ended backend's CPU, s: " + sentence).isGreaterThanOrEqualTo(0.3);
            assertThat(Long.parseLong(m.group(10).replace(",", ""))).as("PostgreSQL's CPU per event, us")
                    .isCloseTo(Math.round(postgresSeconds * 1e3), within(60L));
        }
    }
}
