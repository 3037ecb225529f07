package dev.nostrcache.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * PostgreSQL from zonky's embedded binaries, with its data directory under the configured path and kept between
 * starts. As root it runs initdb and postgres inside a user namespace, so no system account is needed.
 */
final class EmbeddedPostgresService implements AutoCloseable {
    static final String DATABASE = "postgres";
    static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final boolean created;

    private EmbeddedPostgresService(EmbeddedPostgres postgres, boolean created) {
        this.postgres = postgres;
        this.created = created;
    }

    static EmbeddedPostgresService start(Path dataDirectory, int port) throws IOException {
        boolean fresh = !Files.exists(dataDirectory.resolve("PG_VERSION"));
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(30))
                .setServerConfig("listen_addresses", LocalAws.HOST);
        if (port > 0) {
            builder.setPort(port);
        }
        return new EmbeddedPostgresService(builder.start(), fresh);
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
    public void close() throws IOException {
        postgres.close();
    }
}
