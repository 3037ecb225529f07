package dev.nostrcache.localstack;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.nostrcache.infra.queue.QueueSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The local event-source mapping's pollers on the embedded ElasticMQ: one listens while idle, all work with a backlog. */
class SqsEventSourceMappingTest {
    private static final QueueSpec SPEC = new QueueSpec("mapping-test", "MappingTestQueue", 30, 3, 1, 0);
    private static final int POLLERS = 4;

    @TempDir
    static Path store;
    private static EmbeddedSqsService sqs;
    private static SqsClient client;

    @BeforeAll
    static void start() throws Exception {
        sqs = EmbeddedSqsService.start(0, "mapping", store.resolve("queues.db"));
        client = sqs.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        sqs.close();
    }

    @Test
    void anIdleQueueIsPolledByOnePollerAndABacklogByAll() throws Exception {
        String url = client.createQueue(r -> r.queueName("mapping-test")).queueUrl();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        try (SqsEventSourceMapping mapping = new SqsEventSourceMapping(client, sqs.client(), url, "arn:test", null, SPEC, "test",
                event -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    delivered.addAndGet(event.getRecords().size());
                    running.decrementAndGet();
                    return new SQSBatchResponse(List.of());
                }, POLLERS, Duration.ofSeconds(1), Duration.ofSeconds(30), SqsEventSourceMapping.LEASE, Duration.ofSeconds(1))) {
            Thread.sleep(1_500); // every poller's first receive ends empty; all but one then wait for a turn
            long before = mapping.receives();
            Thread.sleep(3_000);
            long idleReceives = mapping.receives() - before;
            assertThat(idleReceives).as("one-second long polls over three idle seconds, by one poller")
                    .isBetween(1L, 5L);

            for (int i = 0; i < 24; i++) {
                int n = i;
                client.sendMessage(r -> r.queueUrl(url).messageBody("message " + n));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (delivered.get() < 24 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(delivered.get()).isEqualTo(24);
            assertThat(mostAtOnce.get()).as("with a backlog every poller delivers").isEqualTo(POLLERS);
        }
    }

    /** The runtime's in-process client, and the HTTP one of an external SQS: both end their long polls on close. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anIdleQueueIsLongPolledYetAMessageIsDeliveredAtOnceAndStoppingDoesNotWaitForThePolls(boolean inProcess) throws Exception {
        String url = client.createQueue(r -> r.queueName("mapping-long-poll-" + inProcess)).queueUrl();
        List<String> bodies = new CopyOnWriteArrayList<>();
        SqsClient receiver = inProcess ? sqs.client() : LocalAws.sqs(sqs.endpoint());
        assertThat(receiver instanceof ElasticMqClient).isEqualTo(inProcess);
        SqsEventSourceMapping mapping = new SqsEventSourceMapping(client, receiver, url, "arn:test", null, SPEC, "test", event -> {
            event.getRecords().forEach(r -> bodies.add(r.getBody()));
            return new SQSBatchResponse(List.of());
        }, 2, Duration.ofSeconds(1), Duration.ofSeconds(30), SqsEventSourceMapping.LEASE, SqsEventSourceMapping.LONG_POLL);
        try {
            Thread.sleep(1_500);
            assertThat(mapping.receives()).as("one poller waits on the queue, the other looked once and waits for its turn").isEqualTo(2);
            long sent = System.nanoTime();
            client.sendMessage(r -> r.queueUrl(url).messageBody("wakes a waiting receive"));
            while (bodies.isEmpty() && System.nanoTime() - sent < Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(20);
            }
            assertThat(bodies).containsExactly("wakes a waiting receive");
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("not after the wait").isLessThan(Duration.ofSeconds(5));
        } finally {
            long closing = System.nanoTime();
            mapping.stopPolling();
            mapping.close();
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("waiting receives end when polling stops")
                    .isLessThan(Duration.ofSeconds(3));
        }
    }

    /**
     * A receive hides its messages for a lease, renewed while the function runs: a batch slower than its lease is not
     * delivered again, and one that outlasts the visibility (the functions' timeout) is, as after a timeout.
     */
    @ParameterizedTest
    @ValueSource(ints = {30, 4})
    void aBatchIsHiddenWhileItsFunctionRunsUpToTheVisibility(int visibilitySeconds) throws Exception {
        String url = client.createQueue(r -> r.queueName("mapping-lease-" + visibilitySeconds)).queueUrl();
        List<String> deliveries = new CopyOnWriteArrayList<>();
        try (SqsEventSourceMapping mapping = new SqsEventSourceMapping(client, sqs.client(), url, "arn:test", null, SPEC, "test",
                event -> {
                    event.getRecords().forEach(r -> deliveries.add(r.getBody()));
                    if (deliveries.size() == 1) {
                        try {
                            Thread.sleep(7_000); // three and a half leases; beyond the short visibility
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return new SQSBatchResponse(List.of());
                }, 2, Duration.ofSeconds(1), Duration.ofSeconds(visibilitySeconds), Duration.ofSeconds(2), Duration.ofSeconds(1))) {
            client.sendMessage(r -> r.queueUrl(url).messageBody("slow"));
            Thread.sleep(9_000);
            if (visibilitySeconds == 30) {
                assertThat(deliveries).as("renewed while the function ran").containsExactly("slow");
                assertThat(mapping.invocations()).isEqualTo(1);
            } else {
                assertThat(deliveries).as("back after the visibility, while the first invocation still ran")
                        .containsExactly("slow", "slow");
            }
        }
    }
}
