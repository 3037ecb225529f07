package dev.nostrcache.localstack;

import java.net.URI;

/** The S3 the local runtime uses: the embedded S3Proxy, or an external one such as LocalStack's. */
interface S3Service extends AutoCloseable {
    URI endpoint();

    String bucket();

    String kind();
}
