package dev.nostrcache.core.message;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.filter.FilterParser;
import dev.nostrcache.core.filter.InvalidFilterException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses client messages strictly and never throws: every input becomes a {@link ClientMessage}, refusals included,
 * each with the reason the client will read. Limits: message size, subscription id length, filters per request
 * (filter limits themselves are {@link FilterParser}'s).
 */
public final class ClientMessageParser {
    // Duplicate keys are refused here already: the tree would otherwise keep the last one silently.
    private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** An id string longer than this is not echoed back (an id is 64 characters). */
    private static final int MAX_ECHOED_ID_CHARS = 256;

    private final Limits limits;
    private final FilterParser filters;
    private final EventParser events;

    public ClientMessageParser(Limits limits) {
        this.limits = limits;
        this.filters = new FilterParser(limits);
        this.events = new EventParser(limits);
    }

    public ClientMessage parse(String text) {
        int bytes = text.length() > limits.maxMessageBytes() / 3 ? text.getBytes(StandardCharsets.UTF_8).length : 0;
        if (bytes > limits.maxMessageBytes()) {
            return new ClientMessage.Unintelligible("invalid: message is " + bytes + " bytes, the limit is "
                    + limits.maxMessageBytes());
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            return new ClientMessage.Unintelligible("invalid: malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray() || root.isEmpty() || !root.get(0).isString()) {
            return new ClientMessage.Unintelligible("invalid: a message is a JSON array starting with its type");
        }
        String type = root.get(0).stringValue();
        return switch (type) {
            case "EVENT" -> event(root);
            case "REQ" -> subscription(root, true);
            case "COUNT" -> subscription(root, false);
            case "CLOSE" -> close(root);
            default -> new ClientMessage.Unintelligible("invalid: unknown message type '"
                    + (type.length() > 16 ? type.substring(0, 16) + "..." : type) + "'");
        };
    }

    /**
     * Every EVENT is answered: a refused one by {@code OK false} with its id exactly as sent (even when the id itself
     * is what is wrong, so the client can match the answer; an empty id when the object has no id string), and by a
     * NOTICE only when there is no event object at all.
     */
    private ClientMessage event(JsonNode root) {
        JsonNode event = root.size() >= 2 ? root.get(1) : null;
        if (event == null || !event.isObject()) {
            return new ClientMessage.Unintelligible("invalid: EVENT takes exactly one event object");
        }
        JsonNode id = event.get("id");
        boolean echoable = id != null && id.isString() && id.stringValue().length() <= MAX_ECHOED_ID_CHARS;
        String eventId = echoable ? id.stringValue() : "";
        if (root.size() != 2) {
            return new ClientMessage.RefusedEvent(eventId, "invalid: EVENT takes exactly one event object");
        }
        try {
            return new ClientMessage.Publish(events.parse(JSON.writeValueAsString(event)));
        } catch (InvalidEventException e) {
            return new ClientMessage.RefusedEvent(eventId, e.reason());
        }
    }

    private ClientMessage subscription(JsonNode root, boolean req) {
        String type = req ? "REQ" : "COUNT";
        if (root.size() < 2 || !root.get(1).isString()) {
            return new ClientMessage.Unintelligible("invalid: " + type + " needs a subscription id");
        }
        String id = root.get(1).stringValue();
        if (id.isEmpty() || id.length() > limits.maxSubscriptionIdLength()) {
            return new ClientMessage.Unintelligible("invalid: subscription ids are 1 to "
                    + limits.maxSubscriptionIdLength() + " characters");
        }
        if (req && root.size() == 3 && root.get(2).isObject() && root.get(2).has("cache")) {
            return cacheRequest(id, root.get(2).get("cache"));
        }
        int count = root.size() - 2;
        if (count < 1) {
            return new ClientMessage.RefusedSubscription(id, "invalid: " + type + " needs at least one filter");
        }
        if (count > limits.maxFiltersPerRequest()) {
            return new ClientMessage.RefusedSubscription(id, "invalid: " + count + " filters, the limit is "
                    + limits.maxFiltersPerRequest());
        }
        List<Filter> parsed = new ArrayList<>(count);
        for (int i = 2; i < root.size(); i++) {
            try {
                parsed.add(filters.parse(root.get(i)));
            } catch (InvalidFilterException e) {
                return new ClientMessage.RefusedSubscription(id, e.reason());
            }
        }
        return req ? new ClientMessage.Req(id, parsed) : new ClientMessage.Count(id, parsed);
    }

    private static ClientMessage cacheRequest(String id, JsonNode cache) {
        if (!cache.isArray() || cache.isEmpty() || cache.size() > 2 || !cache.get(0).isString()
                || (cache.size() == 2 && !cache.get(1).isObject())) {
            return new ClientMessage.RefusedSubscription(id, "invalid: cache requests are {\"cache\": [op, {params}]}");
        }
        return new ClientMessage.CacheRequest(id, cache.get(0).stringValue(), cache.size() == 2 ? cache.get(1) : null);
    }

    private ClientMessage close(JsonNode root) {
        if (root.size() < 2 || root.size() > 3 || !root.get(1).isString()) {
            return new ClientMessage.Unintelligible("invalid: CLOSE takes a subscription id");
        }
        return new ClientMessage.Close(root.get(1).stringValue());
    }
}
