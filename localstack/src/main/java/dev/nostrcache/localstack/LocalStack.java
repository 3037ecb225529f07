package dev.nostrcache.localstack;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.storage.AvatarBucket;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The whole system in one JVM on embedded stand-ins: PostgreSQL (zonky, or an external database when
 * {@code database_url} is set), SQS (ElasticMQ) and S3 (S3Proxy), every one on loopback. Closing it stops
 * everything it started, in reverse order.
 */
public final class LocalStack implements AutoCloseable {
    private final CacheConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private EmbeddedPostgresService postgres;
    private EmbeddedSqsService sqs;
    private EmbeddedS3Service s3;
    private HikariDataSource dataSource;
    private String jdbcUrl;
    private int migrationsApplied;

    private LocalStack(CacheConfig config) {
        this.config = config;
    }

    /** Starts every stand-in; on any failure stops what had started and rethrows. */
    public static LocalStack start(CacheConfig config) throws Exception {
        LocalStack stack = new LocalStack(config);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        String user = config.databaseUser();
        String password = config.databasePassword();
        if (config.usesEmbeddedDatabase()) {
            postgres = remember(EmbeddedPostgresService.start(config.databasePath(), config.databasePort()));
            jdbcUrl = postgres.jdbcUrl();
            user = EmbeddedPostgresService.USER;
            password = null;
        } else {
            jdbcUrl = config.databaseUrl();
        }
        dataSource = remember(DataSources.forLocal(jdbcUrl, user, password));
        migrationsApplied = Migrations.migrate(dataSource);
        sqs = remember(EmbeddedSqsService.start(config.sqsPort(), config.stackName()));
        s3 = remember(EmbeddedS3Service.start(config.mediaCachePath(), config.s3Port(),
                AvatarBucket.localName(config.stackName())));
    }

    private <T extends AutoCloseable> T remember(T service) {
        started.push(service);
        return service;
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public URI sqsEndpoint() {
        return sqs.endpoint();
    }

    public Map<String, String> queueUrls() {
        return sqs.queueUrls();
    }

    public URI s3Endpoint() {
        return s3.endpoint();
    }

    public String bucket() {
        return s3.bucket();
    }

    /** Prints what runs where, and how to point tools at it. */
    public void describe(PrintStream out) {
        out.println("nostr-cache local runtime is up");
        if (postgres != null) {
            out.printf("  PostgreSQL  %s  (embedded; data in %s, %s)%n", jdbcUrl, config.databasePath(),
                    postgres.createdDataDirectory() ? "created now" : "reused from an earlier start");
        } else {
            out.printf("  PostgreSQL  %s  (external)%n", jdbcUrl);
        }
        out.printf("              schema up to date (%d migration%s applied now)%n", migrationsApplied,
                migrationsApplied == 1 ? "" : "s");
        out.printf("  SQS         %s  (ElasticMQ; %d queues including dead-letter queues)%n", sqs.endpoint(),
                sqs.queueUrls().size());
        out.printf("  S3          %s  (S3Proxy; bucket %s, files in %s)%n", s3.endpoint(), s3.bucket(),
                config.mediaCachePath());
        out.printf("  Tools:      AWS_ENDPOINT_URL_SQS=%s AWS_ENDPOINT_URL_S3=%s AWS_REGION=%s "
                        + "AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s%n",
                sqs.endpoint(), s3.endpoint(), LocalAws.REGION, LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY);
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
