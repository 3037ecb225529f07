package dev.nostrcache.core.message;

import dev.nostrcache.core.Utf8;
import dev.nostrcache.core.event.EventJson;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
        // A concatenation sizes the frame once, for the coder it needs, where appending the object to the head's builder
        // and copying that out allocated the frame twice (three times when the object widened it beyond Latin-1).
        return head("EVENT", subscriptionId) + objectJson + "]";
    }

    /**
     * {@link #event(String, String)} in UTF-8, around an object that is UTF-8 already (as PostgreSQL sends a stored
     * event): the object is copied once, never decoded and encoded again.
     */
    public static byte[] event(String subscriptionId, byte[] objectUtf8) {
        byte[] head = head("EVENT", subscriptionId).getBytes(StandardCharsets.UTF_8);
        byte[] frame = Arrays.copyOf(head, head.length + objectUtf8.length + 1);
        System.arraycopy(objectUtf8, 0, frame, head.length, objectUtf8.length);
        frame[frame.length - 1] = ']';
        return frame;
    }

    /**
     * Primal's batched answer: the objects as {@code ["EVENTS", subscriptionId, [object, ...]]} messages in their
     * order, each at most {@code maxBytes} of UTF-8 (an object too large for that alone gets a message of its own).
     */
    public static List<String> events(String subscriptionId, List<String> objectJsons, int maxBytes) {
        String head = head("EVENTS", subscriptionId) + "[";
        int emptyBytes = Utf8.length(head) + 2;
        long chars = 0;
        for (String object : objectJsons) {
            chars += 1 + object.length();
        }
        // A character takes at most three bytes of UTF-8: an answer that fits counted so is one message, and no object
        // needs measuring (measuring each was a third of a feed's JVM time, profiled). Unmeasured, `bytes` counts
        // characters, a lower bound that then never reaches the limit.
        boolean measure = emptyBytes + 3 * chars > maxBytes;
        List<String> frames = new ArrayList<>();
        StringBuilder frame = null;
        int bytes = 0;
        for (String object : objectJsons) {
            int size = measure ? Utf8.length(object) : object.length();
            if (frame != null && bytes + 1 + size > maxBytes) {
                frames.add(frame.append("]]").toString());
                frame = null;
            }
            if (frame == null) {
                int capacity = measure ? Math.min(maxBytes, emptyBytes + size) : (int) (head.length() + 2 + chars);
                frame = new StringBuilder(capacity).append(head).append(object);
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

    /** {@code ["type","first",}: a frame's start before its next element. */
    private static String head(String type, String first) {
        return typed(type, first).append(',').toString();
    }

    private static StringBuilder typed(String type, String first) {
        StringBuilder sb = new StringBuilder(first.length() + 32).append("[\"").append(type).append("\",");
        EventJson.appendString(sb, first);
        return sb;
    }
}
