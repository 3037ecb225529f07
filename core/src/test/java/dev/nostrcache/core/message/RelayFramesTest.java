package dev.nostrcache.core.message;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RelayFramesTest {
    /** Subscription ids and reasons a client or a refusal can carry: quotes, backslashes, controls, astral text. */
    private static final List<String> AWKWARD = List.of("plain", "", "with \"quotes\" and \\ backslash",
            "tab\tnewline\ncontrol\u0001", "\u00e9\u4e2d\uD83D\uDE00", "</script>");

    @Test
    void everyFrameParsesBackToWhatWasWritten() {
        for (String s : AWKWARD) {
            assertThat(RelayMessage.parse(RelayFrames.eose(s))).isEqualTo(new RelayMessage.Eose(s));
            assertThat(RelayMessage.parse(RelayFrames.notice(s))).isEqualTo(new RelayMessage.Notice(s));
            assertThat(RelayMessage.parse(RelayFrames.closed(s, s + "!"))).isEqualTo(new RelayMessage.Closed(s, s + "!"));
            assertThat(RelayMessage.parse(RelayFrames.ok(s, true, s))).isEqualTo(new RelayMessage.Ok(s, true, s));
            assertThat(RelayMessage.parse(RelayFrames.ok(s, false, ""))).isEqualTo(new RelayMessage.Ok(s, false, ""));
        }
    }

    @Test
    void eventObjectsPassThroughByteForByte() {
        for (String event : TestData.lines("real-events.jsonl")) {
            assertThat(RelayMessage.parse(RelayFrames.event("sub \"1\"", event)))
                    .isEqualTo(new RelayMessage.EventMessage("sub \"1\"", event));
            // the same frame when the object comes as UTF-8 bytes (a stored event, as PostgreSQL sends it)
            assertThat(new String(RelayFrames.event("sub \"1\"", event.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))
                    .isEqualTo(RelayFrames.event("sub \"1\"", event));
        }
    }

    @Test
    void countAndPrimalNoticeAreWellFormedJson() {
        JsonMapper json = JsonMapper.builder().build();
        assertThat(json.readTree(RelayFrames.count("c\"1", 42)).toString()).isEqualTo("[\"COUNT\",\"c\\\"1\",{\"count\":42}]");
        assertThat(json.readTree(RelayFrames.notice("feed_1", "unknown api request")).toString())
                .isEqualTo("[\"NOTICE\",\"feed_1\",\"unknown api request\"]");
    }

    /** Primal's EVENTS batches: every object, in order, byte for byte, and no frame over the limit. */
    @Test
    void eventBatchesHoldEveryObjectInOrderWithinTheLimit() throws Exception {
        List<String> objects = TestData.lines("real-events.jsonl");
        JsonMapper json = JsonMapper.builder().build();
        for (int limit : new int[]{4_096, 16_384, 128 * 1024, 16 * 1024 * 1024}) {
            List<String> frames = RelayFrames.events("sub \"ü\"", objects, limit);
            List<String> unpacked = new ArrayList<>();
            for (String frame : frames) {
                var message = json.readTree(frame);
                assertThat(message.get(0).asString()).isEqualTo("EVENTS");
                assertThat(message.get(1).asString()).isEqualTo("sub \"ü\"");
                if (frame.getBytes(StandardCharsets.UTF_8).length > limit) {
                    assertThat(message.get(2).size()).as("over %d bytes only an object too large alone", limit).isEqualTo(1);
                }
                List<String> raws = objects.subList(unpacked.size(), unpacked.size() + message.get(2).size());
                assertThat(frame).as("the objects byte for byte").endsWith(",[" + String.join(",", raws) + "]]");
                for (int k = 0; k < raws.size(); k++) {
                    assertThat(json.readTree(raws.get(k))).isEqualTo(message.get(2).get(k));
                }
                unpacked.addAll(raws);
            }
            assertThat(unpacked).containsExactlyElementsOf(objects);
            if (limit == 4_096) {
                assertThat(frames.size()).as("split").isGreaterThan(1);
            }
        }
        assertThat(RelayFrames.events("s", List.of(), 1000)).isEmpty();
    }

    /**
     * An answer is split only where its bytes must be: one message when they fit, whether it is counted exactly or
     * by its characters' most bytes (the objects hold characters of two, three and four bytes).
     */
    @Test
    void anAnswerIsOneMessageExactlyWhenItsBytesFit() {
        List<String> objects = TestData.lines("real-events.jsonl");
        assertThat(String.join("", objects)).as("multi-byte characters").matches("(?s).*[^\\x00-\\x7f].*");
        List<String> unbounded = RelayFrames.events("s", objects, Integer.MAX_VALUE);
        assertThat(unbounded).hasSize(1);
        int bytes = unbounded.getFirst().getBytes(StandardCharsets.UTF_8).length;
        assertThat(bytes).as("counted by characters, it would not fit").isLessThan(3 * unbounded.getFirst().length());
        assertThat(RelayFrames.events("s", objects, bytes)).containsExactlyElementsOf(unbounded);
        assertThat(RelayFrames.events("s", objects, bytes - 1)).hasSizeGreaterThan(1);
    }
}
