package dev.nostrcache.functions.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/** The shapes every HTTP function answers with: JSON bodies (errors as {@code {"error": ...}}) and redirects. */
final class HttpResponses {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpResponses() {
    }

    static APIGatewayV2HTTPResponse json(int status, Object body) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        headers.put("Access-Control-Allow-Origin", "*");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(headers)
                .withBody(JSON.writeValueAsString(body)).build();
    }

    static APIGatewayV2HTTPResponse error(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        return json(status, body);
    }

    static APIGatewayV2HTTPResponse redirect(String location, String cacheControl) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Location", location);
        headers.put("Cache-Control", cacheControl);
        headers.put("Access-Control-Allow-Origin", "*");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(302).withHeaders(headers).withBody("").build();
    }

    static String method(APIGatewayV2HTTPEvent request) {
        return request.getRequestContext() == null || request.getRequestContext().getHttp() == null ? ""
                : request.getRequestContext().getHttp().getMethod();
    }

    static String pathParameter(APIGatewayV2HTTPEvent request, String name) {
        Map<String, String> parameters = request.getPathParameters();
        return parameters == null ? null : parameters.get(name);
    }

    static String queryParameter(APIGatewayV2HTTPEvent request, String name) {
        Map<String, String> parameters = request.getQueryStringParameters();
        return parameters == null ? null : parameters.get(name);
    }

    static String header(APIGatewayV2HTTPEvent request, String lowerCaseName) {
        Map<String, String> headers = request.getHeaders();
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(lowerCaseName)) {
                return h.getValue();
            }
        }
        return null;
    }

    static String body(APIGatewayV2HTTPEvent request) {
        String body = request.getBody();
        if (body == null) {
            return "";
        }
        return request.getIsBase64Encoded()
                ? new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8) : body;
    }
}
