package dev.nostrcache.infra.avatar;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The S3 bucket of cached profile pictures. Objects are content-addressed by the SHA-256 of the original bytes:
 * {@code originals/<sha256>} and {@code variants/<sha256>/<size>.<ext>}, so two profiles with the same picture
 * share its objects, and a picture that changes gets new keys (a presigned URL never serves stale bytes).
 */
public final class AvatarBucket {
    /** The template's resource id. */
    public static final String LOGICAL_ID = "AvatarBucket";
    private static final String ORIGINALS = "originals/";
    private static final String VARIANTS = "variants/";

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    public AvatarBucket(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    /** The bucket name the local runtime uses; on AWS CloudFormation names it and passes it in the environment. */
    public static String localName(String stackName) {
        return stackName + "-avatars";
    }

    public String name() {
        return bucket;
    }

    public static String originalKey(String sha256) {
        return ORIGINALS + sha256;
    }

    /** The key of a variant; {@code fileName} is what the avatars row lists, e.g. {@code m.jpg}. */
    public static String variantKey(String sha256, String fileName) {
        return VARIANTS + sha256 + "/" + fileName;
    }

    public void put(String key, byte[] bytes, String contentType) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType)
                // Objects never change under a key, so browsers and CDNs may keep them for the URL's whole life.
                .cacheControl("public, max-age=31536000, immutable"), RequestBody.fromBytes(bytes));
    }

    /** A GET URL for {@code key} that works for {@code lifetime} without credentials. */
    public URI presignedGet(String key, Duration lifetime) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString());
    }

    /** Deletes the original and every variant of one picture; answers how many objects went. */
    public int deletePicture(String sha256) {
        return deleteUnder(VARIANTS + sha256 + "/") + deleteKeys(List.of(originalKey(sha256)));
    }

    /** Deletes every cached picture; answers how many objects went. */
    public int deleteAll() {
        return deleteUnder(ORIGINALS) + deleteUnder(VARIANTS);
    }

    private int deleteUnder(String prefix) {
        List<String> keys = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents()) {
            keys.add(object.key());
        }
        return deleteKeys(keys);
    }

    private int deleteKeys(List<String> keys) {
        int deleted = 0;
        for (int from = 0; from < keys.size(); from += 1000) {
            List<ObjectIdentifier> chunk = keys.subList(from, Math.min(keys.size(), from + 1000)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(chunk).quiet(true).build()));
            deleted += chunk.size();
        }
        return deleted;
    }
}
