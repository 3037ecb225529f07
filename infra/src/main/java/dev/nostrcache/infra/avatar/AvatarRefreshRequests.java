package dev.nostrcache.infra.avatar;

/**
 * Where ingest asks for a profile picture to be fetched again because a newer kind 0 changed it. The avatar cache
 * consumes these requests; ingest only states the need.
 */
public interface AvatarRefreshRequests {

    void pictureChanged(String pubkey, String pictureUrl);

    /** For deployments without an avatar cache: requests are dropped. */
    AvatarRefreshRequests NONE = (pubkey, pictureUrl) -> {
    };
}
