package dev.nostrcache.functions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** On Lambda every invocation ends with its metrics printed in CloudWatch's embedded metric format. */
class LambdaMetricsTest extends LambdaEnvironment {
    @AfterAll
    static void forgetTheFunctionName() {
        System.clearProperty("AWS_LAMBDA_FUNCTION_NAME");
    }

    @Test
    void anInvocationPrintsItsDurationAsEmf() throws Exception {
        System.setProperty("AWS_LAMBDA_FUNCTION_NAME", "nostr-cache-health");
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String event = "{\"version\":\"2.0\",\"routeKey\":\"GET /health\",\"rawPath\":\"/health\",\"requestContext\":"
                + "{\"http\":{\"method\":\"GET\",\"path\":\"/health\"}},\"isBase64Encoded\":false}";
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            new FunctionInvoker("health").handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(), null);
        } finally {
            System.setOut(original);
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(output.lines().filter(l -> l.startsWith("{\"_aws\"")))
                .anySatisfy(line -> assertThat(line).contains("\"function\":\"health\"").contains("\"outcome\":\"ok\"")
                        .contains("\"nostr_cache_invocations_count\":1.0"));
    }
}
