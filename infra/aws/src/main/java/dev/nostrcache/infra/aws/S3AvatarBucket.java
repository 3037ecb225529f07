package dev.nostrcache.infra.aws;

import dev.nostrcache.infra.avatar.AvatarBucket;
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

/** {@link AvatarBucket} on S3: presigned GET URLs, deletes in chunks of 1,000 keys (the API's limit). */
public final class S3AvatarBucket implements AvatarBucket {

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    public S3AvatarBucket(S3Client s3, S3Presigner presigner, String bucket) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
    }

    @Override
    public String name() {
        return bucket;
    }

    @Override
    public void put(String key, byte[] bytes, String contentType) {
        s3.putObject(r -> r.bucket(bucket).key(key).contentType(contentType)
                // Objects never change under a key, so browsers and CDNs may keep them for the URL's whole life.
                .cacheControl("public, max-age=31536000, immutable"), RequestBody.fromBytes(bytes));
    }

    @Override
    public URI presignedGet(String key, Duration lifetime) {
        return URI.create(presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                .getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString());
    }

    @Override
    public int deletePicture(String sha256) {
        return deleteUnder(VARIANTS + sha256 + "/") + deleteKeys(List.of(AvatarBucket.originalKey(sha256)));
    }

    @Override
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
