package dev.nostrcache.core.event;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Limits;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict NIP-01 event parser. It checks the shape of every field and refuses anything NIP-01 does not allow,
 * with a reason a client can read. It does not check the id or the signature: that is {@link EventVerifier}'s job.
 * Unknown fields are ignored, as relays commonly do. Thread-safe.
 */
public final class EventParser {
    static final JsonFactory JSON = JsonFactory.builder().build();

    private static final int ID = 1;
    private static final int PUBKEY = 1 << 1;
    private static final int CREATED_AT = 1 << 2;
    private static final int KIND = 1 << 3;
    private static final int TAGS = 1 << 4;
    private static final int CONTENT = 1 << 5;
    private static final int SIG = 1 << 6;
    private static final int ALL = (1 << 7) - 1;
    private static final String[] FIELD_NAMES = {"id", "pubkey", "created_at", "kind", "tags", "content", "sig"};

    private final int maxEventBytes;

    public EventParser(Limits limits) {
        this.maxEventBytes = limits.maxEventBytes();
    }

    /** A parser for events read back from our own store: they passed the size limit when they arrived. */
    public static EventParser forStoredEvents() {
        return new EventParser(new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 1, 1, 1, 1, 1, 1, 1));
    }

    public Event parse(String json) throws InvalidEventException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    public Event parse(byte[] json) throws InvalidEventException {
        return parse(json, true);
    }

    /**
     * What a reader that passes events on needs of one, after every check {@link #parse} makes: the same reasons for
     * the same faults, but its tags and content are checked where they lie in the parser's buffer instead of being
     * built (a dump's reader and a relay's parse every event, and the functions parse it again; building a contact
     * list's hundreds of tags twice was a tenth of an import's CPU, profiled).
     */
    public EventHead parseHead(String json) throws InvalidEventException {
        Event fields = parse(json.getBytes(StandardCharsets.UTF_8), false);
        return new EventHead(fields.id(), fields.createdAt(), fields.kind());
    }

    /** {@code whole}: with its tags and content; else an event whose tags and content are left empty, once checked. */
    private Event parse(byte[] json, boolean whole) throws InvalidEventException {
        if (json.length > maxEventBytes) {
            throw InvalidEventException.invalid("event is " + json.length + " bytes, the limit is " + maxEventBytes);
        }
        try (JsonParser p = JSON.createParser(ObjectReadContext.empty(), json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw InvalidEventException.invalid("an event must be a JSON object");
            }
            Event event = read(p, whole);
            if (p.nextToken() != null) {
                throw InvalidEventException.invalid("unexpected data after the event object");
            }
            return event;
        } catch (JacksonException e) {
            throw InvalidEventException.invalid("malformed JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Reads one event object from {@code p}, whose current token must be its {@code START_OBJECT}; leaves the parser
     * on the matching {@code END_OBJECT}. Used for events embedded in client messages. The caller bounds the size.
     */
    public Event read(JsonParser p) throws InvalidEventException {
        return read(p, true);
    }

    private Event read(JsonParser p, boolean whole) throws InvalidEventException {
        String id = null;
        String pubkey = null;
        String sig = null;
        String content = "";
        long createdAt = 0;
        int kind = 0;
        List<List<String>> tags = List.of();
        int seen = 0;
        try {
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                int field = fieldBit(name);
                if (field != 0 && (seen & field) != 0) {
                    throw InvalidEventException.invalid("duplicate field '" + name + "'");
                }
                seen |= field;
                JsonToken value = p.nextToken();
                switch (field) {
                    case ID -> id = hexField(p, value, "id", 64);
                    case PUBKEY -> pubkey = hexField(p, value, "pubkey", 64);
                    case SIG -> sig = hexField(p, value, "sig", 128);
                    case CREATED_AT -> createdAt = createdAt(p, value);
                    case KIND -> kind = kind(p, value);
                    case TAGS -> tags = tags(p, value, whole);
                    case CONTENT -> {
                        if (whole) {
                            content = text(p, value, "content");
                        } else {
                            checkText(p, value, "content");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                throw InvalidEventException.invalid("malformed event object");
            }
        } catch (JacksonException e) {
            throw InvalidEventException.invalid("malformed JSON: " + e.getOriginalMessage());
        }
        if (seen != ALL) {
            for (int i = 0; i < FIELD_NAMES.length; i++) {
                if ((seen & (1 << i)) == 0) {
                    throw InvalidEventException.invalid("missing field '" + FIELD_NAMES[i] + "'");
                }
            }
        }
        return new Event(id, pubkey, createdAt, kind, tags, content, sig);
    }

    private static int fieldBit(String name) {
        return switch (name) {
            case "id" -> ID;
            case "pubkey" -> PUBKEY;
            case "created_at" -> CREATED_AT;
            case "kind" -> KIND;
            case "tags" -> TAGS;
            case "content" -> CONTENT;
            case "sig" -> SIG;
            default -> 0;
        };
    }

    private static String hexField(JsonParser p, JsonToken value, String name, int length) throws InvalidEventException {
        if (value != JsonToken.VALUE_STRING) {
            throw InvalidEventException.invalid("'" + name + "' must be a string");
        }
        String s = p.getString();
        if (!Hex.isLowerHex(s, length)) {
            throw InvalidEventException.invalid("'" + name + "' must be " + length + " lowercase hex characters");
        }
        return s;
    }

    private static long createdAt(JsonParser p, JsonToken value) throws InvalidEventException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw InvalidEventException.invalid("'created_at' must be an integer number of seconds");
        }
        if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG) {
            throw InvalidEventException.invalid("'created_at' is out of range");
        }
        long v = p.getLongValue();
        if (v < 0) {
            throw InvalidEventException.invalid("'created_at' must not be negative");
        }
        return v;
    }

    private static int kind(JsonParser p, JsonToken value) throws InvalidEventException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw InvalidEventException.invalid("'kind' must be an integer");
        }
        if (p.getNumberType() != JsonParser.NumberType.INT) {
            throw InvalidEventException.invalid("'kind' must be between 0 and 65535");
        }
        int v = p.getIntValue();
        if (v < KindClass.MIN_KIND || v > KindClass.MAX_KIND) {
            throw InvalidEventException.invalid("'kind' must be between 0 and 65535");
        }
        return v;
    }

    /** The tags, or when not {@code whole} an empty list once they are checked. */
    private static List<List<String>> tags(JsonParser p, JsonToken value, boolean whole) throws InvalidEventException {
        if (value != JsonToken.START_ARRAY) {
            throw InvalidEventException.invalid("'tags' must be an array of arrays of strings");
        }
        List<List<String>> tags = whole ? new ArrayList<>() : List.of();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_ARRAY) {
                throw InvalidEventException.invalid("'tags' must be an array of arrays of strings");
            }
            List<String> tag = whole ? new ArrayList<>(4) : null;
            JsonToken element;
            while ((element = p.nextToken()) != JsonToken.END_ARRAY) {
                if (element != JsonToken.VALUE_STRING) {
                    throw InvalidEventException.invalid("tag elements must be strings");
                }
                if (whole) {
                    tag.add(text(p, element, "tag element"));
                } else {
                    checkText(p, element, "tag element");
                }
            }
            if (whole) {
                tags.add(tag);
            }
        }
        return tags;
    }

    private static String text(JsonParser p, JsonToken value, String name) throws InvalidEventException {
        checkText(p, value, name);
        return p.getString();
    }

    /** A string without lone surrogates, checked where it lies in the parser's buffer. */
    private static void checkText(JsonParser p, JsonToken value, String name) throws InvalidEventException {
        if (value != JsonToken.VALUE_STRING) {
            throw InvalidEventException.invalid("'" + name + "' must be a string");
        }
        if (hasLoneSurrogate(p.getStringCharacters(), p.getStringOffset(), p.getStringLength())) {
            throw InvalidEventException.invalid(name + " contains a lone surrogate, which UTF-8 cannot encode");
        }
    }

    private static boolean hasLoneSurrogate(char[] chars, int offset, int length) {
        for (int i = offset, n = offset + length; i < n; i++) {
            char c = chars[i];
            if (c < Character.MIN_SURROGATE) {
                continue;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
