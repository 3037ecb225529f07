package dev.nostrcache.functions;

import dev.nostrcache.functions.http.AdminCredential;
import dev.nostrcache.infra.avatar.AvatarBucket;
import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.avatar.AvatarSettings;
import dev.nostrcache.infra.config.Secrets;
import dev.nostrcache.infra.relay.UpstreamQuery;
import dev.nostrcache.infra.avatar.SqsAvatarQueue;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.db.DatabaseSecret;
import dev.nostrcache.infra.db.LazyDataSource;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.OutageRetry;
import dev.nostrcache.infra.ws.ApiGatewayMessenger;
import dev.nostrcache.infra.ws.ConnectionMessenger;
import dev.nostrcache.infra.metrics.EmbeddedMetricFormat;
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
import java.util.Arrays;

/**
 * The adapters the functions use, built from the Lambda environment ({@code DATABASE_URL}, {@code DATABASE_USER},
 * {@code DATABASE_PASSWORD}, {@code AVATAR_QUEUE_URL}, {@code AVATAR_BUCKET}, {@code UPSTREAM_RELAYS}, the avatar
 * settings and {@code ADMIN_TOKEN_SECRET_ARN}). The local runtime registers its own instances first, and these
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
        return new EventSubmitter(() -> SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                env.getProperty("EVENT_QUEUE_URL_PREFIX", ""));
    }

    /** How long a message waits on its queue while the database is away: {@code OUTAGE_RETRY_SECONDS}, doubled per retry. */
    @Bean
    @ConditionalOnMissingBean
    OutageRetry outageRetry(Environment env) {
        return new OutageRetry(Duration.ofSeconds(env.getProperty("OUTAGE_RETRY_SECONDS", Integer.class,
                (int) OutageRetry.DEFAULT_BASE.toSeconds())));
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
    AvatarSettings avatarSettings(Environment env) {
        Duration refresh = Duration.ofDays(env.getProperty("CACHE_EXPIRATION_DAYS", Integer.class, 30));
        // S3 expires the objects after AVATAR_OBJECT_EXPIRATION_DAYS; a day's margin before that, fetch again first.
        Duration objects = Duration.ofDays(env.getProperty("AVATAR_OBJECT_EXPIRATION_DAYS", Integer.class, 60));
        return new AvatarSettings(true, Duration.ofSeconds(env.getProperty("AVATAR_URL_LIFETIME_SECONDS", Integer.class, 3600)),
                !"error".equals(env.getProperty("AVATAR_ORIGIN_FAILURE", "redirect")),
                Duration.ofSeconds(env.getProperty("AVATAR_RETRY_SECONDS", Integer.class, 3600)), refresh,
                objects.minusDays(1), Duration.ofSeconds(env.getProperty("AVATAR_REDIRECT_CACHE_SECONDS", Integer.class, 30)),
                AvatarSettings.fetcherSettings(false));
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    AvatarBucket avatarBucket(Environment env) {
        return new AvatarBucket(S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build(),
                S3Presigner.create(), env.getRequiredProperty("AVATAR_BUCKET"));
    }

    @Bean
    @Lazy
    @ConditionalOnMissingBean
    UpstreamQuery upstreamQuery(Environment env) {
        return new UpstreamQuery(Arrays.stream(env.getProperty("UPSTREAM_RELAYS", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                Duration.ofSeconds(env.getProperty("UPSTREAM_QUERY_SECONDS", Integer.class, 5)));
    }

    /** The purge endpoints' token: from the secret {@code ADMIN_TOKEN_SECRET_ARN}, read on the first admin request. */
    @Bean
    @ConditionalOnMissingBean
    AdminCredential adminCredential(Environment env) {
        String arn = env.getProperty("ADMIN_TOKEN_SECRET_ARN", "");
        return new AdminCredential(() -> arn.isBlank() ? null : Secrets.read(arn));
    }
}
