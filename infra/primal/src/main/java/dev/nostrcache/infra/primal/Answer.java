package dev.nostrcache.infra.primal;

import dev.nostrcache.core.event.EventJson;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one cache request answers: JSON objects in the order they go out, one EVENT each. Real events are kept as
 * their stored JSON (so they re-hash to their ids); synthetic objects are {@code {"kind":K,"content":"<json>"}}
 * with the content as a JSON string, never a nested object. An event already in the answer is not sent twice.
 */
public final class Answer {
    private final List<String> objects = new ArrayList<>();
    private final Set<String> sentEvents = new LinkedHashSet<>();

    public List<String> objects() {
        return objects;
    }

    /** A stored event, unless it was already sent (by id). */
    Answer event(String id, String json) {
        if (sentEvents.add(id)) {
            objects.add(json);
        }
        return this;
    }

    boolean hasEvent(String id) {
        return sentEvents.contains(id);
    }

    /** A synthetic object whose content is {@code contentJson} (serialised into a string). */
    Answer synthetic(int kind, String contentJson) {
        objects.add(syntheticObject(kind, contentJson));
        return this;
    }

    /** The object {@link #synthetic(int, String)} adds. */
    static String syntheticObject(int kind, String contentJson) {
        StringBuilder sb = new StringBuilder("{\"kind\":").append(kind).append(",\"content\":");
        EventJson.appendString(sb, contentJson);
        return sb.append('}').toString();
    }

    /** A synthetic object with extra top-level fields before the content ({@code "pubkey":"..",}), as some kinds have. */
    Answer synthetic(int kind, String topLevelFields, String contentJson) {
        StringBuilder sb = new StringBuilder("{\"kind\":").append(kind).append(',').append(topLevelFields)
                .append(",\"content\":");
        EventJson.appendString(sb, contentJson);
        objects.add(sb.append('}').toString());
        return this;
    }

    /** An object written whole (for the shapes with no content, e.g. a top-level summary). */
    Answer raw(String json) {
        objects.add(json);
        return this;
    }
}
