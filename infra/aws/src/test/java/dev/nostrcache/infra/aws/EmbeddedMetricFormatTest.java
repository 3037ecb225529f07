package dev.nostrcache.infra.aws;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedMetricFormatTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void eachFlushWritesWhatChangedSinceTheLastAsCloudWatchMetrics() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EmbeddedMetricFormat emf = new EmbeddedMetricFormat(registry);
        registry.counter("nostr_cache.events", "function", "ingestNotes", "outcome", "stored").increment(7);
        registry.timer("nostr_cache.invocations", "function", "ingestNotes", "outcome", "ok").record(Duration.ofMillis(40));

        List<String> first = emf.flush(1_700_000_000_000L);
        assertThat(first).hasSize(2);
        JsonNode events = first.stream().map(JSON::readTree).filter(n -> n.has("nostr_cache_events")).findFirst().orElseThrow();
        assertThat(events.get("nostr_cache_events").asDouble()).isEqualTo(7);
        assertThat(events.get("function").asString()).isEqualTo("ingestNotes");
        JsonNode directive = events.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asString()).isEqualTo("nostr-cache");
        assertThat(directive.get("Dimensions").get(0).toString()).isEqualTo("[\"function\",\"outcome\"]");
        assertThat(directive.get("Metrics").get(0).get("Name").asString()).isEqualTo("nostr_cache_events");
        assertThat(events.get("_aws").get("Timestamp").asLong()).isEqualTo(1_700_000_000_000L);
        JsonNode timer = first.stream().map(JSON::readTree).filter(n -> n.has("nostr_cache_invocations_ms")).findFirst().orElseThrow();
        assertThat(timer.get("nostr_cache_invocations_count").asDouble()).isEqualTo(1);
        assertThat(timer.get("nostr_cache_invocations_ms").asDouble()).isEqualTo(40);

        assertThat(emf.flush(1_700_000_001_000L)).as("nothing changed").isEmpty();
        registry.counter("nostr_cache.events", "function", "ingestNotes", "outcome", "stored").increment(2);
        assertThat(JSON.readTree(emf.flush(1_700_000_002_000L).getFirst()).get("nostr_cache_events").asDouble())
                .as("the increase, not the total").isEqualTo(2);
    }
}
