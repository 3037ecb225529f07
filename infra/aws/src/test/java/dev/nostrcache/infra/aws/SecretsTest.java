package dev.nostrcache.infra.aws;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The one Secrets Manager call, against a loopback stand-in scripted per request: signed as the SDK signs, tried again
 * on a server error, and every failure said with its reason. (MotoTest reads a real secret from moto.)
 */
class SecretsTest {
    private static final Map<String, String> LAMBDA_ENVIRONMENT = Map.of("aws.region", "us-east-1",
            "aws.accessKeyId", "AKIDEXAMPLE", "aws.secretAccessKey", "secret");
    private HttpServer server;
    private final List<Map.Entry<Integer, String>> script = new CopyOnWriteArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", exchange -> {
            int n = requests.getAndIncrement();
            seen.add(exchange.getRequestHeaders().getFirst("X-Amz-Target") + " | "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " | "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            Map.Entry<Integer, String> answer = script.get(Math.min(n, script.size() - 1));
            byte[] body = answer.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.getKey(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        LAMBDA_ENVIRONMENT.forEach(System::setProperty);
        System.setProperty("aws.endpointUrl", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
        LAMBDA_ENVIRONMENT.keySet().forEach(System::clearProperty);
        System.clearProperty("aws.endpointUrl");
    }

    @Test
    void aSignedCallReadsTheSecretStringAndAServerErrorIsTriedAgain() {
        script.add(Map.entry(503, "{\"__type\":\"InternalServiceError\"}"));
        script.add(Map.entry(200, "{\"ARN\":\"arn:x\",\"SecretString\":\"the token\"}"));
        assertThat(Secrets.read("arn:aws:secretsmanager:us-east-1:1:secret:admin")).isEqualTo("the token");
        assertThat(requests.get()).isEqualTo(2);
        assertThat(seen.get(1)).startsWith("secretsmanager.GetSecretValue | AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/us-east-1/secretsmanager/aws4_request").endsWith("{\"SecretId\":\"arn:aws:secretsmanager:us-east-1:1:secret:admin\"}");
    }

    @Test
    void aRefusalIsNotTriedAgainAndSaysWhy() {
        script.add(Map.entry(400, "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find it\"}"));
        assertThatThrownBy(() -> Secrets.read("arn:missing")).isInstanceOf(IllegalStateException.class)
                .hasMessage("Secrets Manager refused to read arn:missing: HTTP 400 ResourceNotFoundException Secrets Manager can't find it");
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void serverErrorsGiveUpAfterThreeAttemptsAndOddAnswersAreNamed() {
        script.add(Map.entry(500, "<html>proxy error</html>"));
        assertThatThrownBy(() -> Secrets.read("arn:x")).hasMessage("Secrets Manager answered HTTP 500 with something that is not JSON");
        assertThat(requests.get()).isEqualTo(3);
        script.clear();
        script.add(Map.entry(200, "{\"SecretBinary\":\"AAEC\"}"));
        assertThatThrownBy(() -> Secrets.read("arn:binary")).hasMessage("the secret arn:binary has no string value");
    }
}
