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

/** A {@link PrimalApi} over a test database at a fixed time, that must submit nothing, and a way to call its ops. */
final class TestApis {
    static final JsonMapper JSON = JsonMapper.builder().build();

    private TestApis() {
    }

    static PrimalApi over(DataSource ds, long nowSeconds) {
        EventSubmitter unused = new EventSubmitter() {
            @Override
            public void submit(String json, int kind, String source) {
                throw new AssertionError("nothing is submitted here");
            }

            @Override
            public void requeue(QueueGroup group, String body, Map<String, String> attributes, Duration delay) {
                throw new AssertionError("nothing is requeued here");
            }
        };
        return new PrimalApi(ds, unused, List.of(), null, Clock.fixed(Instant.ofEpochSecond(nowSeconds), ZoneOffset.UTC));
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
