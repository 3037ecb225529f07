package dev.nostrcache.localstack;

import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * S3 from an embedded S3Proxy over a directory: objects are plain files under {@code <directory>/<bucket>/}. It
 * checks SigV4 signatures, so presigned URLs are tested for real.
 */
final class EmbeddedS3Service implements S3Service {
    private final S3Proxy proxy;
    private final URI endpoint;
    private final String bucket;

    private EmbeddedS3Service(S3Proxy proxy, URI endpoint, String bucket) {
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.bucket = bucket;
    }

    static EmbeddedS3Service start(Path directory, int port, String bucket) throws Exception {
        Files.createDirectories(directory);
        int actualPort = port > 0 ? port : FreePort.find();
        URI endpoint = URI.create("http://" + LocalAws.HOST + ":" + actualPort);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(directory.toAbsolutePath().toString()))
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY)
                .build();
        proxy.start();
        try {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("S3Proxy did not start within 20 s (state " + proxy.getState() + ")");
                }
                Thread.sleep(20);
            }
            try (S3Client s3 = LocalAws.s3(endpoint)) {
                ensureBucket(s3, bucket);
            }
            return new EmbeddedS3Service(proxy, endpoint, bucket);
        } catch (Exception e) {
            proxy.stop();
            throw e;
        }
    }

    private static void ensureBucket(S3Client s3, String bucket) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(r -> r.bucket(bucket));
        }
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }

    @Override
    public String kind() {
        return "S3Proxy";
    }
}
