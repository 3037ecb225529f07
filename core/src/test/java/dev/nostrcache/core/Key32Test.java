package dev.nostrcache.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Key32Test {

    @Test
    void readsWhatHexWritesAndBack() {
        Random random = new Random(7);
        for (int i = 0; i < 1_000; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String hex = Hex.encode(bytes);
            Key32 key = Key32.parseLowerHex(hex);
            assertThat(key).isEqualTo(Key32.of(bytes)).isEqualTo(Key32.ofHex(hex.toUpperCase()));
            assertThat(key.hashCode()).isEqualTo(Key32.of(bytes).hashCode());
            assertThat(key.bytes()).isEqualTo(bytes);
            assertThat(key.hex()).isEqualTo(hex);
        }
    }

    @Test
    void sortsAsPostgresOrdersBytea() {
        // Unsigned bytes, most significant first: high bytes (0x80-0xff) after low ones, where signed longs would not.
        Random random = new Random(11);
        List<byte[]> raw = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            if (i % 3 == 0) {
                bytes[0] = (byte) (i % 2 == 0 ? 0x7f : 0x80); // ties in the first bytes, decided further on
                bytes[8] = (byte) (i % 4 == 0 ? 0x00 : 0xff);
            }
            raw.add(bytes);
        }
        Key32[] keys = raw.stream().map(Key32::of).toArray(Key32[]::new);
        Arrays.sort(keys);
        raw.sort(Arrays::compareUnsigned);
        assertThat(Arrays.stream(keys).map(Key32::bytes).toList()).containsExactlyElementsOf(raw);
    }

    @Test
    void onlyLowercaseHexOfSixtyFourDigitsParses() {
        String valid = "0123456789abcdef".repeat(4);
        assertThat(Key32.parseLowerHex(valid)).isNotNull();
        assertThat(Key32.parseLowerHex(valid.toUpperCase())).isNull();
        assertThat(Key32.parseLowerHex(valid.substring(1))).isNull();
        assertThat(Key32.parseLowerHex(valid + "0")).isNull();
        assertThat(Key32.parseLowerHex(valid.substring(1) + "g")).isNull();
        assertThat(Key32.parseLowerHex(valid.substring(1) + "\u0661")).isNull();
        assertThat(Key32.parseLowerHex(null)).isNull();
        assertThatThrownBy(() -> Key32.of(new byte[31])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }
}
