package dev.nostrcache.localstack;

import java.net.URI;
import java.util.Map;

/** The SQS the local runtime uses: the embedded ElasticMQ, or an external one such as LocalStack's. */
interface SqsService extends AutoCloseable {
    URI endpoint();

    /** Queue name to URL, for every queue of the catalog and its dead-letter queue. */
    Map<String, String> queueUrls();

    /** How {@code describe} names it. */
    String kind();
}
