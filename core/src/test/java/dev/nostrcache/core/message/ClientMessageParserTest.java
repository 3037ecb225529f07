package dev.nostrcache.core.message;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ClientMessageParserTest {
    private final ClientMessageParser parser = new ClientMessageParser(Limits.DEFAULTS);
    private static final String A = "a".repeat(64);

    @Test
    void parsesEveryMessageType() {
        Event note = TestKeys.signer(1).sign(1, 1, List.of(), "hi");
        assertThat(parser.parse("[\"EVENT\"," + note.toJson() + "]")).isEqualTo(new ClientMessage.Publish(note));
        ClientMessage req = parser.parse("[\"REQ\",\"s1\",{\"kinds\":[1]},{\"authors\":[\"" + A + "\"]}]");
        assertThat(req).isInstanceOf(ClientMessage.Req.class);
        assertThat(((ClientMessage.Req) req).filters()).hasSize(2);
        assertThat(parser.parse("[\"COUNT\",\"c\",{\"kinds\":[7]}]")).isInstanceOf(ClientMessage.Count.class);
        assertThat(parser.parse("[\"CLOSE\",\"s1\"]")).isEqualTo(new ClientMessage.Close("s1"));
        assertThat(parser.parse("[\"CLOSE\",\"s1\",{\"cache\":[\"feed\"]}]")).isEqualTo(new ClientMessage.Close("s1"));
    }

    @Test
    void recognisesPrimalCacheRequests() {
        ClientMessage m = parser.parse("[\"REQ\",\"p1\",{\"cache\":[\"user_profile\",{\"pubkey\":\"" + A + "\"}]}]");
        assertThat(m).isInstanceOfSatisfying(ClientMessage.CacheRequest.class, c -> {
            assertThat(c.op()).isEqualTo("user_profile");
            assertThat(c.params().get("pubkey").asString()).isEqualTo(A);
        });
        assertThat(parser.parse("[\"REQ\",\"p2\",{\"cache\":[\"get_app_releases\"]}]"))
                .isEqualTo(new ClientMessage.CacheRequest("p2", "get_app_releases", null));
        assertThat(parser.parse("[\"REQ\",\"p3\",{\"cache\":\"nope\"}]"))
                .isInstanceOf(ClientMessage.RefusedSubscription.class);
    }

    @Test
    void refusalsCarryTheReplyThatFits() {
        assertThat(parser.parse("[\"REQ\",\"s\",{\"ids\":[\"abc\"]}]")).isEqualTo(new ClientMessage.RefusedSubscription("s",
                "invalid: 'ids' values must be 64-character lowercase hex (prefixes are not supported)"));
        assertThat(parser.parse("[\"REQ\",\"s\"]")).isEqualTo(
                new ClientMessage.RefusedSubscription("s", "invalid: REQ needs at least one filter"));
        String many = "{}," .repeat(21);
        assertThat(parser.parse("[\"REQ\",\"s\"," + many.substring(0, many.length() - 1) + "]"))
                .isEqualTo(new ClientMessage.RefusedSubscription("s", "invalid: 21 filters, the limit is 20"));
        assertThat(parser.parse("[\"REQ\",\"" + "x".repeat(257) + "\",{}]")).isInstanceOf(ClientMessage.Unintelligible.class);
        // Primal's web client names its cache requests <name>_<app id>: 98 to 142 characters when logged in.
        String primal = "notification_counts_" + "0123456789abcdef".repeat(7) + "0123456789ab";
        assertThat(primal).hasSize(144);
        assertThat(parser.parse("[\"REQ\",\"" + primal + "\",{\"cache\":[\"notification_counts\"]}]"))
                .isEqualTo(new ClientMessage.CacheRequest(primal, "notification_counts", null));
        assertThat(parser.parse("[\"REQ\",\"\",{}]")).isInstanceOf(ClientMessage.Unintelligible.class);
        assertThat(parser.parse("[\"AUTH\",\"x\"]")).isEqualTo(new ClientMessage.Unintelligible("invalid: unknown message type 'AUTH'"));
        assertThat(parser.parse("{}")).isInstanceOf(ClientMessage.Unintelligible.class);
        assertThat(parser.parse("[\"EVENT\",{\"id\":\"" + A + "\",\"kind\":1,\"kind\":2}]"))
                .isInstanceOf(ClientMessage.Unintelligible.class);
        String big = "[\"EVENT\",{\"content\":\"" + "x".repeat(Limits.DEFAULTS.maxMessageBytes()) + "\"}]";
        assertThat(parser.parse(big)).isEqualTo(new ClientMessage.Unintelligible("invalid: message is "
                + big.length() + " bytes, the limit is 131072"));
    }

    @Test
    void everyBadEventIsRefusedWithItsIdWhenItHasOne() {
        JsonMapper json = JsonMapper.builder().build();
        int refused = 0;
        for (String line : TestData.lines("bad-events.jsonl")) {
            JsonNode event = json.readTree(line).get("event");
            ClientMessage m = parser.parse("[\"EVENT\"," + json.writeValueAsString(event) + "]");
            JsonNode id = event.isObject() ? event.get("id") : null;
            if (m instanceof ClientMessage.RefusedEvent r) {
                assertThat(r.reason()).startsWith("invalid: ");
                assertThat(r.eventId()).as("the id exactly as sent, or empty when there is no id string")
                        .isEqualTo(id != null && id.isString() ? id.stringValue() : "");
                refused++;
            } else if (!event.isObject()) {
                // No event object to answer an OK about: a NOTICE says why.
                assertThat(m).isInstanceOfSatisfying(ClientMessage.Unintelligible.class,
                        u -> assertThat(u.reason()).startsWith("invalid: "));
            } else {
                // Structurally fine: the id or signature check refuses it later, and the tests of that cover it.
                assertThat(m).isInstanceOf(ClientMessage.Publish.class);
            }
        }
        assertThat(refused).isGreaterThan(15);
    }

    @Test
    void anEventWhoseIdIsMalformedIsAnsweredWithTheIdAsSent() {
        for (String id : new String[]{A.toUpperCase(), A.substring(1), A + "0", "not-hex", ""}) {
            ClientMessage m = parser.parse("[\"EVENT\",{\"id\":\"" + id + "\",\"pubkey\":\"" + A + "\",\"created_at\":1,"
                    + "\"kind\":1,\"tags\":[],\"content\":\"\",\"sig\":\"" + A + A + "\"}]");
            assertThat(m).as(id).isInstanceOfSatisfying(ClientMessage.RefusedEvent.class, r -> {
                assertThat(r.eventId()).isEqualTo(id);
                assertThat(r.reason()).startsWith("invalid: ");
            });
        }
        assertThat(parser.parse("[\"EVENT\",{\"id\":7}]")).isInstanceOfSatisfying(ClientMessage.RefusedEvent.class, r -> {
            assertThat(r.eventId()).as("no id string to echo").isEmpty();
            assertThat(r.reason()).startsWith("invalid: ");
        });
        assertThat(parser.parse("[\"EVENT\",\"not an object\"]")).isEqualTo(
                new ClientMessage.Unintelligible("invalid: EVENT takes exactly one event object"));
        assertThat(parser.parse("[\"EVENT\",{\"id\":\"" + A + "\"},{}]")).isInstanceOfSatisfying(
                ClientMessage.RefusedEvent.class, r -> assertThat(r.eventId()).isEqualTo(A));
    }

    @Test
    void randomGarbageNeverThrows() {
        Random random = new Random(5);
        String[] pieces = {"[", "]", "{", "}", "\"REQ\"", "\"EVENT\"", "\"CLOSE\"", "\"COUNT\"", ",", "\"s\"", "1", "null",
                "\"kinds\":", "[1]", "\"cache\":", "\"ids\":", "\"\\ud800\"", "true", ":", "\"#e\":"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(12);
            for (int k = 0; k < n; k++) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            assertThat(parser.parse(sb.toString())).isNotNull();
        }
    }
}
