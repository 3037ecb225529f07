package dev.nostrcache.infra.avatar;

import java.util.List;

/**
 * The avatars queue, seen from its senders: ingest asks for a refresh when a newer kind 0 changes a picture, the
 * HTTP API for a refresh of an expired picture and for the items of batch and follows jobs. The avatar function
 * consumes it.
 */
public interface AvatarQueue {

    void send(List<AvatarRequest> requests);

    default void pictureChanged(String pubkey, String pictureUrl) {
        send(List.of(AvatarRequest.refresh(pubkey, pictureUrl, "profile-changed")));
    }

    /** For deployments without an avatar cache: requests are dropped. */
    AvatarQueue NONE = requests -> {
    };
}
