package dev.nostrcache.infra.aws;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Reads a secret's string from AWS Secrets Manager (on AWS the admin token and the database credentials live there,
 * not in the environment): one signed {@code GetSecretValue} call, made with the SDK's SigV4 signer, credentials and
 * region chains and HTTP client. The Secrets Manager client itself would add 0.75 MB of request and response models
 * for the one call (docs/benchmarks.md, the Lambda artifact). The endpoint follows the SDK's rules for emulators:
 * {@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, then {@code AWS_ENDPOINT_URL} (or their {@code aws.endpointUrl...}
 * system properties), else the regional endpoint.
 */
public final class Secrets {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MILLIS = 50;

    private Secrets() {
    }

    public static String read(String secretArn) {
        String region = new DefaultAwsRegionProviderChain().getRegion().id();
        AwsCredentialsIdentity credentials;
        try (DefaultCredentialsProvider provider = DefaultCredentialsProvider.builder().build()) {
            credentials = provider.resolveCredentials();
        }
        URI endpoint = endpoint(region);
        byte[] body = JSON.writeValueAsBytes(JSON.createObjectNode().put("SecretId", secretArn));
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "secretsmanager.GetSecretValue").build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "secretsmanager")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpExecuteRequest call = HttpExecuteRequest.builder().request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null)).build();
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            // As the SDK's client did: a network failure, a throttle or a server error is tried again, briefly.
            for (int attempt = 1; ; attempt++) {
                try {
                    HttpExecuteResponse response = http.prepareRequest(call).call();
                    int status = response.httpResponse().statusCode();
                    if ((status < 500 && status != 429) || attempt == ATTEMPTS) {
                        return secretString(secretArn, status, answer(response));
                    }
                } catch (IOException e) {
                    if (attempt == ATTEMPTS) {
                        throw new UncheckedIOException("could not reach Secrets Manager at " + endpoint, e);
                    }
                }
                Thread.sleep(RETRY_PAUSE_MILLIS << attempt);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + secretArn, e);
        }
    }

    private static String answer(HttpExecuteResponse response) throws IOException {
        try (InputStream in = response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String secretString(String secretArn, int status, String body) {
        JsonNode answer;
        try {
            answer = body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalStateException("Secrets Manager answered HTTP " + status + " with something that is not JSON", e);
        }
        if (status / 100 != 2) {
            throw new IllegalStateException("Secrets Manager refused to read " + secretArn + ": HTTP " + status + " "
                    + answer.path("__type").asString("") + " "
                    + answer.path("message").asString(answer.path("Message").asString("")));
        }
        if (!answer.path("SecretString").isString()) {
            throw new IllegalStateException("the secret " + secretArn + " has no string value");
        }
        return answer.get("SecretString").asString();
    }

    private static URI endpoint(String region) {
        for (String[] setting : new String[][]{{"aws.endpointUrlSecretsManager", "AWS_ENDPOINT_URL_SECRETS_MANAGER"},
                {"aws.endpointUrl", "AWS_ENDPOINT_URL"}}) {
            String value = System.getProperty(setting[0], System.getenv(setting[1]));
            if (value != null && !value.isBlank()) {
                return URI.create(value);
            }
        }
        return URI.create("https://secretsmanager." + region + ".amazonaws.com");
    }
}
