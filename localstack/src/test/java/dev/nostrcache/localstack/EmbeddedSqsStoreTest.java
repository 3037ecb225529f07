package dev.nostrcache.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded SQS's message store keeps writing while messages are received over and over: ElasticMQ 1.7.1 hands
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
            String queue = client.getQueueUrl(r -> r.queueName("store-test")).queueUrl();
            List<String> restored = new ArrayList<>();
            List<Message> batch;
            do {
                batch = client.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(60))
                        .messages();
                batch.forEach(m -> restored.add(m.body()));
            } while (!batch.isEmpty());
            assertThat(restored).containsExactlyInAnyOrderElementsOf(sent);
        }
    }
}
