package dev.nostrcache.infra.avatar;

import dev.nostrcache.core.Hex;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.UUID;

/**
 * One message of the avatars queue: cache the picture of {@code pubkey}. A refresh from ingest carries the new
 * {@code url}; an item of a batch or follows job carries its {@code jobId} and no URL (the worker looks the profile up).
 *
 * @param pubkey 64 lowercase hex characters
 * @param url    the picture URL when the sender knows it, else null
 * @param jobId  the job this item belongs to, else null
 * @param reason why it was asked for: "profile-changed", "expired" or "job"
 */
public record AvatarRequest(String pubkey, String url, UUID jobId, String reason) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public AvatarRequest {
        if (!Hex.isLowerHex(pubkey, 64)) {
            throw new IllegalArgumentException("pubkey must be 64 lowercase hex characters");
        }
    }

    public static AvatarRequest refresh(String pubkey, String url, String reason) {
        return new AvatarRequest(pubkey, url, null, reason);
    }

    public static AvatarRequest jobItem(UUID jobId, String pubkey) {
        return new AvatarRequest(pubkey, null, jobId, "job");
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("pubkey", pubkey);
        if (url != null) {
            node.put("url", url);
        }
        if (jobId != null) {
            node.put("job_id", jobId.toString());
        }
        node.put("reason", reason);
        return JSON.writeValueAsString(node);
    }

    /** The request in a message body; IllegalArgumentException with the reason when the body is not one. */
    public static AvatarRequest parse(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON");
        }
        if (node == null || !node.isObject() || !node.path("pubkey").isString()) {
            throw new IllegalArgumentException("expected an object with a pubkey");
        }
        String url = node.path("url").isString() ? node.get("url").asString() : null;
        UUID jobId = null;
        if (node.path("job_id").isString()) {
            try {
                jobId = UUID.fromString(node.get("job_id").asString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("job_id is not a UUID");
            }
        }
        return new AvatarRequest(node.get("pubkey").asString(), url, jobId,
                node.path("reason").isString() ? node.get("reason").asString() : "job");
    }
}
