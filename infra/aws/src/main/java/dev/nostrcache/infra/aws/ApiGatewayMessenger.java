package dev.nostrcache.infra.aws;

import dev.nostrcache.infra.relay.ConnectionMessenger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers through API Gateway's management API ({@code PostToConnection}), one client per endpoint. Locally the
 * endpoint is the local gateway, which serves the same API.
 */
public final class ApiGatewayMessenger implements ConnectionMessenger, AutoCloseable {
    private final Map<String, ApiGatewayManagementApiClient> clients = new ConcurrentHashMap<>();
    private final Function<URI, ApiGatewayManagementApiClient> factory;

    public ApiGatewayMessenger(Function<URI, ApiGatewayManagementApiClient> factory) {
        this.factory = factory;
    }

    /** Clients from the default SDK chain (region and credentials of the Lambda environment). */
    public static ApiGatewayMessenger withDefaults() {
        return new ApiGatewayMessenger(endpoint -> ApiGatewayManagementApiClient.builder().endpointOverride(endpoint)
                .httpClient(UrlConnectionHttpClient.create()).build());
    }

    @Override
    public boolean send(String endpoint, String connectionId, byte[] utf8Message) {
        ApiGatewayManagementApiClient client = clients.computeIfAbsent(endpoint, e -> factory.apply(URI.create(e)));
        try {
            client.postToConnection(r -> r.connectionId(connectionId).data(SdkBytes.fromByteArrayUnsafe(utf8Message)));
            return true;
        } catch (GoneException e) {
            return false;
        }
    }

    @Override
    public void close() {
        clients.values().forEach(ApiGatewayManagementApiClient::close);
    }
}
