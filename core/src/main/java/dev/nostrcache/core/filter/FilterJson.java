package dev.nostrcache.core.filter;

import dev.nostrcache.core.event.EventJson;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Writes a filter back as NIP-01 JSON (sorted, so equal filters give equal text), e.g. to store a subscription. */
public final class FilterJson {
    private FilterJson() {
    }

    public static String toJson(Filter f) {
        StringBuilder sb = new StringBuilder("{");
        strings(sb, "ids", f.ids());
        strings(sb, "authors", f.authors());
        if (f.kinds() != null) {
            sb.append(sb.length() > 1 ? "," : "").append("\"kinds\":[");
            boolean first = true;
            for (int kind : new TreeSet<>(f.kinds())) {
                sb.append(first ? "" : ",").append(kind);
                first = false;
            }
            sb.append(']');
        }
        for (Map.Entry<String, Set<String>> tag : new TreeMap<>(f.tags()).entrySet()) {
            strings(sb, "#" + tag.getKey(), tag.getValue());
        }
        number(sb, "since", f.since());
        number(sb, "until", f.until());
        number(sb, "limit", f.limit() == null ? null : f.limit().longValue());
        if (f.search() != null) {
            sb.append(sb.length() > 1 ? "," : "").append("\"search\":");
            EventJson.appendString(sb, f.search());
        }
        return sb.append('}').toString();
    }

    private static void strings(StringBuilder sb, String key, Set<String> values) {
        if (values == null) {
            return;
        }
        sb.append(sb.length() > 1 ? "," : "").append('"').append(key).append("\":[");
        boolean first = true;
        for (String v : new TreeSet<>(values)) {
            sb.append(first ? "" : ",");
            EventJson.appendString(sb, v);
            first = false;
        }
        sb.append(']');
    }

    private static void number(StringBuilder sb, String key, Long value) {
        if (value != null) {
            sb.append(sb.length() > 1 ? "," : "").append('"').append(key).append("\":").append(value);
        }
    }
}
