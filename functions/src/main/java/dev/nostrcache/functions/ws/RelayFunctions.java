package dev.nostrcache.functions.ws;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.nostrcache.core.Limits;
import dev.nostrcache.infra.primal.PrimalApi;
import dev.nostrcache.infra.query.EventQueries;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.ws.ConnectionMessenger;
import dev.nostrcache.infra.ws.SubscriptionRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The WebSocket API's three routes: {@code $connect}, {@code $disconnect}, {@code $default}. */
@Configuration(proxyBeanMethods = false)
public class RelayFunctions {

    @Bean
    RelayHandler relayHandler(DataSource dataSource, ConnectionMessenger messenger, EventSubmitter submitter,
                              Clock clock, Environment env, List<ConnectionPolicy> policies, PrimalApi primal,
                              io.micrometer.core.instrument.MeterRegistry metrics) {
        return new RelayHandler(new SubscriptionRepository(dataSource),
                new EventQueries(dataSource, Limits.DEFAULTS.maxLimit()), new EventRepository(dataSource), messenger,
                submitter, primal, metrics, Limits.DEFAULTS, clock, env.getProperty("MANAGEMENT_API_ENDPOINT"), policies);
    }

    /**
     * Primal's cache API. Its default relays are {@code UPSTREAM_RELAYS}; profile pictures in its media metadata link
     * to {@code HTTP_API_URL}{@code profile-pic/...} (none when unset).
     */
    @Bean
    PrimalApi primalApi(DataSource dataSource, EventSubmitter submitter, Clock clock, Environment env) {
        List<String> relays = java.util.Arrays.stream(env.getProperty("UPSTREAM_RELAYS", "").split(","))
                .map(String::strip).filter(r -> !r.isEmpty()).toList();
        String httpApi = env.getProperty("HTTP_API_URL", "");
        return new PrimalApi(dataSource, submitter, relays,
                httpApi.isBlank() ? null : (httpApi.endsWith("/") ? httpApi : httpApi + "/"), clock);
    }

    @Bean
    ConnectionPolicy blockedSourceIps(Environment env) {
        Set<String> blocked = new HashSet<>();
        for (String ip : env.getProperty("BLOCKED_SOURCE_IPS", "").split(",")) {
            if (!ip.isBlank()) {
                blocked.add(ip.strip());
            }
        }
        return ConnectionPolicy.blockSourceIps(blocked);
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
