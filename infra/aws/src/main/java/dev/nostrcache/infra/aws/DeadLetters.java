package dev.nostrcache.infra.aws;

import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The dead-letter queues of the catalog: how many messages wait in each, and moving them back to the queues they
 * came from. A message is sent to its source queue as a new one (body and attributes as they were, so its receive
 * count starts again) before it is deleted from the dead-letter queue; a crash in between leaves a copy in both,
 * which ingest takes as the duplicate it is. On AWS, SQS's own message move task does the same.
 */
public final class DeadLetters {
    private final SqsClient sqs;
    private final Map<String, String> queueUrls;
    private final String stackName;

    /** @param queueUrls queue name to URL, dead-letter queues included (as the local runtime lists them) */
    public DeadLetters(SqsClient sqs, Map<String, String> queueUrls, String stackName) {
        this.sqs = sqs;
        this.queueUrls = Map.copyOf(queueUrls);
        this.stackName = stackName;
    }

    /** Messages in one queue, visible and in flight. */
    public long depth(String queueName) {
        Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url(queueName)).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Dead-letter queue name to its depth, for the ones that hold anything. */
    public Map<String, Long> waiting() {
        Map<String, Long> waiting = new LinkedHashMap<>();
        for (QueueSpec spec : Queues.all()) {
            String name = spec.deadLetterQueueName(stackName);
            long depth = depth(name);
            if (depth > 0) {
                waiting.put(name, depth);
            }
        }
        return waiting;
    }

    /**
     * The queue spec that {@code name} means: a group's short name ({@code notes}, {@code avatars}), its queue's
     * name or its dead-letter queue's name.
     */
    public Optional<QueueSpec> spec(String name) {
        return Queues.all().stream().filter(spec -> name.equals(spec.name()) || name.equals(spec.queueName(stackName))
                || name.equals(spec.deadLetterQueueName(stackName))).findFirst();
    }

    /**
     * Moves the messages of {@code spec}'s dead-letter queue back to its queue, ten at a time, telling
     * {@code progress} the running total; returns how many were moved. It stops once as many as the queue held at
     * the start are moved, so messages that fail again and come back meanwhile are not moved round in a loop.
     */
    public long redrive(QueueSpec spec, LongConsumer progress) {
        String from = url(spec.deadLetterQueueName(stackName));
        String to = url(spec.queueName(stackName));
        long held = depth(spec.deadLetterQueueName(stackName));
        long moved = 0;
        while (moved < held) {
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(from).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .visibilityTimeout(60).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                break;
            }
            List<SendMessageBatchRequestEntry> copies = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Message m = batch.get(i);
                copies.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(m.body())
                        .messageAttributes(m.messageAttributes()).build());
            }
            SendMessageBatchResponse sent = sqs.sendMessageBatch(r -> r.queueUrl(to).entries(copies));
            List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
            sent.successful().forEach(ok -> done.add(DeleteMessageBatchRequestEntry.builder().id(ok.id())
                    .receiptHandle(batch.get(Integer.parseInt(ok.id())).receiptHandle()).build()));
            if (!done.isEmpty()) {
                sqs.deleteMessageBatch(r -> r.queueUrl(from).entries(done));
            }
            moved += done.size();
            progress.accept(moved);
            if (!sent.failed().isEmpty()) {
                throw new IllegalStateException(sent.failed().size() + " messages could not be sent back to "
                        + spec.queueName(stackName) + ": " + sent.failed().getFirst().message()
                        + " (they stay in the dead-letter queue)");
            }
        }
        return moved;
    }

    private String url(String queueName) {
        String url = queueUrls.get(queueName);
        if (url == null) {
            throw new IllegalArgumentException("no queue named " + queueName);
        }
        return url;
    }
}
