package dev.nostrcache.core.nip;

import dev.nostrcache.core.event.Event;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** NIP-65 (kind 10002): the relays of a user from its {@code r} tags; no marker means both read and write. */
public final class RelayList {
    /** One relay of a list; the URL is normalised (lowercase scheme and host, no trailing slash). */
    public record Entry(String url, boolean read, boolean write) {
    }

    private RelayList() {
    }

    public static List<Entry> of(Event relayList) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (List<String> tag : relayList.tags()) {
            if (tag.size() < 2 || !tag.get(0).equals("r")) {
                continue;
            }
            String url = normalise(tag.get(1));
            if (url == null) {
                continue;
            }
            String marker = tag.size() >= 3 ? tag.get(2) : "";
            boolean read = !marker.equals("write");
            boolean write = !marker.equals("read");
            Entry previous = entries.get(url);
            if (previous != null) {
                read |= previous.read();
                write |= previous.write();
            }
            entries.put(url, new Entry(url, read, write));
        }
        return List.copyOf(entries.values());
    }

    /** A ws:// or wss:// URL in a canonical form, or null when it is not one. */
    public static String normalise(String raw) {
        if (raw == null || raw.length() > 512) {
            return null;
        }
        try {
            URI uri = new URI(raw.trim());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!("ws".equals(scheme) || "wss".equals(scheme)) || uri.getHost() == null || uri.getUserInfo() != null) {
                return null;
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + port + path + query;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
