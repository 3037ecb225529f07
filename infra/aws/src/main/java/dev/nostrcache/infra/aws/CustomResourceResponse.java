package dev.nostrcache.infra.aws;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The answer a CloudFormation custom resource owes its stack: a PUT of {@code SUCCESS} or {@code FAILED} to the
 * presigned {@code ResponseURL} of the request. Without it the stack waits an hour, so it is sent whatever happened.
 */
public final class CustomResourceResponse {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Sends the outcome of {@code request}; {@code reason} is shown in the stack's events when it failed. */
    public void send(JsonNode request, boolean success, String reason, String physicalId, Map<String, ?> data)
            throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("Status", success ? "SUCCESS" : "FAILED");
        body.put("Reason", reason == null ? "" : reason.length() > 500 ? reason.substring(0, 500) : reason);
        body.put("PhysicalResourceId", physicalId);
        body.put("StackId", request.path("StackId").asString(""));
        body.put("RequestId", request.path("RequestId").asString(""));
        body.put("LogicalResourceId", request.path("LogicalResourceId").asString(""));
        body.set("Data", JSON.valueToTree(data));
        // The presigned URL is signed without a content type: send none.
        HttpRequest put = HttpRequest.newBuilder(URI.create(request.path("ResponseURL").asString()))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "")
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response = http.send(put, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("CloudFormation refused the response: HTTP " + response.statusCode() + " " + response.body());
        }
    }
}
