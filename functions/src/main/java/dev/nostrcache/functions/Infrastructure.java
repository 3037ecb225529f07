package dev.nostrcache.functions;

import dev.nostrcache.infra.avatar.AvatarRefreshRequests;
import dev.nostrcache.infra.avatar.SqsAvatarRefreshRequests;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.ws.ApiGatewayMessenger;
import dev.nostrcache.infra.ws.ConnectionMessenger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import javax.sql.DataSource;
import java.time.Clock;

/**
 * The adapters the functions use, built from the Lambda environment ({@code DATABASE_URL}, {@code DATABASE_USER},
 * {@code DATABASE_PASSWORD}, {@code AVATAR_QUEUE_URL}). The local runtime registers its own instances first, and
 * these definitions then step aside.
 */
@Configuration(proxyBeanMethods = false)
class Infrastructure {

    @Bean
    @ConditionalOnMissingBean
    DataSource dataSource(Environment env) {
        return DataSources.forLambda(env.getRequiredProperty("DATABASE_URL"), env.getProperty("DATABASE_USER"),
                env.getProperty("DATABASE_PASSWORD"));
    }

    @Bean
    @ConditionalOnMissingBean
    AvatarRefreshRequests avatarRefreshRequests(Environment env) {
        String queueUrl = env.getProperty("AVATAR_QUEUE_URL");
        if (queueUrl == null || queueUrl.isBlank()) {
            return AvatarRefreshRequests.NONE;
        }
        return new SqsAvatarRefreshRequests(SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).build(), queueUrl);
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

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
