package dev.nostrcache.infra.queue;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventBundleTest {

    @Test
    void realEventsComeBackExactlyAsJoined() throws Exception {
        List<String> events = TestData.lines("workload-events.jsonl").stream().limit(300).toList();
        assertThat(EventBundle.split(EventBundle.join(events))).containsExactlyElementsOf(events);
        assertThat(EventBundle.split(events.getFirst())).containsExactly(events.getFirst());
    }

    @Test
    void newlinesBetweenTokensAndBracketsOrQuotesInsideStringsKeepAnEventWhole() {
        String pretty = "{\n  \"content\": \"} ] \\\" { \\\\\",\n  \"tags\": [[\"t\", \"[x\"]]\n}";
        String other = "{\"content\":\"second\"}";
        assertThat(EventBundle.split(EventBundle.join(List.of(pretty, other)))).containsExactly(pretty, other);
    }

    @Test
    void garbageComesBackAsItsOwnPartForTheParserToRefuse() {
        assertThat(EventBundle.split("{\"a\":1}trailing\nnot json\n{\"b\":")).containsExactly(
                "{\"a\":1}", "trailing", "not json", "{\"b\":");
        assertThat(EventBundle.split("  \n ")).isEmpty();
    }
}
