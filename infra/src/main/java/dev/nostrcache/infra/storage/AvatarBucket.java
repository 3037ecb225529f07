package dev.nostrcache.infra.storage;

/** The S3 bucket of cached profile pictures (originals and resized variants). */
public final class AvatarBucket {
    /** The template's resource id. */
    public static final String LOGICAL_ID = "AvatarBucket";

    private AvatarBucket() {
    }

    /** The bucket name the local runtime uses; on AWS CloudFormation names it and passes it in the environment. */
    public static String localName(String stackName) {
        return stackName + "-avatars";
    }
}
