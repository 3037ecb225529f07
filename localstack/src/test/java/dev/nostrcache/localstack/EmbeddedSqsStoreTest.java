package dev.nostrcache.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded SQS's message store commits its writes in groups and keeps a queue's state across a restart: sends,
 * receives (their counts, which decide when a message is dead-lettered) and deletes, made by many clients at once. It
 * keeps writing while messages are received over and over: ElasticMQ 1.7.1 hands
 * its store a message that its queue goes on changing, and the store's write of it can fail; a store that failed once
 * used to forget every queue and drop every later write without a word (a dead-lettered message was gone after a
 * restart).
 */
class EmbeddedSqsStoreTest {
    @TempDir
    Path store;

    @Test
    void messagesReceivedConcurrentlyAgainAndAgainAndOneSentAfterThemAllSurviveARestart() throws Exception {
        Path queues = store.resolve("queues.db");
        List<String> sent = new ArrayList<>();
        AtomicLong receives = new AtomicLong();
        try (EmbeddedSqsService sqs = EmbeddedSqsService.start(0, "store", queues);
             SqsClient client = LocalAws.sqs(sqs.endpoint())) {
            String queue = client.createQueue(r -> r.queueName("store-test")).queueUrl();
            for (int i = 0; i < 5; i++) {
                String body = "busy " + i;
                client.sendMessage(r -> r.queueUrl(queue).messageBody(body));
                sent.add(body);
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                long until = System.nanoTime() + 6_000_000_000L;
                List<Future<?>> receivers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    receivers.add(pool.submit(() -> {
                        while (System.nanoTime() < until) {
                            receives.addAndGet(client.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                                    .visibilityTimeout(0)).messages().size());
                        }
                        return null;
                    }));
                }
                for (Future<?> receiver : receivers) {
                    receiver.get();
                }
            } finally {
                pool.shutdownNow();
            }
            client.sendMessage(r -> r.queueUrl(queue).messageBody("after them"));
            sent.add("after them");
        }
        assertThat(receives.get()).as("receives").isGreaterThan(1_000);
        try (EmbeddedSqsService sqs = EmbeddedSqsService.start(0, "store", queues);
             SqsClient client = LocalAws.sqs(sqs.endpoint())) {
            assertThat(bodiesOfAll(client, "store-test")).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void sendsReceivesAndDeletesFromManyClientsAtOnceAreAllStored() throws Exception {
        Path queues = store.resolve("queues.db");
        int clients = 4;
        int perClient = 250;
        Map<String, Integer> kept = new HashMap<>();
        try (EmbeddedSqsService sqs = EmbeddedSqsService.start(0, "store", queues);
             SqsClient client = LocalAws.sqs(sqs.endpoint())) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Map<String, Integer>>> running = new ArrayList<>();
                for (int t = 0; t < clients; t++) {
                    String name = "group-test-" + t;
                    String queue = client.createQueue(r -> r.queueName(name)).queueUrl();
                    String tag = "q" + t;
                    running.add(pool.submit(() -> sendAndReceive(client, queue, tag, perClient)));
                }
                for (Future<Map<String, Integer>> c : running) {
                    kept.putAll(c.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(kept).hasSize(clients * (perClient - (perClient + 2) / 3));
        try (EmbeddedSqsService sqs = EmbeddedSqsService.start(0, "store", queues);
             SqsClient client = LocalAws.sqs(sqs.endpoint())) {
            Map<String, Integer> restored = new HashMap<>();
            for (int t = 0; t < clients; t++) {
                String name = "group-test-" + t;
                String queue = client.getQueueUrl(r -> r.queueName(name)).queueUrl();
                List<Message> batch;
                do {
                    batch = receive(client, queue, 60);
                    batch.forEach(m -> restored.put(m.body(), Integer.parseInt(
                            m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)) - 1));
                } while (!batch.isEmpty());
            }
            assertThat(restored).as("the undeleted messages, each with its receive count before the restart")
                    .isEqualTo(kept);
        }
    }

    /**
     * Sends {@code count} messages in batches, then receives them: every third is deleted, every third made visible
     * again and received a second time, the rest received once. Answers the undeleted ones with their receives.
     */
    private static Map<String, Integer> sendAndReceive(SqsClient client, String queue, String tag, int count) {
        for (int first = 0; first < count; first += 10) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = first; i < Math.min(first + 10, count); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(tag + "#" + i).build());
            }
            client.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
        }
        Map<String, Integer> receives = new HashMap<>();
        int expected = count + (count + 1) / 3;
        for (int receipts = 0; receipts < expected; ) {
            for (Message m : receive(client, queue, 600)) {
                receipts++;
                int n = Integer.parseInt(m.body().substring(m.body().indexOf('#') + 1));
                int times = receives.merge(m.body(), 1, Integer::sum);
                if (n % 3 == 0) {
                    client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                } else if (n % 3 == 1 && times == 1) {
                    client.changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle())
                            .visibilityTimeout(0));
                }
            }
        }
        receives.keySet().removeIf(body -> Integer.parseInt(body.substring(body.indexOf('#') + 1)) % 3 == 0);
        return receives;
    }

    /** The bodies of every message in the queue named {@code name}, each received once. */
    static List<String> bodiesOfAll(SqsClient client, String name) {
        String queue = client.getQueueUrl(r -> r.queueName(name)).queueUrl();
        List<String> bodies = new ArrayList<>();
        List<Message> batch;
        do {
            batch = receive(client, queue, 60);
            batch.forEach(m -> bodies.add(m.body()));
        } while (!batch.isEmpty());
        return bodies;
    }

    private static List<Message> receive(SqsClient client, String queue, int visibility) {
        return client.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(visibility)
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).messages();
    }
}
