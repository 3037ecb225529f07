package dev.nostrcache.core.message;

import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RelayMessageTest {

    @Test
    void keepsTheEventTextExactlyAsSent() {
        for (String event : TestData.lines("real-events.jsonl")) {
            String message = "[\"EVENT\", \"sub-1\",  " + event + " ]";
            assertThat(RelayMessage.parse(message)).isEqualTo(new RelayMessage.EventMessage("sub-1", event));
        }
    }

    @Test
    void parsesTheOtherTypes() {
        assertThat(RelayMessage.parse("[\"EOSE\",\"s\"]")).isEqualTo(new RelayMessage.Eose("s"));
        assertThat(RelayMessage.parse("[\"NOTICE\",\"slow down\"]")).isEqualTo(new RelayMessage.Notice("slow down"));
        assertThat(RelayMessage.parse("[\"CLOSED\",\"s\",\"error: shutting down\"]"))
                .isEqualTo(new RelayMessage.Closed("s", "error: shutting down"));
        assertThat(RelayMessage.parse("[\"OK\",\"abc\",false,\"blocked: no\"]"))
                .isEqualTo(new RelayMessage.Ok("abc", false, "blocked: no"));
        assertThat(RelayMessage.parse("[\"AUTH\",\"challenge\"]")).isEqualTo(new RelayMessage.Unknown("AUTH"));
    }

    @Test
    void garbageIsMalformedNeverAnException() {
        for (String garbage : new String[]{"", "null", "{}", "[]", "[1]", "[\"EVENT\"]", "[\"EVENT\",\"s\",[]]",
                "[\"EVENT\",\"s\",{\"a\":", "[\"OK\",\"x\",\"yes\"]", "\u0000\u0001", "[\"EOSE\",1]"}) {
            assertThat(RelayMessage.parse(garbage)).as(garbage).isInstanceOf(RelayMessage.Malformed.class);
        }
    }
}
