package dev.nostrcache.localstack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The in-process client against the SDK's HTTP client on the same embedded ElasticMQ: what one sends the other
 * receives identically (digests computed by ElasticMQ's HTTP layer included), both refuse the same requests with the
 * same exceptions, and the in-process client's waiting receives end on close and on a restart of ElasticMQ.
 */
class ElasticMqClientTest {
    private static final Map<String, MessageAttributeValue> ATTRIBUTES = Map.of(
            "relay", MessageAttributeValue.builder().dataType("String").stringValue("wss://relay.example/\u00e9").build(),
            "attempt", MessageAttributeValue.builder().dataType("Number").stringValue("3").build(),
            "label", MessageAttributeValue.builder().dataType("String.custom").stringValue("x").build());
    private static final AtomicInteger QUEUES = new AtomicInteger();

    @TempDir
    static Path store;
    private static EmbeddedSqsService sqs;
    private static SqsClient http;
    private static SqsClient inProcess;
    private String queue;

    @BeforeAll
    static void start() throws Exception {
        sqs = EmbeddedSqsService.start(0, "direct", store.resolve("queues"));
        http = LocalAws.sqs(sqs.endpoint());
        inProcess = sqs.client();
        assertThat(inProcess).as("the runtime's client goes to the actors").isInstanceOf(ElasticMqClient.class);
    }

    @AfterAll
    static void stop() {
        http.close();
        inProcess.close();
        sqs.close();
    }

    @BeforeEach
    void newQueue() {
        queue = http.createQueue(r -> r.queueName("direct-" + QUEUES.incrementAndGet())).queueUrl();
    }

    @Test
    void whatOneClientSendsTheOtherReceivesTheSame() {
        String body = "{\"kind\":3,\"content\":\"caf\u00e9 \uD83D\uDE00\"}";
        inProcess.sendMessage(r -> r.queueUrl(queue).messageBody(body).messageAttributes(ATTRIBUTES));
        Message overHttp = receiveOne(http);
        http.sendMessage(r -> r.queueUrl(queue).messageBody(body).messageAttributes(ATTRIBUTES));
        Message inJvm = receiveOne(inProcess);

        assertThat(inJvm.body()).isEqualTo(overHttp.body()).isEqualTo(body);
        assertThat(inJvm.md5OfBody()).isEqualTo(overHttp.md5OfBody()).hasSize(32);
        assertThat(inJvm.messageAttributes()).isEqualTo(overHttp.messageAttributes()).isEqualTo(ATTRIBUTES);
        assertThat(inJvm.md5OfMessageAttributes()).as("SQS's digest of the attributes, as ElasticMQ's HTTP layer computes it")
                .isEqualTo(overHttp.md5OfMessageAttributes()).isNotNull();
        assertThat(inJvm.attributes().keySet()).isEqualTo(overHttp.attributes().keySet()).contains(
                MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        assertThat(inJvm.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("1");

        // and the receipt of one works with the other
        http.deleteMessage(r -> r.queueUrl(queue).receiptHandle(inJvm.receiptHandle()));
        inProcess.deleteMessage(r -> r.queueUrl(queue).receiptHandle(overHttp.receiptHandle()));
        assertThat(inProcess.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages()).isEmpty();
    }

    @Test
    void receivesCountVisibilityChangesAndDelaysHoldAsInSqs() throws Exception {
        inProcess.sendMessageBatch(r -> r.queueUrl(queue).entries(
                SendMessageBatchRequestEntry.builder().id("a").messageBody("first").build(),
                SendMessageBatchRequestEntry.builder().id("b").messageBody("later").delaySeconds(2).build()));
        Message first = inProcess.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).visibilityTimeout(30)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().getFirst();
        assertThat(first.body()).isEqualTo("first");
        assertThat(inProcess.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages())
                .as("hidden by its receive, the other one delayed").isEmpty();

        inProcess.changeMessageVisibility(r -> r.queueUrl(queue).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
        Message again = inProcess.receiveMessage(r -> r.queueUrl(queue).visibilityTimeout(30)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().getFirst();
        assertThat(again.messageId()).isEqualTo(first.messageId());
        assertThat(again.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)).isEqualTo("2");
        assertThatThrownBy(() -> inProcess.deleteMessage(r -> r.queueUrl(queue).receiptHandle(first.receiptHandle())))
                .as("the first receive's handle is stale").isInstanceOf(ReceiptHandleIsInvalidException.class);

        Message delayed = inProcess.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(5)).messages().getFirst();
        assertThat(delayed.body()).isEqualTo("later");
        DeleteMessageBatchResponse deleted = inProcess.deleteMessageBatch(r -> r.queueUrl(queue).entries(
                DeleteMessageBatchRequestEntry.builder().id("ok").receiptHandle(delayed.receiptHandle()).build(),
                DeleteMessageBatchRequestEntry.builder().id("stale").receiptHandle(first.receiptHandle()).build()));
        assertThat(deleted.successful()).extracting(e -> e.id()).containsExactly("ok");
        assertThat(deleted.failed()).extracting(e -> e.id()).containsExactly("stale");
    }

    @Test
    void waitingMessagesCountsTheVisibleAndTheDelayedNotThoseInFlight() {
        ElasticMqClient client = (ElasticMqClient) inProcess;
        assertThat(client.waitingMessages(queue)).isZero();
        inProcess.sendMessageBatch(r -> r.queueUrl(queue).entries(
                SendMessageBatchRequestEntry.builder().id("a").messageBody("one").build(),
                SendMessageBatchRequestEntry.builder().id("b").messageBody("two").build(),
                SendMessageBatchRequestEntry.builder().id("c").messageBody("later").delaySeconds(60).build()));
        assertThat(client.waitingMessages(queue)).isEqualTo(3);
        Message received = inProcess.receiveMessage(r -> r.queueUrl(queue).visibilityTimeout(30)).messages().getFirst();
        assertThat(client.waitingMessages(queue)).as("the one received is in flight").isEqualTo(2);
        inProcess.deleteMessage(r -> r.queueUrl(queue).receiptHandle(received.receiptHandle()));
        assertThat(client.waitingMessages(queue)).isEqualTo(2);
    }

    @Test
    void bothClientsRefuseTheSameRequestsWithTheSameExceptions() {
        for (SqsClient client : List.of(http, inProcess)) {
            String missing = queue + "-missing";
            assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(missing).messageBody("x")))
                    .isInstanceOf(QueueDoesNotExistException.class);
            assertThatThrownBy(() -> client.sendMessageBatch(r -> r.queueUrl(queue).entries(
                    SendMessageBatchRequestEntry.builder().id("same").messageBody("1").build(),
                    SendMessageBatchRequestEntry.builder().id("same").messageBody("2").build())))
                    .isInstanceOf(BatchEntryIdsNotDistinctException.class);
            assertThatThrownBy(() -> client.deleteMessage(r -> r.queueUrl(queue).receiptHandle("not-a-receipt")))
                    .isInstanceOf(ReceiptHandleIsInvalidException.class);
            String scratch = client.createQueue(r -> r.queueName("direct-scratch")).queueUrl();
            client.sendMessage(r -> r.queueUrl(scratch).messageBody("gone with its queue"));
            client.deleteQueue(r -> r.queueUrl(scratch));
            assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(scratch).messageBody("x")))
                    .as("a deleted queue").isInstanceOf(QueueDoesNotExistException.class);
        }
        assertThat(http.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)).messages()).isEmpty();
    }

    @Test
    void closingTheClientEndsItsWaitingReceiveAtOnce() throws Exception {
        SqsClient client = sqs.client();
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(
                () -> client.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(20)));
        Thread.sleep(500);
        long closing = System.nanoTime();
        client.close();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SdkClientException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aRestartOfElasticMqFailsTheWaitingReceiveAndTheClientWorksAgainAfterIt() throws Exception {
        inProcess.sendMessage(r -> r.queueUrl(queue).messageBody("kept in the store"));
        Message received = receiveOne(inProcess);
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(
                () -> inProcess.receiveMessage(r -> r.queueUrl(queue).waitTimeSeconds(20)));
        Thread.sleep(500);
        CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
            try {
                sqs.restart(Duration.ofSeconds(2));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SdkClientException.class);
        Thread.sleep(300);
        if (!restart.isDone()) {
            assertThatThrownBy(() -> inProcess.sendMessage(r -> r.queueUrl(queue).messageBody("while down")))
                    .as("a refused connection while ElasticMQ is down").isInstanceOf(SdkClientException.class);
        }
        restart.get(60, TimeUnit.SECONDS);
        Message after = receiveOne(inProcess);
        assertThat(after.body()).as("a restart ends the receives in flight: the message comes back").isEqualTo("kept in the store");
        assertThat(after.messageId()).isEqualTo(received.messageId());
    }

    private Message receiveOne(SqsClient client) {
        List<Message> messages = client.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(5)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }
}
