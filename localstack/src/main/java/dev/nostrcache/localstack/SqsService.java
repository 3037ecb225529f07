package dev.nostrcache.localstack;

import software.amazon.awssdk.services.sqs.SqsClient;

import java.net.URI;
import java.util.Map;

/** The SQS the local runtime uses: the embedded ElasticMQ, or an external one such as LocalStack's. */
interface SqsService extends AutoCloseable {
    URI endpoint();

    /** Queue name to URL, for every queue of the catalog and its dead-letter queue. */
    Map<String, String> queueUrls();

    /**
     * A new client for code in this process, which the caller closes; closing it ends its receives that wait for
     * messages. Over HTTP here; the embedded ElasticMQ hands the calls to its queue actors instead.
     */
    default SqsClient client() {
        return LocalAws.sqs(endpoint());
    }

    /** How {@code describe} names it. */
    String kind();
}
