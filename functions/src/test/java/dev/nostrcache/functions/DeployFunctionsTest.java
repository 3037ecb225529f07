package dev.nostrcache.functions;

import com.sun.net.httpserver.HttpServer;
import dev.nostrcache.functions.deploy.DeployFunctions;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The migration custom resource on the Lambda path, answering a CloudFormation response URL on loopback. */
class DeployFunctionsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private HttpServer cloudFormation;
    private final BlockingQueue<String> responses = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        cloudFormation.createContext("/response", exchange -> {
            responses.add(exchange.getRequestMethod() + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        cloudFormation.start();
        System.setProperty("MAIN_CLASS", CacheFunctions.class.getName());
    }

    @AfterEach
    void stop() {
        cloudFormation.stop(0);
    }

    private JsonNode invoke(String requestType) throws Exception {
        String event = "{\"RequestType\":\"" + requestType + "\",\"ResponseURL\":\"http://127.0.0.1:"
                + cloudFormation.getAddress().getPort() + "/response?X-Amz-Signature=x\",\"StackId\":\"arn:aws:cloudformation:us-east-1:000000000000:stack/nostr-cache/1\","
                + "\"RequestId\":\"req-1\",\"LogicalResourceId\":\"DatabaseMigration\",\"ResourceType\":\"Custom::DatabaseMigration\","
                + "\"ResourceProperties\":{\"ServiceToken\":\"arn\",\"Migrations\":\"V3\"}}";
        new FunctionInvoker(DeployFunctions.MIGRATE).handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null);
        String response = responses.poll(10, TimeUnit.SECONDS);
        assertThat(response).as("CloudFormation always gets an answer").isNotNull().startsWith("PUT ");
        return JSON.readTree(response.substring(4));
    }

    @Test
    void createMigratesAnEmptyDatabaseAndSaysSo() throws Exception {
        String url = TestDatabase.freshJdbcUrl();
        System.setProperty("DATABASE_URL", url);
        System.setProperty("DATABASE_USER", "postgres");
        JsonNode answer = invoke("Create");
        assertThat(answer.get("Status").asString()).isEqualTo("SUCCESS");
        assertThat(answer.get("RequestId").asString()).isEqualTo("req-1");
        assertThat(answer.get("LogicalResourceId").asString()).isEqualTo("DatabaseMigration");
        assertThat(answer.get("Data").get("Applied").asInt()).isPositive();
        try (var ds = DataSources.forLocal(url, "postgres", null); Connection c = ds.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM events")) {
            assertThat(rs.next()).isTrue();
        }
        assertThat(invoke("Update").get("Data").get("Applied").asInt()).as("nothing left to apply").isZero();
        assertThat(invoke("Delete").get("Status").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void aDatabaseThatCannotBeReachedFailsTheDeployWithTheReason() throws Exception {
        System.setProperty("DATABASE_URL", "jdbc:postgresql://127.0.0.1:9/nowhere");
        JsonNode answer = invoke("Create");
        assertThat(answer.get("Status").asString()).isEqualTo("FAILED");
        assertThat(answer.get("Reason").asString()).startsWith("migration failed");
    }
}
