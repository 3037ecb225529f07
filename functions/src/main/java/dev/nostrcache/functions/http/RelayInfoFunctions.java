package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.nostrcache.core.Limits;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;
import java.io.InputStream;
import java.util.HashMap;
import java.util.function.Function;

/**
 * NIP-11: the relay information document, with {@code limitation} values that are the limits actually enforced
 * (they come from the same {@link Limits}), and the CORS headers NIP-11 requires. A plain {@code GET /} (a browser)
 * gets a line of text saying what is here.
 */
@Configuration(proxyBeanMethods = false)
public class RelayInfoFunctions {
    static final Map<String, String> CORS = Map.of(
            "Access-Control-Allow-Origin", "*",
            "Access-Control-Allow-Headers", "*",
            "Access-Control-Allow-Methods", "GET, OPTIONS");

    /** The document for {@code limits}. */
    static String document(Limits limits) {
        return "{\"name\":\"nostr-cache\",\"description\":\"A Nostr cache: profiles, follows, notes and exact statistics, "
                + "served to NIP-01 and Primal clients.\",\"version\":\"0.1.0\",\"supported_nips\":[1,9,11,40,45,50,65],\"limitation\":{"
                + "\"max_message_length\":" + limits.maxMessageBytes()
                + ",\"max_subscriptions\":" + limits.maxSubscriptions()
                + ",\"max_limit\":" + limits.maxLimit()
                + ",\"default_limit\":" + limits.maxLimit()
                + ",\"max_subid_length\":" + limits.maxSubscriptionIdLength()
                + ",\"max_content_length\":" + limits.maxEventBytes()
                + ",\"created_at_upper_limit\":" + limits.maxFutureSeconds()
                + ",\"auth_required\":false,\"payment_required\":false,\"restricted_writes\":false}}";
    }

    @Bean
    Function<InputStream, APIGatewayV2HTTPResponse> relayInfo() {
        String body = document(Limits.DEFAULTS);
        return HttpFunctions.reading(request -> {
            boolean preflight = request.getRequestContext() != null && request.getRequestContext().getHttp() != null
                    && "OPTIONS".equals(request.getRequestContext().getHttp().getMethod());
            Map<String, String> headers = new HashMap<>(CORS);
            String accept = HttpResponses.header(request, "accept");
            if (!preflight && (accept == null || !accept.contains("application/nostr+json"))) {
                headers.put("Content-Type", "text/plain; charset=utf-8");
                return APIGatewayV2HTTPResponse.builder().withStatusCode(200).withHeaders(headers)
                        .withBody("nostr-cache: connect a Nostr client to this address over WebSocket; ask with "
                                + "Accept: application/nostr+json for the relay information (NIP-11); pictures at "
                                + "/profile-pic/<pubkey>, a demo at /profile-pic-example.html\n").build();
            }
            if (!preflight) {
                headers.put("Content-Type", "application/nostr+json");
            }
            return APIGatewayV2HTTPResponse.builder().withStatusCode(preflight ? 204 : 200).withHeaders(headers)
                    .withBody(preflight ? "" : body).build();
        });
    }
}
