package dev.nostrcache.functions.testing;

import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.storage.EventRepository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The events Lambda delivers to each function of {@code template.yaml}, one file per function under
 * {@code functions/src/test/resources/lambda-events/} (API Gateway WebSocket and HTTP API 2.0 events, SQS batches with
 * their attributes, EventBridge schedules, a CloudFormation custom-resource request; shapes as AWS publishes them, the
 * payloads real signed events from the shared test data), and what each function must answer to them. Used in this
 * JVM (FunctionInvoker on the test class path) and in a fresh JVM on the Lambda artifact alone.
 */
public final class LambdaFixtures {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DEFINITION = Pattern.compile("SPRING_CLOUD_FUNCTION_DEFINITION:\\s*(\\w+)");
    /** The connection of the WebSocket fixtures (as API Gateway writes connection ids). */
    public static final String CONNECTION_ID = "Ab1cDeF2gHIjkLp=";

    private LambdaFixtures() {
    }

    public static Path directory() {
        return TestData.repoRoot().resolve("functions/src/test/resources/lambda-events");
    }

    /** Every function the template declares, in the template's order. */
    public static List<String> templateFunctions() {
        Matcher m = DEFINITION.matcher(read(TestData.repoRoot().resolve("template.yaml")));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The fixture files there are, by function name. */
    public static List<String> fixtureNames() {
        try (var files = Files.list(directory())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The order a deployment meets them in: the schema first, then ingest (so the reads find data), a WebSocket
     * connection's three routes in their order, then the rest as the template lists them.
     */
    public static List<String> invocationOrder() {
        List<String> functions = new ArrayList<>(templateFunctions());
        functions.sort(Comparator.comparingInt(LambdaFixtures::phase));
        return functions;
    }

    private static int phase(String function) {
        return switch (function) {
            case "migrateDatabase" -> 0;
            case "wsConnect" -> 2;
            case "wsDefault" -> 3;
            case "wsDisconnect" -> 4;
            default -> function.startsWith("ingest") ? 1 : 5;
        };
    }

    /** The event for {@code function}, with each {@code ${KEY}} replaced by its value. */
    public static String event(String function, Map<String, String> substitutions) {
        String event = read(directory().resolve(function + ".json"));
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            event = event.replace("${" + s.getKey() + "}", s.getValue());
        }
        return event;
    }

    /** The ids of the Nostr events an SQS fixture carries (bodies of one or more event JSONs, one per line). */
    public static List<String> eventIds(String function) {
        List<String> ids = new ArrayList<>();
        for (JsonNode record : JSON.readTree(event(function, Map.of())).path("Records")) {
            for (String line : record.path("body").asString().split("\n")) {
                JsonNode event = JSON.readTree(line);
                if (event.has("sig")) {
                    ids.add(event.path("id").asString());
                }
            }
        }
        return ids;
    }

    /**
     * Checks what {@code function} answered ({@code output}, the bytes FunctionInvoker wrote) and what it did: the
     * database, and the requests {@code recorder} took for CloudFormation and the management API.
     */
    public static void check(String function, byte[] output, DataSource ds, FixtureRecorder recorder) throws SQLException {
        JsonNode answer = JSON.readTree(output);
        String as = function + " answered " + new String(output, StandardCharsets.UTF_8);
        if (function.startsWith("ingest")) {
            assertThat(answer.path("batchItemFailures").isEmpty()).as(as).isTrue();
            EventRepository events = new EventRepository(ds);
            for (String id : eventIds(function)) {
                assertThat(events.findJson(id)).as(function + " stores " + id).isPresent();
            }
            return;
        }
        switch (function) {
            case "migrateDatabase" -> assertThat(recorder.awaitCloudFormation()).as(function)
                    .contains("\"Status\":\"SUCCESS\"").contains("\"LogicalResourceId\":\"DatabaseMigration\"");
            case "avatarWorker" -> assertThat(answer.path("batchItemFailures").isEmpty()).as(as).isTrue();
            case "wsConnect", "wsDisconnect" -> assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(200);
            case "wsDefault" -> {
                assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(200);
                assertThat(recorder.awaitPost(CONNECTION_ID, "[\"EOSE\",\"fixture\"]")).as(function + " posts the answer")
                        .isTrue();
            }
            case "relayInfo" -> {
                assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(200);
                assertThat(JSON.readTree(answer.path("body").asString()).path("supported_nips").isArray()).as(as).isTrue();
            }
            case "health" -> {
                assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(200);
                assertThat(answer.path("body").asString()).as(as).contains("\"database\":\"ok\"");
            }
            case "profilePic" -> {
                // A pubkey with no stored profile (and no upstream relay to ask): a clear 404, nothing fetched.
                assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(404);
                assertThat(answer.path("body").asString()).as(as).contains("no profile found");
            }
            case "avatarJobs" -> {
                // The contact list stored by the ingestContacts fixture: a job for its follows' pictures.
                assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(202);
                assertThat(answer.path("body").asString()).as(as).contains("\"status\":\"accepted\"");
            }
            case "avatarAdmin" -> assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(403);
            case "examplePage" -> {
                assertThat(answer.path("statusCode").asInt()).as(as).isEqualTo(200);
                assertThat(answer.path("body").asString()).as(as).contains("<html");
            }
            case "trendingScores" -> assertThat(answer.has("ranked")).as(as).isTrue();
            case "cleanup" -> assertThat(answer.isObject()).as(as).isTrue();
            default -> throw new AssertionError("no expectation written for " + function + ": add one here");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
