package dev.nostrcache.core.filter;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterParserTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private final FilterParser parser = new FilterParser(Limits.DEFAULTS);

    private void refused(String json, String reasonPart) {
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageStartingWith("invalid: ")
                .hasMessageContaining(reasonPart);
    }

    @Test
    void parsesEveryCondition() throws Exception {
        Filter f = parser.parse("{\"ids\":[\"" + A + "\"],\"authors\":[\"" + A + "\",\"" + B + "\"],\"kinds\":[0,1],"
                + "\"#e\":[\"" + B + "\"],\"#t\":[\"Nostr\",\"\"],\"#T\":[\"x\"],\"since\":10,\"until\":20,\"limit\":5,"
                + "\"search\":\"hello\"}");
        assertThat(f.ids()).containsExactly(A);
        assertThat(f.authors()).containsExactlyInAnyOrder(A, B);
        assertThat(f.kinds()).containsExactlyInAnyOrder(0, 1);
        assertThat(f.tags()).isEqualTo(Map.of("e", Set.of(B), "t", Set.of("Nostr", ""), "T", Set.of("x")));
        assertThat(f.since()).isEqualTo(10);
        assertThat(f.until()).isEqualTo(20);
        assertThat(f.limit()).isEqualTo(5);
        assertThat(f.search()).isEqualTo("hello");
        assertThat(parser.parse("{}")).isEqualTo(new Filter(null, null, null, null, null, null, null, null));
    }

    @Test
    void clampsTheLimit() throws Exception {
        assertThat(parser.parse("{\"limit\":100000}").limit()).isEqualTo(500);
        assertThat(parser.parse("{\"limit\":0}").limit()).isZero();
    }

    @Test
    void refusesPrefixesAndOtherNonExactHex() {
        refused("{\"ids\":[\"abcd\"]}", "prefixes are not supported");
        refused("{\"authors\":[\"" + A.toUpperCase() + "\"]}", "64-character lowercase hex");
        refused("{\"#p\":[\"npub1xyz\"]}", "'#p' values must be 64-character lowercase hex");
        refused("{\"#e\":[" + 5 + "]}", "'#e' values must be");
    }

    @Test
    void refusesBadShapes() {
        refused("[]", "must be a JSON object");
        refused("{", "malformed JSON");
        refused("{\"kinds\":[]}", "at least one value");
        refused("{\"kinds\":1}", "'kinds' must be an array");
        refused("{\"kinds\":[\"1\"]}", "between 0 and 65535");
        refused("{\"kinds\":[65536]}", "between 0 and 65535");
        refused("{\"kinds\":[1.5]}", "between 0 and 65535");
        refused("{\"since\":-1}", "non-negative integer");
        refused("{\"until\":\"now\"}", "non-negative integer");
        refused("{\"limit\":1.5}", "non-negative integer");
        refused("{\"#tt\":[\"x\"]}", "unsupported filter key '#tt'");
        refused("{\"#1\":[\"x\"]}", "unsupported filter key");
        refused("{\"foo\":1}", "unsupported filter key 'foo'");
        refused("{\"#t\":[1]}", "'#t' values must be strings");
        refused("{\"search\":1}", "'search' must be a string");
    }

    @Test
    void refusesTooManyValues() {
        Limits small = new Limits(65536, 131072, 600, 200, 500, 64, 20, 3, 50, 500);
        assertThatThrownBy(() -> new FilterParser(small).parse("{\"kinds\":[1,2,3,4]}"))
                .hasMessageContaining("'kinds' has 4 values, the limit is 3");
    }

    @Test
    void matchesAsNip01Says() throws Exception {
        var alice = TestKeys.signer(1);
        var bob = TestKeys.signer(2);
        Event note = alice.sign(100, 1, List.of(List.of("e", A, "wss://relay"), List.of("t", "nostr"), List.of("p", B)),
                "Hello Nostr World");
        Event reaction = bob.sign(200, 7, List.of(List.of("e", B), List.of("e", A)), "+");

        assertThat(parser.parse("{\"kinds\":[1,7]}").matches(note)).isTrue();
        assertThat(parser.parse("{\"kinds\":[7]}").matches(note)).isFalse();
        assertThat(parser.parse("{\"authors\":[\"" + alice.pubkey() + "\"]}").matches(note)).isTrue();
        assertThat(parser.parse("{\"authors\":[\"" + alice.pubkey() + "\"]}").matches(reaction)).isFalse();
        assertThat(parser.parse("{\"ids\":[\"" + note.id() + "\"]}").matches(note)).isTrue();
        assertThat(parser.parse("{\"since\":100,\"until\":100}").matches(note)).isTrue();
        assertThat(parser.parse("{\"since\":101}").matches(note)).isFalse();
        assertThat(parser.parse("{\"until\":99}").matches(note)).isFalse();
        assertThat(parser.parse("{\"#e\":[\"" + A + "\"]}").matches(reaction)).isTrue();
        assertThat(parser.parse("{\"#e\":[\"" + A + "\"],\"#t\":[\"nostr\"]}").matches(reaction)).isFalse();
        assertThat(parser.parse("{\"#e\":[\"" + A + "\"],\"#t\":[\"nostr\"]}").matches(note)).isTrue();
        // only a tag's first value is indexed
        assertThat(parser.parse("{\"#e\":[\"" + "c".repeat(64) + "\"]}").matches(note)).isFalse();
        assertThat(parser.parse("{\"#r\":[\"wss://relay\"]}").matches(note)).isFalse();
        assertThat(parser.parse("{\"#T\":[\"nostr\"]}").matches(note)).isFalse();
        assertThat(parser.parse("{\"search\":\"nostr hello\"}").matches(note)).isTrue();
        assertThat(parser.parse("{\"search\":\"nostr bye\"}").matches(note)).isFalse();
        assertThat(parser.parse("{\"limit\":0}").matches(note)).isTrue();
    }
}
