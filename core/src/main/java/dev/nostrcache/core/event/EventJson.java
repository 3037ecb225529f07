package dev.nostrcache.core.event;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.crypto.Sha256;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes events as JSON by hand, because NIP-01 ids depend on exact bytes: the seven named escapes, lowercase
 * six-digit escapes (backslash, u, 00, two hex digits) for other control characters, and everything else verbatim as UTF-8. Jackson (uppercase hex) and
 * Gson (HTML and U+2028 escaping) both produce different bytes and so wrong ids.
 */
public final class EventJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EventJson() {
    }

    /** The id preimage {@code [0,pubkey,created_at,kind,tags,content]} as UTF-8. */
    public static byte[] canonical(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        StringBuilder sb = new StringBuilder(128 + tagsLength(tags) + content.length());
        sb.append("[0,");
        appendString(sb, pubkey);
        sb.append(',').append(createdAt).append(',').append(kind).append(',');
        appendTags(sb, tags);
        sb.append(',');
        appendString(sb, content);
        sb.append(']');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The NIP-01 id: lowercase hex SHA-256 of the canonical serialisation. */
    public static String computeId(String pubkey, long createdAt, int kind, List<List<String>> tags, String content) {
        return Hex.encode(Sha256.digest(canonical(pubkey, createdAt, kind, tags, content)));
    }

    public static String computeId(Event event) {
        return computeId(event.pubkey(), event.createdAt(), event.kind(), event.tags(), event.content());
    }

    public static String toJson(Event event) {
        StringBuilder sb = new StringBuilder(256 + tagsLength(event.tags()) + event.content().length());
        appendEvent(sb, event);
        return sb.toString();
    }

    public static void appendEvent(StringBuilder sb, Event event) {
        sb.append("{\"id\":\"").append(event.id())
                .append("\",\"pubkey\":\"").append(event.pubkey())
                .append("\",\"created_at\":").append(event.createdAt())
                .append(",\"kind\":").append(event.kind())
                .append(",\"tags\":");
        appendTags(sb, event.tags());
        sb.append(",\"content\":");
        appendString(sb, event.content());
        sb.append(",\"sig\":\"").append(event.sig()).append("\"}");
    }

    /**
     * The characters {@code tags} take as JSON, escapes aside: a buffer sized for the content alone grew and copied
     * itself about eight times for a contact list (profiled).
     */
    private static int tagsLength(List<List<String>> tags) {
        int length = 2;
        for (List<String> tag : tags) {
            length += 3;
            for (String value : tag) {
                length += value.length() + 3;
            }
        }
        return length;
    }

    public static void appendTags(StringBuilder sb, List<List<String>> tags) {
        sb.append('[');
        for (int t = 0; t < tags.size(); t++) {
            if (t > 0) {
                sb.append(',');
            }
            List<String> tag = tags.get(t);
            sb.append('[');
            for (int i = 0; i < tag.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                appendString(sb, tag.get(i));
            }
            sb.append(']');
        }
        sb.append(']');
    }

    /** Appends {@code s} as a JSON string with NIP-01 escaping. */
    public static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        int runStart = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            sb.append(s, runStart, i);
            runStart = i + 1;
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> sb.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        sb.append(s, runStart, n);
        sb.append('"');
    }
}
