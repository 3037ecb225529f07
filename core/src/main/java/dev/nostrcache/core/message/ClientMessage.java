package dev.nostrcache.core.message;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.filter.Filter;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * A message from a client to the relay (NIP-01, NIP-45, and Primal's cache requests), or the refusal to send back
 * when it is not acceptable. Refusals carry the NIP-01 machine-readable reason ({@code invalid: ...}) and say which
 * reply fits: {@code OK false} for an event, {@code CLOSED} for a subscription, {@code NOTICE} otherwise.
 */
public sealed interface ClientMessage {

    /** {@code ["REQ", id, filter...]}. */
    record Req(String subscriptionId, List<Filter> filters) implements ClientMessage {
    }

    /** {@code ["COUNT", id, filter...]} (NIP-45). */
    record Count(String subscriptionId, List<Filter> filters) implements ClientMessage {
    }

    /** {@code ["REQ", id, {"cache": [op, params]}]}: a Primal cache API request; params may be absent (null). */
    record CacheRequest(String subscriptionId, String op, JsonNode params) implements ClientMessage {
    }

    /** {@code ["CLOSE", id]} (a third element, as Primal's web client sends, is ignored). */
    record Close(String subscriptionId) implements ClientMessage {
    }

    /** {@code ["EVENT", event]}: structurally valid; its id and signature are still to be verified. */
    record Publish(Event event) implements ClientMessage {
    }

    /** An event refused before verification: answer {@code ["OK", eventId, false, reason]}. */
    record RefusedEvent(String eventId, String reason) implements ClientMessage {
    }

    /** A REQ or COUNT refused: answer {@code ["CLOSED", subscriptionId, reason]}. */
    record RefusedSubscription(String subscriptionId, String reason) implements ClientMessage {
    }

    /** Nothing we can act on: answer {@code ["NOTICE", reason]}. */
    record Unintelligible(String reason) implements ClientMessage {
    }
}
