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

    @Test
    void charactersSqsRefusesAreEscapedAndTheEventStaysTheSame() throws Exception {
        var parser = new dev.nostrcache.core.event.EventParser(dev.nostrcache.core.Limits.DEFAULTS);
        String text = "a\uFFFEb\uFFFF \uFDD0 \uD83F\uDFFE \uDBFF\uDFFF";
        var event = dev.nostrcache.core.testing.TestKeys.signer(3).sign(1_700_000_000L, 1, List.of(List.of("t", text)), text);
        String safe = EventBundle.sqsSafe(event.toJson());
        assertThat(safe).doesNotContain("\uFFFE", "\uFFFF").contains("\\ufffe", "\\uffff")
                .contains("\uFDD0", "\uD83F\uDFFE", "\uDBFF\uDFFF");
        var parsed = parser.parse(safe);
        assertThat(parsed.content()).isEqualTo(text);
        assertThat(parsed.toJson()).as("the same event, the same NIP-01 bytes").isEqualTo(event.toJson());
        new dev.nostrcache.core.event.EventVerifier(new dev.nostrcache.core.crypto.BouncyCastleSchnorr(),
                dev.nostrcache.core.Limits.DEFAULTS, java.time.Clock.systemUTC()).verify(parsed);
        assertThat(EventBundle.split(EventBundle.join(List.of(event.toJson(), "{\"x\":1}"))))
                .containsExactly(safe, "{\"x\":1}");
        String plain = "{\"content\":\"nothing to escape \u00e9\"}";
        assertThat(EventBundle.sqsSafe(plain)).isSameAs(plain);
        assertThat(EventBundle.sqsSafe("x\uD800y")).as("a lone surrogate").isEqualTo("x\\ud800y");
        assertThat(EventBundle.sqsSafe("\uDFFFx")).as("a lone low surrogate").isEqualTo("\\udfffx");
        assertThat(EventBundle.sqsSafe("x\uD83F")).as("a high surrogate at the end").isEqualTo("x\\ud83f");
        assertThat(EventBundle.sqsSafe("\uE000\u0001")).as("a control character after a private-use one")
                .isEqualTo("\uE000\\u0001");
        assertThat(EventBundle.join(List.of("\uD83F\uDFFE\u0002", plain))).as("joined: escaped where needed, whole otherwise")
                .isEqualTo("\uD83F\uDFFE\\u0002\n" + plain);
    }
}
