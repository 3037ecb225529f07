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
 * <p>Splitting follows the JSON structure (strings and nesting) rather than the newlines, so that an event whose
 * JSON has whitespace newlines between its tokens, as a client may send, stays whole and byte-exact.
 */
public final class EventBundle {
    private EventBundle() {
    }

    /** One body of {@code jsons}, in order. */
    public static String join(List<String> jsons) {
        return String.join("\n", jsons);
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

    /** Where the value starting at {@code start} ends: after its closing bracket, or at the next newline if not nested. */
    private static int endOfValue(String s, int start) {
        char first = s.charAt(start);
        if (first != '{' && first != '[') {
            int newline = s.indexOf('\n', start);
            return newline < 0 ? s.length() : newline;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
        }
        return s.length();
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }
}
