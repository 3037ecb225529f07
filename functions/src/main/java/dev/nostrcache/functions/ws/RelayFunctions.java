package dev.nostrcache.functions.ws;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.primal.PrimalApi;
import dev.nostrcache.infra.primal.PrimalRequests;
import dev.nostrcache.infra.net.UpstreamQuery;
import dev.nostrcache.infra.query.EventQueries;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.relay.ConnectionMessenger;
import dev.nostrcache.infra.relay.ConnectionPolicy;
import dev.nostrcache.infra.relay.KnownEvents;
import dev.nostrcache.infra.relay.RelayConnections;
import dev.nostrcache.infra.relay.SubscriptionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The WebSocket API's three routes: {@code $connect}, {@code $disconnect}, {@code $default}. */
@Configuration(proxyBeanMethods = false)
public class RelayFunctions {

    @Bean
    RelayHandler relayHandler(DataSource dataSource, ConnectionMessenger messenger, EventSubmitter submitter,
                              Clock clock, Environment env, List<ConnectionPolicy> policies, PrimalApi primal,
                              MeterRegistry metrics, CacheConfig config, KnownEvents known) {
        SubscriptionRepository subscriptions = new SubscriptionRepository(dataSource);
        Limits limits = config.limits();
        RelayConnections relay = new RelayConnections(subscriptions, new EventQueries(dataSource, limits.maxLimit()),
                known, messenger, submitter,
                new PrimalRequests(primal, subscriptions, metrics, limits), metrics, limits, clock, policies);
        return new RelayHandler(relay, env.getProperty("MANAGEMENT_API_ENDPOINT"));
    }

    /**
     * Primal's cache API. Its default relays are the upstream relays, which it also asks for the profiles an answer
     * names that the cache lacks (within {@code profile_lookup_ms}); profile pictures in its media metadata link
     * to {@code HTTP_API_URL}{@code profile-pic/...} (none when unset).
     */
    @Bean
    PrimalApi primalApi(DataSource dataSource, EventSubmitter submitter, Clock clock, CacheConfig config, Environment env) {
        String httpApi = env.getProperty("HTTP_API_URL", "");
        UpstreamQuery profileLookup = config.profileLookupMs() == 0 ? null
                : new UpstreamQuery(config.upstreamRelays(), Duration.ofMillis(config.profileLookupMs()));
        return new PrimalApi(dataSource, submitter, config.upstreamRelays(),
                httpApi.isBlank() ? null : (httpApi.endsWith("/") ? httpApi : httpApi + "/"), clock, profileLookup,
                config.homeLatestOf());
    }

    @Bean
    ConnectionPolicy blockedSourceIps(CacheConfig config) {
        return ConnectionPolicy.blockSourceIps(Set.copyOf(config.blockedSourceIps()));
    }

    @Bean
    Function<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> wsConnect(RelayHandler relay) {
        return relay::connect;
    }

    @Bean
    Function<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> wsDisconnect(RelayHandler relay) {
        return relay::disconnect;
    }

    @Bean
    Function<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> wsDefault(RelayHandler relay) {
        return relay::message;
    }
}
