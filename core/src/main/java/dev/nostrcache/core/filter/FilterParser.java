package dev.nostrcache.core.filter;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.KindClass;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A strict NIP-01 filter parser. Ids, authors and {@code #e}/{@code #p} values must be exact 64-character lowercase
 * hex: prefix matching left NIP-01 in 2023 and is refused rather than silently treated as a prefix. Lists must not
 * be empty, numbers must be non-negative integers, unknown keys are refused. {@code limit} is clamped. Thread-safe.
 */
public final class FilterParser {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<String> HEX_TAGS = Set.of("e", "p");

    private final Limits limits;

    public FilterParser(Limits limits) {
        this.limits = limits;
    }

    public Filter parse(String json) throws InvalidFilterException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidFilterException("malformed JSON: " + e.getOriginalMessage());
        }
        return parse(node);
    }

    public Filter parse(JsonNode node) throws InvalidFilterException {
        if (node == null || !node.isObject()) {
            throw new InvalidFilterException("a filter must be a JSON object");
        }
        Set<String> ids = null;
        Set<String> authors = null;
        Set<Integer> kinds = null;
        Map<String, Set<String>> tags = new HashMap<>();
        Long since = null;
        Long until = null;
        Integer limit = null;
        String search = null;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            switch (key) {
                case "ids" -> ids = hexList(key, value);
                case "authors" -> authors = hexList(key, value);
                case "kinds" -> kinds = kinds(value);
                case "since" -> since = nonNegative(key, value);
                case "until" -> until = nonNegative(key, value);
                case "limit" -> limit = (int) Math.min(nonNegative(key, value), limits.maxLimit());
                case "search" -> search = search(value);
                default -> {
                    if (!isTagKey(key)) {
                        throw new InvalidFilterException("unsupported filter key '" + truncate(key) + "'");
                    }
                    String letter = key.substring(1);
                    tags.put(letter, HEX_TAGS.contains(letter) ? hexList(key, value) : stringList(key, value));
                }
            }
        }
        return new Filter(ids, authors, kinds, tags, since, until, limit, search);
    }

    private static boolean isTagKey(String key) {
        if (key.length() != 2 || key.charAt(0) != '#') {
            return false;
        }
        char c = key.charAt(1);
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private Set<String> hexList(String key, JsonNode value) throws InvalidFilterException {
        Set<String> out = new HashSet<>();
        for (JsonNode element : list(key, value)) {
            if (!element.isString() || !Hex.isLowerHex(element.stringValue(), 64)) {
                throw new InvalidFilterException("'" + key
                        + "' values must be 64-character lowercase hex (prefixes are not supported)");
            }
            out.add(element.stringValue());
        }
        return out;
    }

    private Set<String> stringList(String key, JsonNode value) throws InvalidFilterException {
        Set<String> out = new HashSet<>();
        for (JsonNode element : list(key, value)) {
            if (!element.isString()) {
                throw new InvalidFilterException("'" + key + "' values must be strings");
            }
            out.add(element.stringValue());
        }
        return out;
    }

    private Set<Integer> kinds(JsonNode value) throws InvalidFilterException {
        Set<Integer> out = new HashSet<>();
        for (JsonNode element : list("kinds", value)) {
            if (!element.isIntegralNumber() || !element.canConvertToLong()
                    || element.longValue() < KindClass.MIN_KIND || element.longValue() > KindClass.MAX_KIND) {
                throw new InvalidFilterException("'kinds' values must be integers between 0 and 65535");
            }
            out.add((int) element.longValue());
        }
        return out;
    }

    private Iterable<JsonNode> list(String key, JsonNode value) throws InvalidFilterException {
        if (!value.isArray()) {
            throw new InvalidFilterException("'" + key + "' must be an array");
        }
        if (value.isEmpty()) {
            throw new InvalidFilterException("'" + key + "' must have at least one value");
        }
        if (value.size() > limits.maxFilterValues()) {
            throw new InvalidFilterException("'" + key + "' has " + value.size() + " values, the limit is "
                    + limits.maxFilterValues());
        }
        return value.values();
    }

    private static long nonNegative(String key, JsonNode value) throws InvalidFilterException {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new InvalidFilterException("'" + key + "' must be a non-negative integer");
        }
        return value.longValue();
    }

    private static String search(JsonNode value) throws InvalidFilterException {
        if (!value.isString()) {
            throw new InvalidFilterException("'search' must be a string");
        }
        return value.stringValue();
    }

    private static String truncate(String key) {
        return key.length() <= 32 ? key : key.substring(0, 32) + "...";
    }
}
