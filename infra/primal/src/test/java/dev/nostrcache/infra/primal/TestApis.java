package dev.nostrcache.infra.primal;

import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.queue.QueueGroup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@link PrimalApi} over a test database at a fixed time, that must submit nothing, and a way to call its ops. */
final class TestApis {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private TestApis() {
    }

    /** A submitter for tests where nothing may be submitted or requeued. */
    static final EventSubmitter NOTHING_SUBMITTED = new EventSubmitter() {
        @Override
        public void submit(String json, int kind, String source) {
            throw new AssertionError("nothing is submitted in these tests");
        }

        @Override
        public void requeue(QueueGroup group, String body, Map<String, String> attributes, Duration delay) {
            throw new AssertionError("nothing is requeued in these tests");
        }
    };

    static PrimalApi over(DataSource ds, long nowSeconds) {
        return new PrimalApi(ds, NOTHING_SUBMITTED, List.of(), null, Clock.fixed(Instant.ofEpochSecond(nowSeconds), ZoneOffset.UTC));
    }

    /** The content of the one object of {@code kind} an answer holds, read as JSON. */
    static JsonNode onlyContent(List<JsonNode> objects, int kind) {
        assertThat(objects).hasSize(1);
        assertThat(objects.getFirst().get("kind").asInt()).isEqualTo(kind);
        return JSON.readTree(objects.getFirst().get("content").asString());
    }

    /** The objects {@code op} answers with {@code params} (a JSON object). */
    static List<JsonNode> call(PrimalApi api, String op, String params) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String o : ((PrimalApi.Result.Objects) api.answer(op, JSON.readTree(params))).objects()) {
            out.add(JSON.readTree(o));
        }
        return out;
    }
}
