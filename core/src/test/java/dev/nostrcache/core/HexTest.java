package dev.nostrcache.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HexTest {
    @Test
    void lowercaseHexIsExactlyTheDigitsAndAToF() {
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            boolean digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            assertThat(Hex.isLowerHex("0".repeat(31) + c + "0".repeat(32), 64)).as("U+%04X", (int) c).isEqualTo(digit);
            assertThat(Hex.lowerDigit(c)).as("U+%04X", (int) c).isEqualTo(digit ? Character.digit(c, 16) : -1);
        }
    }

    @Test
    void lowercaseHexHasTheLengthAsked() {
        assertThat(Hex.isLowerHex("ab", 2)).isTrue();
        assertThat(Hex.isLowerHex("abc", 2)).isFalse();
        assertThat(Hex.isLowerHex("a", 2)).isFalse();
        assertThat(Hex.isLowerHex(null, 2)).isFalse();
    }

    @Test
    void encodeAndDecodeRoundTrip() {
        byte[] bytes = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff};
        assertThat(Hex.encode(bytes)).isEqualTo("00017f80ff");
        assertThat(Hex.decode("00017f80ff")).isEqualTo(bytes);
        assertThat(Hex.decode("00017F80FF")).isEqualTo(bytes);
    }
}
