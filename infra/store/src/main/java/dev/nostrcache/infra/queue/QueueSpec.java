package dev.nostrcache.infra.queue;

/**
 * One SQS queue and its dead-letter queue, as both runtimes create them: the SAM template on AWS, the embedded
 * ElasticMQ locally. {@code name} is the suffix after the stack name ({@code <stack>-<name>}, {@code <stack>-<name>-dlq}).
 *
 * @param name                      queue name suffix
 * @param logicalId                 the template's resource id of the queue; the DLQ's is derived
 * @param visibilityTimeoutSeconds  longer than the consuming function's timeout, as Lambda requires
 * @param maxReceiveCount           deliveries before a message moves to the DLQ
 * @param batchSize                 event-source mapping batch size
 * @param batchWindowSeconds        event-source mapping batching window
 */
public record QueueSpec(
        String name,
        String logicalId,
        int visibilityTimeoutSeconds,
        int maxReceiveCount,
        int batchSize,
        int batchWindowSeconds) {

    /** DLQs keep a message for the SQS maximum, so an operator has two weeks to look at it. */
    public static final int DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

    public String queueName(String stackName) {
        return stackName + "-" + name;
    }

    public String deadLetterQueueName(String stackName) {
        return stackName + "-" + name + "-dlq";
    }

    public String deadLetterLogicalId() {
        return logicalId.replaceFirst("Queue$", "DeadLetterQueue");
    }
}
