package dev.nostrcache.localstack;

import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SQS from an embedded ElasticMQ (it speaks the JSON protocol of current SDKs), with every queue of
 * {@link Queues#all()} and its dead-letter queue created through the real SDK, redrive policy included, exactly as
 * the SAM template declares them.
 */
final class EmbeddedSqsService implements SqsService {
    private final SQSRestServer server;
    private final URI endpoint;
    private final Map<String, String> queueUrls;

    private EmbeddedSqsService(SQSRestServer server, URI endpoint, Map<String, String> queueUrls) {
        this.server = server;
        this.endpoint = endpoint;
        this.queueUrls = queueUrls;
    }

    static EmbeddedSqsService start(int port, String stackName) {
        int actualPort = port > 0 ? port : FreePort.find();
        SQSRestServer server = SQSRestServerBuilder
                .withPort(actualPort)
                .withInterface(LocalAws.HOST)
                .withServerAddress(new NodeAddress("http", LocalAws.HOST, actualPort, ""))
                .withAWSRegion(LocalAws.REGION)
                .withAWSAccountId(LocalAws.ACCOUNT_ID)
                .start();
        try {
            server.waitUntilStarted();
            URI endpoint = URI.create("http://" + LocalAws.HOST + ":" + actualPort);
            try (SqsClient sqs = LocalAws.sqs(endpoint)) {
                return new EmbeddedSqsService(server, endpoint, createQueues(sqs, stackName));
            }
        } catch (RuntimeException e) {
            server.stopAndWait(); // ElasticMQ's threads are not daemons: never leave them behind
            throw e;
        }
    }

    private static Map<String, String> createQueues(SqsClient sqs, String stackName) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (QueueSpec spec : Queues.all()) {
            String dlqName = spec.deadLetterQueueName(stackName);
            String dlqUrl = sqs.createQueue(r -> r.queueName(dlqName).attributes(Map.of(
                    QueueAttributeName.MESSAGE_RETENTION_PERIOD, Integer.toString(QueueSpec.DLQ_RETENTION_SECONDS))))
                    .queueUrl();
            String dlqArn = sqs.getQueueAttributes(r -> r.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + spec.maxReceiveCount() + "\"}";
            String name = spec.queueName(stackName);
            String url = sqs.createQueue(r -> r.queueName(name).attributes(Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(spec.visibilityTimeoutSeconds()),
                    QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
            urls.put(name, url);
            urls.put(dlqName, dlqUrl);
        }
        return urls;
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    /** Queue name to URL, dead-letter queues included. */
    @Override
    public Map<String, String> queueUrls() {
        return queueUrls;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }

    @Override
    public String kind() {
        return "ElasticMQ";
    }
}
