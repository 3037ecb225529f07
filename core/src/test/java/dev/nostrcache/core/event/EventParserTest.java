package dev.nostrcache.core.event;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventParserTest {
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final Event note = TestKeys.signer(1).sign(1_700_000_000L, 1,
            List.of(List.of("e", "a".repeat(64)), List.of("t", "nostr", "")), "hello \"world\"\n");

    /** The note's JSON with one field's raw JSON value swapped for {@code rawValue}. */
    private String replace(String json, String field, String rawValue) {
        StringBuilder tags = new StringBuilder();
        EventJson.appendTags(tags, note.tags());
        StringBuilder content = new StringBuilder();
        EventJson.appendString(content, note.content());
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("id", "\"" + note.id() + "\"");
        fields.put("pubkey", "\"" + note.pubkey() + "\"");
        fields.put("created_at", Long.toString(note.createdAt()));
        fields.put("kind", Integer.toString(note.kind()));
        fields.put("tags", tags.toString());
        fields.put("content", content.toString());
        fields.put("sig", "\"" + note.sig() + "\"");
        fields.put(field, rawValue);
        StringBuilder out = new StringBuilder("{");
        fields.forEach((k, v) -> out.append(out.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return out.append('}').toString();
    }

    /** Refused by the whole parse, and by the head-only one with the same reason. */
    private void refused(String json, String reasonPart) {
        assertThatThrownBy(() -> parser.parse(json))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("invalid: ")
                .hasMessageContaining(reasonPart);
        String reason = assertThrows(InvalidEventException.class, () -> parser.parse(json)).getMessage();
        assertThatThrownBy(() -> parser.parseHead(json)).as("the head-only parse of " + json)
                .isInstanceOf(InvalidEventException.class).hasMessage(reason);
    }

    @Test
    void parsesWhatItWrites() throws Exception {
        assertThat(parser.parse(note.toJson())).isEqualTo(note);
        assertThat(parser.parseHead(note.toJson())).isEqualTo(new EventHead(note.id(), note.createdAt(), note.kind()));
    }

    @Test
    void ignoresUnknownFieldsAndAcceptsAnyKeyOrder() throws Exception {
        String json = "{\"sig\":\"" + note.sig() + "\",\"extra\":{\"a\":[1,2]},\"content\":\"hello \\\"world\\\"\\n\","
                + "\"tags\":[[\"e\",\"" + "a".repeat(64) + "\"],[\"t\",\"nostr\",\"\"]],\"kind\":1,"
                + "\"created_at\":1700000000,\"pubkey\":\"" + note.pubkey() + "\",\"id\":\"" + note.id() + "\"}";
        assertThat(parser.parse(json)).isEqualTo(note);
    }

    @Test
    void refusesWrongShapes() {
        String json = note.toJson();
        refused("[1,2]", "must be a JSON object");
        refused("{\"id\":", "malformed JSON");
        refused(json + " {}", "unexpected data after the event object");
        refused(replace(json, "kind", "\"1\""), "'kind' must be an integer");
        refused(replace(json, "kind", "1.0"), "'kind' must be an integer");
        refused(replace(json, "kind", "65536"), "between 0 and 65535");
        refused(replace(json, "kind", "99999999999999999999"), "between 0 and 65535");
        refused(replace(json, "created_at", "-1"), "must not be negative");
        refused(replace(json, "created_at", "1700000000.5"), "integer number of seconds");
        refused(replace(json, "created_at", "1.7e9"), "integer number of seconds");
        refused(replace(json, "created_at", "99999999999999999999"), "out of range");
        refused(replace(json, "content", "{}"), "'content' must be a string");
        refused(replace(json, "tags", "{}"), "'tags' must be an array");
        refused(replace(json, "tags", "null"), "'tags' must be an array");
        refused(replace(json, "tags", "[\"e\"]"), "'tags' must be an array of arrays");
        refused(replace(json, "tags", "[[\"e\",1]]"), "tag elements must be strings");
        refused(replace(json, "tags", "[[\"e\",null]]"), "tag elements must be strings");
        refused(replace(json, "id", "\"" + note.id().toUpperCase() + "\""), "'id' must be 64 lowercase hex");
        refused(replace(json, "pubkey", "\"" + note.pubkey().substring(2) + "\""), "'pubkey' must be 64 lowercase hex");
        refused(replace(json, "sig", "\"" + note.sig().toUpperCase() + "\""), "'sig' must be 128 lowercase hex");
        refused(json.replace("\"kind\":1,", "\"kind\":1,\"kind\":1,"), "duplicate field 'kind'");
        refused(json.replace("\"kind\":1,", ""), "missing field 'kind'");
    }

    @Test
    void refusesLoneSurrogatesButAcceptsEscapedPairs() throws Exception {
        String json = note.toJson();
        refused(replace(json, "content", "\"\\ud800\""), "lone surrogate");
        refused(replace(json, "content", "\"x\\udc00y\""), "lone surrogate");
        refused(replace(json, "tags", "[[\"t\",\"\\ud83d\"]]"), "lone surrogate");

        Event emoji = TestKeys.signer(2).sign(1_700_000_000L, 1, List.of(), "\uD83D\uDE00 ok");
        String escaped = emoji.toJson().replace("\uD83D\uDE00", "\\ud83d\\ude00");
        Event parsed = parser.parse(escaped);
        assertThat(parsed.content()).isEqualTo("\uD83D\uDE00 ok");
        assertThat(EventJson.computeId(parsed)).isEqualTo(emoji.id());
    }

    @Test
    void refusesMalformedUtf8() {
        byte[] bytes = note.toJson().replace("hello", "hellX").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("hellX") + 4;
        bytes[at] = (byte) 0xC3; // a lead byte followed by '"' is not UTF-8
        assertThatThrownBy(() -> parser.parse(bytes)).isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("invalid: malformed JSON");
    }

    @Test
    void refusesEventsOverTheSizeLimit() throws Exception {
        String big = "x".repeat(Limits.DEFAULTS.maxEventBytes());
        Event huge = TestKeys.signer(3).sign(1L, 1, List.of(), big);
        refused(huge.toJson(), "the limit is 65536");

        Event fits = TestKeys.signer(3).sign(1L, 1, List.of(), "x".repeat(Limits.DEFAULTS.maxEventBytes() - 400));
        assertThat(parser.parse(fits.toJson())).isEqualTo(fits);
    }

    @Test
    void acceptsEmptyTagArraysAndEmptyStrings() throws Exception {
        Event event = TestKeys.signer(4).sign(0L, 0, List.of(List.of(), List.of("")), "");
        assertThat(parser.parse(event.toJson())).isEqualTo(event);
    }
}
