package dev.nostrcache.worker;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.aws.DatabaseSecret;
import dev.nostrcache.infra.aws.SqsEventPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * The worker as its own process (the ECS service). Configuration comes from the environment
 * ({@code NOSTR_CACHE_DATABASE_URL}, {@code NOSTR_CACHE_UPSTREAM_RELAYS}, {@code NOSTR_CACHE_STACK_NAME}, ...); SQS
 * from the standard SDK chain (region, credentials, {@code AWS_ENDPOINT_URL_SQS}). SIGTERM stops it cleanly.
 */
public final class WorkerMain {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        CacheConfig config = ConfigLoader.load(Arrays.asList(args), System.getenv(), Path.of("").toAbsolutePath());
        HikariDataSource dataSource;
        String secretArn = System.getenv().getOrDefault("DATABASE_SECRET_ARN", "");
        if (!secretArn.isBlank()) {
            // On ECS: the same secret as the functions (the template passes its ARN and the proxy's host).
            DatabaseSecret secret = DatabaseSecret.read(secretArn, System.getenv("DATABASE_HOST"));
            dataSource = DataSources.forLocal(secret.jdbcUrl(), secret.user(), secret.password());
        } else if (config.databaseUrl() != null) {
            dataSource = DataSources.forLocal(config.databaseUrl(), config.databaseUser(), config.databasePassword());
        } else {
            System.err.println("the worker needs DATABASE_SECRET_ARN, or NOSTR_CACHE_DATABASE_URL (and _USER, _PASSWORD)");
            System.exit(2);
            return;
        }
        SqsClient sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
        SqsEventPublisher publisher = new SqsEventPublisher(sqs, SqsEventPublisher.lookUpQueueUrls(sqs, config.stackName()),
                WorkerSettings.from(config).maxPending(), SqsEventPublisher.SENDER_THREADS, SqsEventPublisher.LINGER);
        IngestWorker worker = new IngestWorker(WorkerSettings.from(config), dataSource, publisher::submit, publisher::metricsLine);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping: closing relay connections and flushing pending events");
            worker.close();
            try {
                publisher.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            worker.saveProgress();
            dataSource.close();
            stopped.countDown();
        }, "shutdown"));
        worker.start();
        stopped.await();
    }
}
