package dev.nostrcache.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL from zonky's embedded binaries, with its data directory under the configured path and kept between
 * starts. As root it runs initdb and postgres inside a user namespace, so no system account is needed.
 *
 * <p>Durable, as a database that holds what the queues no longer do must be: zonky starts the server for tests, with
 * {@code -F} (no fsync) and {@code synchronous_commit=off}; here both are turned back on. Ingest deletes a message
 * from its queue once its transaction has committed, so a commit acknowledged but not yet on disk would be lost for
 * good by a crash. Only the WebSocket connection state, which a crash ends anyway, is written without waiting for
 * the flush ({@code SubscriptionRepository}).
 */
final class EmbeddedPostgresService implements AutoCloseable {
    static final String DATABASE = "postgres";
    static final String USER = "postgres";
    /** The major version of the bundled binaries (zonky-postgres-binaries.version in the parent POM). */
    static final String MAJOR = "15";

    private final Path dataDirectory;
    private final boolean created;
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresService(Path dataDirectory, EmbeddedPostgres postgres, boolean created) {
        this.dataDirectory = dataDirectory;
        this.postgres = postgres;
        this.created = created;
    }

    static EmbeddedPostgresService start(Path dataDirectory, int port) throws IOException {
        Path version = dataDirectory.resolve("PG_VERSION");
        boolean fresh = !Files.exists(version);
        if (!fresh && !Files.readString(version).strip().equals(MAJOR)) {
            throw new IOException("the data directory " + dataDirectory + " was created by PostgreSQL "
                    + Files.readString(version).strip() + ", but this build runs PostgreSQL " + MAJOR + ": move it away"
                    + " (or set database_path) and import the events again with './run.sh import' (a pg_dump of the"
                    + " old server needs that version's client tools)");
        }
        Files.createDirectories(dataDirectory);
        return new EmbeddedPostgresService(dataDirectory, launch(dataDirectory, port), fresh);
    }

    private static EmbeddedPostgres launch(Path dataDirectory, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("listen_addresses", LocalAws.HOST)
                // After zonky's -F on the command line, so it wins.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on");
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /** Stops the server and starts it again on the same port and data: what a database restart looks like. */
    synchronized void restart(Duration down) throws IOException, InterruptedException {
        int port = postgres.getPort();
        postgres.close();
        Thread.sleep(down.toMillis());
        postgres = launch(dataDirectory, port);
    }

    /**
     * Kills the server's processes with SIGKILL (the postmaster and every backend: a power cut as far as PostgreSQL
     * can tell, short of the kernel's own buffers), waits {@code down}, and starts it again on the same data, which
     * PostgreSQL recovers from its WAL.
     */
    synchronized void crash(Duration down) throws IOException, InterruptedException {
        int port = postgres.getPort();
        long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle process = ProcessHandle.of(postmaster).orElseThrow(
                () -> new IOException("no postmaster runs with the pid " + postmaster));
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().join();
        }
        try {
            postgres.close();  // pg_ctl finds nothing to stop; this frees zonky's lock on the directory
        } catch (IOException e) {
            // expected: the server is gone already
        }
        Thread.sleep(down.toMillis());
        postgres = launch(dataDirectory, port);
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE);
    }

    int port() {
        return postgres.getPort();
    }

    /** Whether this start created the data directory (false: an earlier start's data was found). */
    boolean createdDataDirectory() {
        return created;
    }

    @Override
    public synchronized void close() throws IOException {
        postgres.close();
    }
}
