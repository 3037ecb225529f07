package dev.nostrcache.functions;

import dev.nostrcache.functions.http.HttpRoute;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP functions on the Lambda path (FunctionInvoker, payload format 2.0 JSON), with the Lambda environment of a
 * deployment that has no bucket or secret configured: what must work without them does, and nothing builds an AWS
 * client it does not use.
 */
class HttpFunctionsTest extends LambdaEnvironment {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static JsonNode invoke(HttpRoute route, String path, Map<String, String> pathParameters,
                                   Map<String, String> headers) throws Exception {
        return invoke(route, path, pathParameters, headers, null);
    }

    private static JsonNode invoke(HttpRoute route, String path, Map<String, String> pathParameters,
                                   Map<String, String> headers, String body) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", route.routeKey());
        event.put("rawPath", path);
        event.put("rawQueryString", "");
        ObjectNode h = event.putObject("headers");
        headers.forEach(h::put);
        if (!pathParameters.isEmpty()) {
            ObjectNode p = event.putObject("pathParameters");
            pathParameters.forEach(p::put);
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("routeKey", route.routeKey());
        context.putObject("http").put("method", route.method()).put("path", path).put("sourceIp", "192.0.2.1");
        event.put("isBase64Encoded", false);
        if (body != null) {
            event.put("body", body);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new FunctionInvoker(route.function()).handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void healthAnswersFromTheDatabase() throws Exception {
        JsonNode r = invoke(HttpRoute.HEALTH, "/health", Map.of(), Map.of());
        assertThat(r.get("statusCode").asInt()).isEqualTo(200);
        assertThat(JSON.readTree(r.get("body").asString()).get("database").asString()).isEqualTo("ok");
    }

    @Test
    void aBadPubkeyIsRefusedBeforeAnyAdapterIsBuilt() throws Exception {
        JsonNode r = invoke(HttpRoute.PROFILE_PIC, "/profile-pic/nope", Map.of("pubkey", "nope"), Map.of());
        assertThat(r.get("statusCode").asInt()).isEqualTo(400);
        assertThat(r.get("headers").get("Content-Type").asString()).isEqualTo("application/json");
        assertThat(JSON.readTree(r.get("body").asString()).get("error").asString()).contains("not a pubkey");
    }

    @Test
    void withoutAnAdminSecretPurgesAreRefused() throws Exception {
        JsonNode r = invoke(HttpRoute.PURGE_CACHE, "/purge-cache/all", Map.of("cacheType", "all"),
                Map.of("authorization", "Bearer guess"));
        assertThat(r.get("statusCode").asInt()).isEqualTo(403);
        assertThat(r.get("body").asString()).contains("no admin token is configured");
    }

    @Test
    void theExamplePageIsServedWithAStrictPolicy() throws Exception {
        JsonNode r = invoke(HttpRoute.EXAMPLE_PAGE, "/profile-pic-example.html", Map.of(), Map.of());
        assertThat(r.get("statusCode").asInt()).isEqualTo(200);
        assertThat(r.get("headers").get("Content-Type").asString()).startsWith("text/html");
        assertThat(r.get("headers").get("Content-Security-Policy").asString()).contains("default-src 'self'");
        assertThat(r.get("body").asString()).contains("/profile-pic/").contains("fallbackPicture");
    }

    @Test
    void aBodyOfAnyJsonShapeReachesTheFunctionAsTheEventsBody() throws Exception {
        // Spring Cloud Function calls a function once per element of a JSON-array body unless it reads its own event.
        for (String body : new String[]{"[1,2]", "[]", "[{\"pubkeys\":[]}]", "\"text\"", "42", "null"}) {
            JsonNode health = invoke(HttpRoute.HEALTH, "/health", Map.of(), Map.of(), body);
            assertThat(health.get("statusCode").asInt()).as("GET /health with %s", body).isEqualTo(200);
            JsonNode pic = invoke(HttpRoute.PROFILE_PIC, "/profile-pic/nope", Map.of("pubkey", "nope"),
                    Map.of("payload", "[1]", "contentType", "text/plain"), body);
            assertThat(pic.get("statusCode").asInt()).as("GET /profile-pic/nope with %s", body).isEqualTo(400);
            JsonNode info = invoke(HttpRoute.RELAY_INFO, "/", Map.of(), Map.of("accept", "application/nostr+json"), body);
            assertThat(info.get("statusCode").asInt()).as("NIP-11 with %s", body).isEqualTo(200);
        }
    }
}
