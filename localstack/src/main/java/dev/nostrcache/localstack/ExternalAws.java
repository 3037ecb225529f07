package dev.nostrcache.localstack;

import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * SQS and S3 somewhere else (LocalStack in Docker, say), reached through {@code sqs_endpoint} and {@code s3_endpoint}
 * or the standard {@code AWS_ENDPOINT_URL_SQS}/{@code _S3}/{@code AWS_ENDPOINT_URL}. Nothing is created there: the
 * queues and the bucket must exist (localstack/init creates them), and a missing one is a clear error.
 */
final class ExternalAws {
    private ExternalAws() {
    }

    private record Sqs(URI endpoint, Map<String, String> queueUrls) implements SqsService {
        @Override
        public String kind() {
            return "external";
        }

        @Override
        public void close() {
            // nothing of ours runs there
        }
    }

    private record S3(URI endpoint, String bucket) implements S3Service {
        @Override
        public String kind() {
            return "external";
        }

        @Override
        public void close() {
            // nothing of ours runs there
        }
    }

    static SqsService sqs(URI endpoint, String stackName) {
        Map<String, String> urls = new LinkedHashMap<>();
        try (SqsClient sqs = LocalAws.sqs(endpoint)) {
            for (QueueSpec spec : Queues.all()) {
                for (String name : List.of(spec.queueName(stackName), spec.deadLetterQueueName(stackName))) {
                    try {
                        urls.put(name, sqs.getQueueUrl(r -> r.queueName(name)).queueUrl());
                    } catch (QueueDoesNotExistException e) {
                        throw new IllegalStateException("the queue " + name + " does not exist at " + endpoint
                                + ": create the queues first (localstack/init/ready.d/10-nostr-cache.sh does)");
                    }
                }
            }
        }
        return new Sqs(endpoint, Collections.unmodifiableMap(urls));
    }

    static S3Service s3(URI endpoint, String bucket) {
        try (S3Client s3 = LocalAws.s3(endpoint)) {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw new IllegalStateException("the bucket " + bucket + " does not exist at " + endpoint
                    + ": create it first (localstack/init/ready.d/10-nostr-cache.sh does)");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new IllegalStateException("the bucket " + bucket + " does not exist at " + endpoint
                        + ": create it first (localstack/init/ready.d/10-nostr-cache.sh does)");
            }
            throw e;
        }
        return new S3(endpoint, bucket);
    }
}
