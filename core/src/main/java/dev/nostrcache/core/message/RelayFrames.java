package dev.nostrcache.core.message;

import dev.nostrcache.core.Utf8;
import dev.nostrcache.core.event.EventJson;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the messages a relay sends to a client (NIP-01, and COUNT of NIP-45) as JSON text, the inverse of
 * {@link RelayMessage#parse}. Strings are escaped as event JSON escapes them; an event or an answer object is passed
 * on as the text it already is, so that it is never parsed and written again.
 */
public final class RelayFrames {
    private RelayFrames() {
    }

    /** {@code ["EVENT", subscriptionId, object]}; {@code objectJson} is one JSON object, written as it is. */
    public static String event(String subscriptionId, String objectJson) {
        StringBuilder sb = new StringBuilder(objectJson.length() + subscriptionId.length() + 16);
        sb.append("[\"EVENT\",");
        EventJson.appendString(sb, subscriptionId);
        return sb.append(',').append(objectJson).append(']').toString();
    }

    /**
     * Primal's batched answer: the objects as {@code ["EVENTS", subscriptionId, [object, ...]]} messages in their
     * order, each at most {@code maxBytes} of UTF-8 (an object too large for that alone gets a message of its own).
     */
    public static List<String> events(String subscriptionId, List<String> objectJsons, int maxBytes) {
        StringBuilder head = new StringBuilder("[\"EVENTS\",");
        EventJson.appendString(head, subscriptionId);
        head.append(",[");
        int emptyBytes = Utf8.length(head) + 2;
        if (!objectJsons.isEmpty() && mostBytes(objectJsons, emptyBytes) <= maxBytes) {
            return List.of(joined(head, objectJsons));
        }
        List<String> frames = new ArrayList<>();
        StringBuilder frame = null;
        int bytes = 0;
        for (String object : objectJsons) {
            int size = Utf8.length(object);
            if (frame != null && bytes + 1 + size > maxBytes) {
                frames.add(frame.append("]]").toString());
                frame = null;
            }
            if (frame == null) {
                frame = new StringBuilder(Math.min(maxBytes, emptyBytes + size)).append(head).append(object);
                bytes = emptyBytes + size;
            } else {
                frame.append(',').append(object);
                bytes += 1 + size;
            }
        }
        if (frame != null) {
            frames.add(frame.append("]]").toString());
        }
        return frames;
    }

    /**
     * The most UTF-8 bytes the objects can take in one message: three per character (a surrogate pair's four are
     * fewer than its two characters' six). Measuring every object exactly was a third of a feed's JVM time
     * (profiled), and nearly every answer fits even counted this way.
     */
    private static long mostBytes(List<String> objectJsons, int emptyBytes) {
        long bytes = emptyBytes;
        for (String object : objectJsons) {
            bytes += 1 + 3L * object.length();
        }
        return bytes;
    }

    private static String joined(CharSequence head, List<String> objectJsons) {
        int chars = head.length() + 2;
        for (String object : objectJsons) {
            chars += object.length() + 1;
        }
        StringBuilder frame = new StringBuilder(chars).append(head);
        for (int i = 0; i < objectJsons.size(); i++) {
            if (i > 0) {
                frame.append(',');
            }
            frame.append(objectJsons.get(i));
        }
        return frame.append("]]").toString();
    }

    public static String eose(String subscriptionId) {
        return typed("EOSE", subscriptionId).append(']').toString();
    }

    public static String ok(String eventId, boolean accepted, String reason) {
        StringBuilder sb = typed("OK", eventId).append(',').append(accepted).append(',');
        EventJson.appendString(sb, reason);
        return sb.append(']').toString();
    }

    public static String closed(String subscriptionId, String reason) {
        StringBuilder sb = typed("CLOSED", subscriptionId).append(',');
        EventJson.appendString(sb, reason);
        return sb.append(']').toString();
    }

    public static String notice(String message) {
        return typed("NOTICE", message).append(']').toString();
    }

    /**
     * {@code ["NOTICE", subscriptionId, message]}: Primal's cache answers a refused request this way, naming it, so
     * that its client can stop waiting for that request.
     */
    public static String notice(String subscriptionId, String message) {
        StringBuilder sb = typed("NOTICE", subscriptionId).append(',');
        EventJson.appendString(sb, message);
        return sb.append(']').toString();
    }

    /** {@code ["COUNT", subscriptionId, {"count": n}]} (NIP-45). */
    public static String count(String subscriptionId, long count) {
        return typed("COUNT", subscriptionId).append(",{\"count\":").append(count).append("}]").toString();
    }

    private static StringBuilder typed(String type, String first) {
        StringBuilder sb = new StringBuilder(first.length() + 32).append("[\"").append(type).append("\",");
        EventJson.appendString(sb, first);
        return sb;
    }
}
