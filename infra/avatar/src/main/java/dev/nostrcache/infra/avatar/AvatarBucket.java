package dev.nostrcache.infra.avatar;

import java.net.URI;
import java.time.Duration;

/**
 * The bucket of cached profile pictures. Objects are content-addressed by the SHA-256 of the original bytes:
 * {@code originals/<sha256>} and {@code variants/<sha256>/<size>.<ext>}, so two profiles with the same picture
 * share its objects, and a picture that changes gets new keys (a presigned URL never serves stale bytes).
 */
public interface AvatarBucket {
    /** The template's resource id. */
    String LOGICAL_ID = "AvatarBucket";
    String ORIGINALS = "originals/";
    String VARIANTS = "variants/";

    /** The bucket name the local runtime uses; on AWS CloudFormation names it and passes it in the environment. */
    static String localName(String stackName) {
        return stackName + "-avatars";
    }

    static String originalKey(String sha256) {
        return ORIGINALS + sha256;
    }

    /** The key of a variant; {@code fileName} is what the avatars row lists, e.g. {@code m.jpg}. */
    static String variantKey(String sha256, String fileName) {
        return VARIANTS + sha256 + "/" + fileName;
    }

    String name();

    /** Stores {@code bytes} under {@code key}; objects never change under a key, so they may be cached forever. */
    void put(String key, byte[] bytes, String contentType);

    /** A GET URL for {@code key} that works for {@code lifetime} without credentials. */
    URI presignedGet(String key, Duration lifetime);

    /** Deletes the original and every variant of one picture; answers how many objects went. */
    int deletePicture(String sha256);

    /** Deletes every cached picture; answers how many objects went. */
    int deleteAll();
}
