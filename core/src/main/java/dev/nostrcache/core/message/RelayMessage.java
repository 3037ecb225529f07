package dev.nostrcache.core.message;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A message from a relay to a client (NIP-01): {@code EVENT}, {@code EOSE}, {@code NOTICE}, {@code CLOSED},
 * {@code OK}. An {@code EVENT} keeps the event's JSON text exactly as the relay sent it, so that it can be passed on
 * and its id recomputed downstream. Anything else parses to {@link Unknown} or {@link Malformed}; this parser never
 * throws.
 */
public sealed interface RelayMessage {

    record EventMessage(String subscriptionId, String eventJson) implements RelayMessage {
    }

    record Eose(String subscriptionId) implements RelayMessage {
    }

    record Notice(String message) implements RelayMessage {
    }

    record Closed(String subscriptionId, String message) implements RelayMessage {
    }

    record Ok(String eventId, boolean accepted, String message) implements RelayMessage {
    }

    /** A well-formed message of a type we do not act on (AUTH, COUNT, ...). */
    record Unknown(String type) implements RelayMessage {
    }

    /** Not a relay message at all. */
    record Malformed(String reason) implements RelayMessage {
    }

    JsonFactory JSON = JsonFactory.builder().build();

    static RelayMessage parse(String text) {
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), text)) {
            if (p.nextToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_STRING) {
                return new Malformed("not a JSON array starting with a message type");
            }
            String type = p.getString();
            return switch (type) {
                case "EVENT" -> {
                    String sub = nextString(p);
                    if (sub == null || p.nextToken() != JsonToken.START_OBJECT) {
                        yield new Malformed("EVENT needs a subscription id and an event object");
                    }
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    p.skipChildren();
                    int end = (int) p.currentLocation().getCharOffset();
                    yield new EventMessage(sub, text.substring(start, end));
                }
                case "EOSE" -> {
                    String sub = nextString(p);
                    yield sub == null ? new Malformed("EOSE needs a subscription id") : new Eose(sub);
                }
                case "NOTICE" -> {
                    String message = nextString(p);
                    yield message == null ? new Malformed("NOTICE needs a message") : new Notice(message);
                }
                case "CLOSED" -> {
                    String sub = nextString(p);
                    String message = nextString(p);
                    yield sub == null ? new Malformed("CLOSED needs a subscription id")
                            : new Closed(sub, message == null ? "" : message);
                }
                case "OK" -> {
                    String id = nextString(p);
                    JsonToken accepted = p.nextToken();
                    String message = nextString(p);
                    if (id == null || (accepted != JsonToken.VALUE_TRUE && accepted != JsonToken.VALUE_FALSE)) {
                        yield new Malformed("OK needs an event id and a boolean");
                    }
                    yield new Ok(id, accepted == JsonToken.VALUE_TRUE, message == null ? "" : message);
                }
                default -> new Unknown(type);
            };
        } catch (JacksonException e) {
            return new Malformed("malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static String nextString(JsonParser p) {
        return p.nextToken() == JsonToken.VALUE_STRING ? p.getString() : null;
    }
}
