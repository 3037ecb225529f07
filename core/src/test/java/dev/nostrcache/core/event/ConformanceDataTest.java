package dev.nostrcache.core.event;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The shared real and broken events, line by line. */
class ConformanceDataTest {
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final EventVerifier verifier = new EventVerifier(new BouncyCastleSchnorr(), Limits.DEFAULTS, Clock.systemUTC());

    @Test
    void everyRealEventParsesRecomputesItsIdVerifiesAndRoundTrips() throws Exception {
        List<String> lines = TestData.lines("real-events.jsonl");
        assertThat(lines).hasSize(48);
        for (String line : lines) {
            Event event = parser.parse(line);
            assertThat(EventJson.computeId(event)).as(line).isEqualTo(event.id());
            verifier.verifyIdAndSignature(event);

            Event again = parser.parse(event.toJson());
            assertThat(again).isEqualTo(event);
            assertThat(EventJson.computeId(again)).isEqualTo(event.id());
        }
    }

    /** The head-only parse that readers use agrees with the whole one on every shared event, good and broken. */
    @Test
    void theHeadOnlyParseAgreesWithTheWholeOne() throws Exception {
        for (String line : TestData.lines("real-events.jsonl")) {
            Event event = parser.parse(line);
            assertThat(parser.parseHead(line)).as(line).isEqualTo(new EventHead(event.id(), event.createdAt(), event.kind()));
        }
        JsonMapper json = JsonMapper.builder().build();
        for (String line : TestData.lines("bad-events.jsonl")) {
            String eventJson = json.writeValueAsString(json.readTree(line).get("event"));
            String whole = null;
            try {
                parser.parse(eventJson);
            } catch (InvalidEventException e) {
                whole = e.getMessage();
            }
            String head = null;
            try {
                parser.parseHead(eventJson);
            } catch (InvalidEventException e) {
                head = e.getMessage();
            }
            assertThat(head).as(line).isEqualTo(whole);
        }
    }

    @Test
    void everyWorkloadEventIsValid() throws Exception {
        for (String line : TestData.lines("workload-events.jsonl")) {
            verifier.verifyIdAndSignature(parser.parse(line));
        }
    }

    @Test
    void everyBadEventIsRefusedWithAReason() {
        JsonMapper json = JsonMapper.builder().build();
        List<String> lines = TestData.lines("bad-events.jsonl");
        assertThat(lines).hasSize(44);
        for (String line : lines) {
            JsonNode row = json.readTree(line);
            String eventJson = json.writeValueAsString(row.get("event"));
            String why = row.get("why").asString();
            assertThatThrownBy(() -> verifier.verifyIdAndSignature(parser.parse(eventJson)))
                    .as(why)
                    .isInstanceOf(InvalidEventException.class)
                    .hasMessageStartingWith("invalid: ");
        }
    }

    @Test
    void badEventReasonsNameTheProblem() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        for (String line : TestData.lines("bad-events.jsonl")) {
            JsonNode row = json.readTree(line);
            String why = row.get("why").asString();
            String eventJson = json.writeValueAsString(row.get("event"));
            String reason;
            try {
                verifier.verifyIdAndSignature(parser.parse(eventJson));
                fail("accepted: " + why);
                return;
            } catch (InvalidEventException e) {
                reason = e.reason();
            }
            if (why.startsWith("missing field: ")) {
                assertThat(reason).as(why).contains("missing field '" + why.substring("missing field: ".length()) + "'");
            } else if (why.startsWith("bad sig: ") && !why.contains("hex")) {
                assertThat(reason).as(why).contains("bad signature");
            } else if (why.startsWith("bad id: one hex") || why.startsWith("bad id: content")) {
                assertThat(reason).as(why).contains("event id does not match");
            } else if (why.startsWith("bad pubkey: 64 lowercase hex but not") || why.startsWith("bad pubkey: x >= field")) {
                assertThat(reason).as(why).isEqualTo("invalid: pubkey is not a valid secp256k1 x coordinate");
            } else if (why.startsWith("out of range: kind")) {
                assertThat(reason).as(why).contains("'kind' must be between 0 and 65535");
            }
        }
    }
}
