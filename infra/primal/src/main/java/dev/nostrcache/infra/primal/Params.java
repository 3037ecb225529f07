package dev.nostrcache.infra.primal;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.nip.Nip19;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * An op's parameter object, read the way Primal's server reads its keyword arguments: hex pubkeys and ids, unix
 * seconds, defaults when a key is missing, and an error naming the parameter when one is malformed. Unknown keys are
 * ignored (Primal errors on some; we stay lenient, see docs/primal-api.md).
 */
final class Params {
    private final JsonNode node;
    private final long now;

    Params(JsonNode node, long nowSeconds) {
        this.node = node == null || !node.isObject() ? JsonNodeFactory.instance.objectNode() : node;
        this.now = nowSeconds;
    }

    long now() {
        return now;
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    String string(String name, String fallback) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isString()) {
            throw new PrimalException("invalid " + name);
        }
        return v.asString();
    }

    String requiredString(String name) throws PrimalException {
        String s = string(name, null);
        if (s == null) {
            throw new PrimalException("missing " + name);
        }
        return s;
    }

    /** A 64-character lowercase hex key; Primal's proxy answers "invalid pubkey" for anything else. */
    String hex(String name) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || !Hex.isLowerHex(v.asString(), 64)) {
            throw new PrimalException(name.contains("event") || name.endsWith("id") ? "invalid event id" : "invalid pubkey");
        }
        return v.asString();
    }

    String requiredHex(String name) throws PrimalException {
        String s = hex(name);
        if (s == null) {
            throw new PrimalException("missing " + name);
        }
        return s;
    }

    /**
     * Event references: 64-character hex ids, or NIP-19 {@code naddr}s (Primal's web client asks for an article by
     * its naddr), each once; anything else is "invalid event id".
     */
    EventRefs eventRefs(String name) throws PrimalException {
        JsonNode v = node.get(name);
        EventRefs refs = new EventRefs(new ArrayList<>(), new ArrayList<>());
        if (v == null || v.isNull()) {
            return refs;
        }
        if (!v.isArray()) {
            throw new PrimalException("invalid " + name);
        }
        for (JsonNode item : v.values()) {
            String ref = item.isString() ? item.asString() : "";
            Nip19.Address address = ref.startsWith("naddr1") ? Nip19.address(ref) : null;
            if (address != null) {
                if (!refs.addresses().contains(address)) {
                    refs.addresses().add(address);
                }
            } else if (Hex.isLowerHex(ref, 64)) {
                if (!refs.ids().contains(ref)) {
                    refs.ids().add(ref);
                }
            } else {
                throw new PrimalException("invalid event id");
            }
        }
        return refs;
    }

    /** Event ids and addresses, in the order asked. */
    record EventRefs(List<String> ids, List<Nip19.Address> addresses) {
        boolean isEmpty() {
            return ids.isEmpty() && addresses.isEmpty();
        }
    }

    List<String> hexList(String name) throws PrimalException {
        JsonNode v = node.get(name);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new PrimalException("invalid " + name);
        }
        for (JsonNode item : v.values()) {
            if (!item.isString() || !Hex.isLowerHex(item.asString(), 64)) {
                throw new PrimalException(name.equals("pubkeys") ? "invalid pubkey" : "invalid event id");
            }
            if (!out.contains(item.asString())) {
                out.add(item.asString());
            }
        }
        return out;
    }

    List<Integer> intList(String name, List<Integer> fallback) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isArray()) {
            throw new PrimalException("invalid " + name);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode item : v.values()) {
            if (!item.isIntegralNumber()) {
                throw new PrimalException("invalid " + name);
            }
            out.add(item.asInt());
        }
        return out;
    }

    long number(String name, long fallback) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw new PrimalException("invalid " + name);
        }
        return v.asLong();
    }

    /** A required event kind. */
    int requiredKind(String name) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new PrimalException("missing " + name);
        }
        if (!v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > 65535) {
            throw new PrimalException("invalid " + name);
        }
        return v.asInt();
    }

    /** The objects of a list parameter, each read as parameters of its own. */
    List<Params> objects(String name) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw new PrimalException("missing " + name);
        }
        if (!v.isArray()) {
            throw new PrimalException("invalid " + name);
        }
        List<Params> out = new ArrayList<>();
        for (JsonNode item : v.values()) {
            if (!item.isObject()) {
                throw new PrimalException("invalid " + name);
            }
            out.add(new Params(item, now));
        }
        return out;
    }

    boolean bool(String name, boolean fallback) throws PrimalException {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw new PrimalException("invalid " + name);
        }
        return v.asBoolean();
    }

    JsonNode raw(String name) {
        return node.get(name);
    }

    /** {@code limit} with its default; above {@code max} is "limit too big", as Primal's server says. */
    int limit(int fallback, int max) throws PrimalException {
        long limit = number("limit", fallback);
        if (limit > max) {
            throw new PrimalException("limit too big");
        }
        return (int) Math.max(0, limit);
    }

    /** {@code limit} with its default, silently capped at {@code cap} (the ops where Primal caps). */
    int cappedLimit(int fallback, int cap) throws PrimalException {
        return (int) Math.max(0, Math.min(cap, number("limit", fallback)));
    }

    /** The paging window of feed-like ops: since (0), until (now), offset (0). */
    Page page() throws PrimalException {
        return new Page(number("since", 0), number("until", now), (int) Math.max(0, number("offset", 0)));
    }

    record Page(long since, long until, int offset) {
    }
}
