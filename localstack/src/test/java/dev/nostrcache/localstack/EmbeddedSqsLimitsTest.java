package dev.nostrcache.localstack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded SQS with the local clients keeps SQS's limits: a body's characters (checked on the client), a message's
 * size (on the client too) and a batch's length (checked by ElasticMQ), so that what passes here passes on AWS. Each
 * case runs with the SDK's HTTP client and with the runtime's in-process {@link ElasticMqClient}.
 */
class EmbeddedSqsLimitsTest {
    @TempDir
    static Path store;
    private static EmbeddedSqsService sqs;
    private static SqsClient http;
    private static SqsClient inProcess;
    private SqsClient client;
    private static final AtomicInteger QUEUES = new AtomicInteger();
    private String queue;

    @BeforeAll
    static void start() throws Exception {
        sqs = EmbeddedSqsService.start(0, "limits", store.resolve("queues.db"));
        http = LocalAws.sqs(sqs.endpoint());
        inProcess = sqs.client();
    }

    @BeforeEach
    void newQueue() {
        queue = http.createQueue(r -> r.queueName("limits-test-" + QUEUES.incrementAndGet())).queueUrl();
    }

    @AfterAll
    static void stop() {
        http.close();
        inProcess.close();
        sqs.close();
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void aBodyWithACharacterSqsRefusesIsRefusedAndNothingIsQueued(boolean viaActors) {
        client = viaActors ? inProcess : http;
        for (String body : List.of("before\uFFFFafter", "\uFFFE", "nul \u0000", "lone \uD800 surrogate")) {
            assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(queue).messageBody(body)))
                    .isInstanceOfSatisfying(SqsException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidMessageContents");
                        assertThat(e.statusCode()).isEqualTo(400);
                    });
            assertThatThrownBy(() -> client.sendMessageBatch(r -> r.queueUrl(queue).entries(
                    SendMessageBatchRequestEntry.builder().id("ok").messageBody("fine").build(),
                    SendMessageBatchRequestEntry.builder().id("bad").messageBody(body).build())))
                    .isInstanceOf(SqsException.class).hasMessageContaining("Invalid characters");
        }
        assertThat(receiveAll()).isEmpty();
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void everyCharacterSqsTakesComesBackExactly(boolean viaActors) {
        client = viaActors ? inProcess : http;
        String body = "tab\tnewline\ncr\r \uD7FF \uE000 \uFFFD \uD83D\uDE00 \uDBFF\uDFFF {\"kind\":1}";
        client.sendMessage(r -> r.queueUrl(queue).messageBody(body));
        assertThat(receiveAll()).extracting(Message::body).containsExactly(body);
    }

    @ParameterizedTest(name = "in process: {0}")
    @ValueSource(booleans = {false, true})
    void aMessageOrBatchOverTheSizeLimitAndABatchOfElevenAreRefused(boolean viaActors) {
        client = viaActors ? inProcess : http;
        String full = "x".repeat(SqsBodyCheck.MAX_BYTES - 10);
        client.sendMessage(r -> r.queueUrl(queue).messageBody(full));
        assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(queue).messageBody(full + "\u00e9".repeat(6))))
                .isInstanceOf(SqsException.class).hasMessageContaining("at most 262144 bytes, not 262146");
        assertThatThrownBy(() -> client.sendMessage(r -> r.queueUrl(queue).messageBody(full)
                .messageAttributes(Map.of("relay", MessageAttributeValue.builder().dataType("String")
                        .stringValue("wss://relay.example").build()))))
                .isInstanceOf(SqsException.class).hasMessageContaining("at most 262144 bytes");
        String half = "y".repeat(SqsBodyCheck.MAX_BYTES / 2);
        assertThatThrownBy(() -> client.sendMessageBatch(r -> r.queueUrl(queue).entries(
                SendMessageBatchRequestEntry.builder().id("a").messageBody(half).build(),
                SendMessageBatchRequestEntry.builder().id("b").messageBody(half + "y").build())))
                .isInstanceOf(SqsException.class).hasMessageContaining("the batch's messages together");
        List<SendMessageBatchRequestEntry> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(SendMessageBatchRequestEntry.builder().id("m" + i).messageBody("m" + i).build());
        }
        assertThatThrownBy(() -> client.sendMessageBatch(r -> r.queueUrl(queue).entries(eleven)))
                .isInstanceOfSatisfying(SqsException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .endsWith("TooManyEntriesInBatchRequest"));
        assertThat(receiveAll()).extracting(m -> m.body().length()).containsExactly(full.length());
    }

    private List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        List<Message> batch;
        do {
            batch = client.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0)).messages();
            all.addAll(batch);
            for (Message m : batch) {
                client.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        } while (!batch.isEmpty());
        return all;
    }
}
