package dev.nostrcache.infra.queue;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

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

    @Test
    void sqsBytesIsTheUtf8LengthOfWhatSqsTakesAndMinusOneOtherwise() {
        String alphabet = "a{\"\\\t\n\r\u0000\u001f\u007f\u00e9\u07ff\u0800\ud7ff\ue000\ufffd\ufffe\uffff\ud83d\ude00";
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(12); i > 0; i--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String text = s.toString();
            boolean taken = text.codePoints().allMatch(cp -> cp == '\t' || cp == '\n' || cp == '\r'
                    || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000);
            assertThat(EventBundle.sqsBytes(text)).as("%s", text.chars().mapToObj(c -> String.format("%04x", c)).toList())
                    .isEqualTo(taken ? text.getBytes(StandardCharsets.UTF_8).length : -1);
        }
    }

    @Test
    void splittingFollowsStringsAndEscapesAsACharacterByCharacterScanWould() {
        String alphabet = "{}[]\"\\a \n,";
        Random random = new Random(11);
        for (int round = 0; round < 50_000; round++) {
            StringBuilder s = new StringBuilder();
            for (int i = random.nextInt(40); i > 0; i--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String body = s.toString();
            assertThat(EventBundle.split(body)).as(body).isEqualTo(scannedOneByOne(body));
        }
    }

    /** The splitting rule, a character at a time: the reference the faster scan must agree with. */
    private static List<String> scannedOneByOne(String body) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < body.length()) {
            while (i < body.length() && " \n\r\t".indexOf(body.charAt(i)) >= 0) {
                i++;
            }
            if (i == body.length()) {
                break;
            }
            int end = body.length();
            char first = body.charAt(i);
            if (first != '{' && first != '[') {
                int newline = body.indexOf('\n', i);
                end = newline < 0 ? body.length() : newline;
            } else {
                int depth = 0;
                boolean inString = false;
                for (int j = i; j < body.length(); j++) {
                    char c = body.charAt(j);
                    if (inString) {
                        if (c == '\\') {
                            j++;
                        } else if (c == '"') {
                            inString = false;
                        }
                    } else if (c == '"') {
                        inString = true;
                    } else if (c == '{' || c == '[') {
                        depth++;
                    } else if ((c == '}' || c == ']') && --depth == 0) {
                        end = j + 1;
                        break;
                    }
                }
            }
            parts.add(body.substring(i, end));
            i = end;
        }
        return parts;
    }
}
