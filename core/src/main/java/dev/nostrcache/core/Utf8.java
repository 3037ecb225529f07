package dev.nostrcache.core;

/** UTF-8 facts about Java text, without encoding it. */
public final class Utf8 {
    private Utf8() {
    }

    /** The bytes {@code s} takes in UTF-8 (a surrogate pair is one 4-byte character). */
    public static int length(CharSequence s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
