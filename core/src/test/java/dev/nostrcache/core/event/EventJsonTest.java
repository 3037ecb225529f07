package dev.nostrcache.core.event;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Property tests of the NIP-01 serialiser over every Unicode code point. */
class EventJsonTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The escaping NIP-01 prescribes, written independently of {@link EventJson}, code point by code point. */
    private static byte[] expectedEscape(int cp) {
        String s = switch (cp) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> cp < 0x20 ? String.format("\\u%04x", cp) : new String(Character.toChars(cp));
        };
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        EventJson.appendString(sb, s);
        return sb.toString();
    }

    @Test
    void everyCodePointIsEscapedAsNip01SaysAndRoundTrips() {
        int checked = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                continue;
            }
            String s = "a" + new String(Character.toChars(cp)) + "b";
            byte[] actual = quoted(s).getBytes(StandardCharsets.UTF_8);

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes("\"a".getBytes(StandardCharsets.UTF_8));
            expected.writeBytes(expectedEscape(cp));
            expected.writeBytes("b\"".getBytes(StandardCharsets.UTF_8));
            if (!java.util.Arrays.equals(actual, expected.toByteArray())) {
                throw new AssertionError("code point U+" + Integer.toHexString(cp) + " serialised as "
                        + new String(actual, StandardCharsets.UTF_8));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(0x110000 - 0x800);
    }

    @Test
    void everyCodePointSurvivesParseAndReserialise() {
        StringBuilder all = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                all.appendCodePoint(cp);
            }
        }
        String original = all.toString();
        String parsed = JSON.readValue(quoted(original), String.class);
        assertThat(parsed).isEqualTo(original);
        assertThat(quoted(parsed)).isEqualTo(quoted(original));
    }

    @Test
    void charactersOtherSerialisersEscapeStayVerbatim() {
        assertThat(quoted("<>&='/\u2028\u2029\u007f\ufffe\ufdd1\uDBFF\uDFFF"))
                .isEqualTo("\"<>&='/\u2028\u2029\u007f\ufffe\ufdd1\uDBFF\uDFFF\"");
        assertThat(quoted("\u001f\u000b\u0000")).isEqualTo("\"\\u001f\\u000b\\u0000\"");
    }

    @Test
    void randomContentSignsParsesAndKeepsItsId() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        Random random = new Random(20261122);
        var signer = TestKeys.signer(7);
        for (int round = 0; round < 300; round++) {
            String content = randomText(random, 40);
            List<List<String>> tags = List.of(List.of("t", randomText(random, 5)), List.of(randomText(random, 3)));
            Event event = signer.sign(random.nextInt(2_000_000_000), random.nextInt(65536), tags, content);
            Event parsed = parser.parse(event.toJson());
            assertThat(parsed).isEqualTo(event);
            assertThat(EventJson.computeId(parsed)).isEqualTo(event.id());
        }
    }

    /** Random text weighted toward the hard cases: controls, quotes, backslashes, line separators, astral. */
    private static String randomText(Random random, int maxLength) {
        int[] tricky = {0, 8, 9, 10, 12, 13, 0x1f, '"', '\\', '/', '<', '&', 0x7f, 0x2028, 0x2029, 0xfffe, 0x1f600, 0x10ffff};
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            int cp;
            if (random.nextBoolean()) {
                cp = tricky[random.nextInt(tricky.length)];
            } else {
                do {
                    cp = random.nextInt(Character.MAX_CODE_POINT + 1);
                } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }
}
