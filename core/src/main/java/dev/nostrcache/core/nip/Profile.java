package dev.nostrcache.core.nip;

import dev.nostrcache.core.event.Event;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fields of a kind 0 profile (NIP-01, NIP-24). Content that is not a JSON object is kept as an event but gives
 * an empty profile with {@code contentIsJson} false. Non-string values are ignored; deprecated {@code displayName}
 * fills in for a missing {@code display_name}. Values are cut to {@link #MAX_FIELD} characters.
 */
public record Profile(
        String name,
        String displayName,
        String picture,
        String about,
        String nip05,
        String lud16,
        String banner,
        String website,
        boolean contentIsJson) {

    public static final int MAX_FIELD = 4096;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static Profile of(Event profile) {
        JsonNode root;
        try {
            root = JSON.readTree(profile.content());
        } catch (JacksonException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new Profile(null, null, null, null, null, null, null, null, false);
        }
        String displayName = text(root, "display_name");
        return new Profile(text(root, "name"), displayName != null ? displayName : text(root, "displayName"),
                text(root, "picture"), text(root, "about"), text(root, "nip05"), text(root, "lud16"),
                text(root, "banner"), text(root, "website"), true);
    }

    private static String text(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.isString() || value.stringValue().isBlank()) {
            return null;
        }
        String s = value.stringValue().replace("\0", "");
        return s.length() <= MAX_FIELD ? s : s.substring(0, MAX_FIELD);
    }
}
