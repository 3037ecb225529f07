package dev.nostrcache.functions.ws;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.nostrcache.infra.relay.RelayConnections;

import java.util.Map;

/**
 * Adapts the WebSocket API's routes to {@link RelayConnections}: {@code $connect} admits the connection,
 * {@code $disconnect} removes it with its subscriptions, {@code $default} answers each client message through the
 * management API.
 */
public final class RelayHandler {
    private final RelayConnections relay;
    private final String endpointOverride;

    /**
     * @param endpointOverride the management API endpoint to answer through, or null to derive it from each event
     *                         ({@code https://<domainName>/<stage>}, as on AWS)
     */
    public RelayHandler(RelayConnections relay, String endpointOverride) {
        this.relay = relay;
        this.endpointOverride = endpointOverride;
    }

    public APIGatewayV2WebSocketResponse connect(APIGatewayV2WebSocketEvent event) {
        var context = event.getRequestContext();
        String sourceIp = context.getIdentity() == null ? null : context.getIdentity().getSourceIp();
        return response(switch (relay.connect(context.getConnectionId(), endpoint(event), sourceIp, header(event, "User-Agent"))) {
            case ACCEPTED -> 200;
            case REFUSED -> 403;
            case FAILED -> 500;
        });
    }

    public APIGatewayV2WebSocketResponse disconnect(APIGatewayV2WebSocketEvent event) {
        relay.disconnect(event.getRequestContext().getConnectionId());
        return response(200);
    }

    public APIGatewayV2WebSocketResponse message(APIGatewayV2WebSocketEvent event) {
        relay.message(endpoint(event), event.getRequestContext().getConnectionId(), event.getBody());
        return response(200);
    }

    private String endpoint(APIGatewayV2WebSocketEvent event) {
        if (endpointOverride != null) {
            return endpointOverride;
        }
        var context = event.getRequestContext();
        return "https://" + context.getDomainName() + "/" + context.getStage();
    }

    private static String header(APIGatewayV2WebSocketEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static APIGatewayV2WebSocketResponse response(int status) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        return response;
    }
}
