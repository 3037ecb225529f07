package dev.nostrcache.infra.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The body of an event queue message: one or more event JSONs exactly as received, one after another, separated by
 * a newline. A body holding one event is just that event, so a message sent by a client's {@code EVENT} and one
 * packed by the worker are read the same way.
 *
 * <p>Why many events per message: the queue's cost is per message (locally ElasticMQ moves about 1,750 a second
 * through send, receive and delete), so one message per event capped the whole pipeline at that rate.
 *
 * <p>SQS takes only some characters in a message body (tab, newline, carriage return, U+0020 to U+D7FF, U+E000
 * to U+FFFD and U+10000 up), while an event may hold others in its strings (U+FFFE and U+FFFF are legal in Nostr,
 * and its id is computed over them). Those travel as JSON {@code \\uXXXX} escapes: the parsed event is the same, so
 * its recomputed id is too, and the stored and served JSON is the NIP-01 serialisation of the parsed event, not
 * these bytes.
 *
 * <p>Splitting follows the JSON structure (strings and nesting) rather than the newlines, so that an event whose
 * JSON has whitespace newlines between its tokens, as a client may send, stays whole and byte-exact.
 */
public final class EventBundle {
    private EventBundle() {
    }

    /** One body of {@code jsons}, in order, in characters SQS accepts. */
    public static String join(List<String> jsons) {
        return joinSafe(jsons.stream().map(EventBundle::sqsSafe).toList());
    }

    /** One body of event JSONs already made {@linkplain #sqsSafe safe for SQS}, in order. */
    public static String joinSafe(List<String> safeJsons) {
        StringBuilder body = new StringBuilder(safeJsons.stream().mapToInt(j -> j.length() + 1).sum());
        for (String json : safeJsons) {
            if (!body.isEmpty()) {
                body.append('\n');
            }
            body.append(json);
        }
        return body.toString();
    }

    /**
     * {@code json} in characters SQS accepts: any other is written as a JSON {@code \\uXXXX} escape. Nearly every
     * event is taken as it is, after one tight pass (profiling the ingest showed a character-by-character copy of
     * every event taking a fifth of the runtime's CPU).
     */
    public static String sqsSafe(String json) {
        if (sqsBytes(json) >= 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (sqsAccepts(json, i)) {
                out.append(c);
                if (Character.isHighSurrogate(c)) {
                    out.append(json.charAt(++i));
                }
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    /**
     * The bytes {@code s} takes in UTF-8 if SQS takes every character of it, else -1. One pass for both answers: the
     * publisher sizes every event it bundles and the local SQS checks every body, and two passes over each were 9 %
     * of an import's samples in the JVM (profiled).
     */
    public static int sqsBytes(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                    return -1;
                }
            } else if (c < 0x800) {
                bytes += 1;
            } else if (c < Character.MIN_SURROGATE) {
                bytes += 2;
            } else {
                if (!sqsAccepts(s, i)) {
                    return -1;
                }
                if (Character.isHighSurrogate(c)) {
                    i++; // its low half, checked with it: four bytes for the two
                }
                bytes += 2;
            }
        }
        return bytes;
    }

    /** Whether SQS takes the character at {@code i} (a surrogate only as half of a pair, which it then takes whole). */
    private static boolean sqsAccepts(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c)) {
            return false;
        }
        return c == '\t' || c == '\n' || c == '\r' || (c >= 0x20 && c <= 0xfffd);
    }

    /**
     * The event JSONs of {@code body}, each exactly as sent. Text that is not a complete JSON value (unbalanced, or
     * garbage between values) comes back as one more element, so that the event parser refuses it with its reason
     * instead of it vanishing.
     */
    public static List<String> split(String body) {
        List<String> parts = new ArrayList<>();
        int n = body.length();
        int i = 0;
        while (i < n) {
            while (i < n && isWhitespace(body.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int end = endOfValue(body, i);
            parts.add(body.substring(i, end));
            i = end;
        }
        return parts;
    }

    /**
     * Where the value starting at {@code start} ends: after its closing bracket, or at the next newline if not nested.
     * A string is crossed by {@link String#indexOf}, which the JVM vectorises, rather than a character at a time: most
     * of a contact list's bytes are in its strings, and scanning them was 5 % of an import's samples in the JVM.
     */
    private static int endOfValue(String s, int start) {
        char first = s.charAt(start);
        int n = s.length();
        if (first != '{' && first != '[') {
            int newline = s.indexOf('\n', start);
            return newline < 0 ? n : newline;
        }
        int depth = 0;
        int backslash = start; // the first backslash at or after where a string's search starts (n: none left)
        for (int i = start; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"') {
                int quote;
                while (true) {
                    quote = s.indexOf('"', i + 1);
                    if (quote < 0) {
                        return n;
                    }
                    if (backslash <= i) {
                        backslash = s.indexOf('\\', i + 1);
                        backslash = backslash < 0 ? n : backslash;
                    }
                    if (backslash > quote) {
                        break;
                    }
                    i = backslash + 1; // the escaped character, whatever it is, does not end the string
                }
                i = quote;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return n;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
