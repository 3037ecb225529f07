package dev.nostrcache.functions;

import dev.nostrcache.functions.http.AdminCredential;
import dev.nostrcache.infra.avatar.AvatarBucket;
import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.avatar.AvatarSettings;
import dev.nostrcache.infra.aws.Secrets;
import dev.nostrcache.infra.net.UpstreamQuery;
import dev.nostrcache.infra.aws.SqsAvatarQueue;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.aws.DatabaseSecret;
import dev.nostrcache.infra.db.LazyDataSource;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.OutageRetry;
import dev.nostrcache.infra.aws.ApiGatewayMessenger;
import dev.nostrcache.infra.relay.ConnectionMessenger;
import dev.nostrcache.infra.relay.KnownEvents;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.aws.EmbeddedMetricFormat;
import dev.nostrcache.infra.aws.S3AvatarBucket;
import dev.nostrcache.infra.aws.SqsEventSubmitter;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigLoader;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;

/**
 * The adapters the functions use, built from the Lambda environment: the settings of the catalog
 * ({@link ConfigLoader#fromLambdaEnvironment}), and the resources the template wires in ({@code DATABASE_SECRET_ARN}
 * or {@code DATABASE_URL}, {@code AVATAR_QUEUE_URL}, {@code AVATAR_BUCKET}, {@code EVENT_QUEUE_URL_PREFIX},
 * {@code ADMIN_TOKEN_SECRET_ARN}). The local runtime registers its own instances first, and these
 * definitions then step aside. The avatar adapters are lazy: only the functions that use them build them.
 */
@Configuration(proxyBeanMethods = false)
class Infrastructure {

    /**
     * The database: from the secret {@code DATABASE_SECRET_ARN} (RDS JSON; {@code DATABASE_HOST} overrides its host,
     * e.g. with the RDS Proxy), else {@code DATABASE_URL}, {@code DATABASE_USER} and {@code DATABASE_PASSWORD}. Built
     * on first use, never at initialisation (SnapStart).
     */
    @Bean
    @ConditionalOnMissingBean
    DataSource dataSource(Environment env) {
        String secretArn = env.getProperty("DATABASE_SECRET_ARN", "");
        if (!secretArn.isBlank()) {
            String host = env.getProperty("DATABASE_HOST", "");
            return new LazyDataSource(() -> {
                DatabaseSecret secret = DatabaseSecret.read(secretArn, host);
                return DataSources.forLambda(secret.jdbcUrl(), secret.user(), secret.password());
            });
        }
        return DataSources.forLambda(env.getRequiredProperty("DATABASE_URL"), env.getProperty("DATABASE_USER"),
                env.getProperty("DATABASE_PASSWORD"));
    }

    /** The settings: each from its variable ({@code CACHE_EXPIRATION_DAYS}, ...), else the catalog's default. */
    @Bean
    @ConditionalOnMissingBean
    CacheConfig cacheConfig(Environment env) {
        return ConfigLoader.fromLambdaEnvironment(env::getProperty);
    }

    @Bean
    @ConditionalOnMissingBean
    AvatarQueue avatarQueue(Environment env) {
        String queueUrl = env.getProperty("AVATAR_QUEUE_URL");
        if (queueUrl == null || queueUrl.isBlank()) {
            return AvatarQueue.NONE;
        }
        return new SqsAvatarQueue(SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(), queueUrl);
    }

    @Bean
    @ConditionalOnMissingBean
    ConnectionMessenger connectionMessenger() {
        return ApiGatewayMessenger.withDefaults();
    }

    /** Where client-published events go: the kind-group queues, {@code EVENT_QUEUE_URL_PREFIX + group}. */
    @Bean
    @ConditionalOnMissingBean
    EventSubmitter eventSubmitter(Environment env) {
        return new SqsEventSubmitter(() -> SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                env.getProperty("EVENT_QUEUE_URL_PREFIX", ""));
    }

    /** Whether a published event is stored already: asked at once, as a function must not return with a lookup pending. */
    @Bean
    @ConditionalOnMissingBean
    KnownEvents knownEvents(DataSource dataSource) {
        return KnownEvents.direct(new EventRepository(dataSource));
    }

    /** How long a message waits on its queue while the database is away: {@code OUTAGE_RETRY_SECONDS}, doubled per retry. */
    @Bean
    @ConditionalOnMissingBean
    OutageRetry outageRetry(CacheConfig config) {
        return new OutageRetry(Duration.ofSeconds(config.outageRetrySeconds()));
    }

    /** The meters: on Lambda kept in memory and printed after each invocation (EMF); locally Prometheus's. */
    @Bean
    @ConditionalOnMissingBean
    MeterRegistry meterRegistry() {
        return new SimpleMeterRegistry();
    }

    @Bean
    InvocationMetrics invocationMetrics(MeterRegistry registry, Environment env) {
        boolean lambda = env.getProperty("AWS_LAMBDA_FUNCTION_NAME") != null;
        return new InvocationMetrics(registry, lambda ? new EmbeddedMetricFormat(registry) : null, System.out);
    }

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    AvatarSettings avatarSettings(CacheConfig config) {
        return AvatarSettings.from(config);
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    AvatarBucket avatarBucket(Environment env) {
        return new S3AvatarBucket(S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                S3Presigner.create(), env.getRequiredProperty("AVATAR_BUCKET"));
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    UpstreamQuery upstreamQuery(CacheConfig config) {
        return new UpstreamQuery(config.upstreamRelays(), Duration.ofSeconds(config.upstreamQuerySeconds()));
    }

    /** The purge endpoints' token: from the secret {@code ADMIN_TOKEN_SECRET_ARN}, read on the first admin request. */
    @Bean
    @ConditionalOnMissingBean
    AdminCredential adminCredential(Environment env) {
        String arn = env.getProperty("ADMIN_TOKEN_SECRET_ARN", "");
        return new AdminCredential(() -> arn.isBlank() ? null : Secrets.read(arn));
    }
}
