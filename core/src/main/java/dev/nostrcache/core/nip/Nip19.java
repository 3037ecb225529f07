package dev.nostrcache.core.nip;

import dev.nostrcache.core.Hex;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * NIP-19: {@code npub} (bech32 of a 32-byte public key) to and from hex, as the HTTP API accepts a pubkey in either
 * form; and {@code naddr} (an addressable event's kind, author and identifier, as TLV), as Primal's clients ask for
 * articles by it. The other TLV forms ({@code nprofile}, {@code nevent}) are not needed.
 */
public final class Nip19 {
    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Nip19() {
    }

    /**
     * The hex public key of {@code value}, which may be 64 lowercase hex characters or an {@code npub}; null when it
     * is neither (including an npub with a bad checksum or of the wrong length).
     */
    public static String pubkeyFrom(String value) {
        if (value == null) {
            return null;
        }
        if (value.length() == 64 && Hex.isLowerHex(value, 64)) {
            return value;
        }
        byte[] key = decode("npub", value, 90);
        return key == null || key.length != 32 ? null : Hex.encode(key);
    }

    /** An addressable event's coordinate: {@code kind:pubkey:identifier}, as {@code a} tags write it. */
    public record Address(int kind, String pubkey, String identifier) {
        public String coordinate() {
            return kind + ":" + pubkey + ":" + identifier;
        }
    }

    /** The longest naddr read: an identifier of a few hundred bytes and some relay hints; bech32's 90 is for keys. */
    private static final int MAX_TLV_CHARS = 2_000;
    private static final int TLV_IDENTIFIER = 0;
    private static final int TLV_AUTHOR = 2;
    private static final int TLV_KIND = 3;

    /** The address an {@code naddr} names; null when {@code value} is not one (bad checksum, no author or kind). */
    public static Address address(String value) {
        byte[] tlv = decode("naddr", value, MAX_TLV_CHARS);
        if (tlv == null) {
            return null;
        }
        String identifier = null;
        String author = null;
        Integer kind = null;
        for (int i = 0; i + 2 <= tlv.length; ) {
            int type = tlv[i] & 0xff;
            int length = tlv[i + 1] & 0xff;
            if (i + 2 + length > tlv.length) {
                return null;
            }
            byte[] field = Arrays.copyOfRange(tlv, i + 2, i + 2 + length);
            switch (type) {
                case TLV_IDENTIFIER -> identifier = identifier == null ? new String(field, StandardCharsets.UTF_8) : identifier;
                case TLV_AUTHOR -> author = author == null && length == 32 ? Hex.encode(field) : author;
                case TLV_KIND -> kind = kind == null && length == 4 ? ByteBuffer.wrap(field).getInt() : kind;
                default -> { } // relay hints, and types a later NIP may add
            }
            i += 2 + length;
        }
        return identifier == null || author == null || kind == null || kind < 0 ? null : new Address(kind, author, identifier);
    }

    /** The {@code naddr} of an address, without relay hints. */
    public static String naddr(Address address) {
        byte[] identifier = address.identifier().getBytes(StandardCharsets.UTF_8);
        ByteBuffer tlv = ByteBuffer.allocate(2 + identifier.length + 2 + 32 + 2 + 4);
        tlv.put((byte) TLV_IDENTIFIER).put((byte) identifier.length).put(identifier);
        tlv.put((byte) TLV_AUTHOR).put((byte) 32).put(Hex.decode(address.pubkey()));
        tlv.put((byte) TLV_KIND).put((byte) 4).putInt(address.kind());
        return encode("naddr", tlv.array());
    }

    /** The {@code npub} of a hex public key. */
    public static String npub(String hexPubkey) {
        return encode("npub", Hex.decode(hexPubkey));
    }

    static String encode(String prefix, byte[] data) {
        byte[] words = convertBits(data, 8, 5, true);
        byte[] checksum = checksum(prefix, words);
        StringBuilder out = new StringBuilder(prefix).append('1');
        for (byte w : words) {
            out.append(CHARSET.charAt(w));
        }
        for (byte w : checksum) {
            out.append(CHARSET.charAt(w));
        }
        return out.toString();
    }

    /** The payload of a bech32 string with this human-readable part, or null when it is not one. */
    static byte[] decode(String prefix, String value, int maxLength) {
        if (value.length() > maxLength || !value.equals(value.toLowerCase(Locale.ROOT))) {
            return null;
        }
        int separator = value.lastIndexOf('1');
        if (separator != prefix.length() || !value.startsWith(prefix) || value.length() - separator - 1 < 6) {
            return null;
        }
        byte[] words = new byte[value.length() - separator - 1];
        for (int i = 0; i < words.length; i++) {
            int w = CHARSET.indexOf(value.charAt(separator + 1 + i));
            if (w < 0) {
                return null;
            }
            words[i] = (byte) w;
        }
        if (polymod(expand(prefix), words, new byte[0]) != 1) {
            return null;
        }
        byte[] dataWords = Arrays.copyOf(words, words.length - 6);
        return convertBits(dataWords, 5, 8, false);
    }

    private static byte[] checksum(String prefix, byte[] words) {
        int mod = polymod(expand(prefix), words, new byte[6]) ^ 1;
        byte[] checksum = new byte[6];
        for (int i = 0; i < 6; i++) {
            checksum[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return checksum;
    }

    private static byte[] expand(String prefix) {
        byte[] out = new byte[prefix.length() * 2 + 1];
        for (int i = 0; i < prefix.length(); i++) {
            out[i] = (byte) (prefix.charAt(i) >> 5);
            out[i + prefix.length() + 1] = (byte) (prefix.charAt(i) & 31);
        }
        return out;
    }

    private static int polymod(byte[]... parts) {
        int chk = 1;
        for (byte[] part : parts) {
            for (byte v : part) {
                int top = chk >>> 25;
                chk = ((chk & 0x1ffffff) << 5) ^ v;
                for (int i = 0; i < 5; i++) {
                    if (((top >>> i) & 1) != 0) {
                        chk ^= GENERATOR[i];
                    }
                }
            }
        }
        return chk;
    }

    /** Regroups bits; null when the input has leftover bits that are not zero padding. */
    private static byte[] convertBits(byte[] data, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int maxValue = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : data) {
            acc = (acc << from) | (b & 0xff);
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & maxValue);
            }
        }
        if (pad) {
            if (bits > 0) {
                out.write((acc << (to - bits)) & maxValue);
            }
        } else if (bits >= from || ((acc << (to - bits)) & maxValue) != 0) {
            return null;
        }
        return out.toByteArray();
    }
}
