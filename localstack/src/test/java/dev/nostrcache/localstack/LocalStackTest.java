package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.config.CacheConfig;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.queue.QueueSpec;
import dev.nostrcache.infra.queue.Queues;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.storage.StoreResult;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.regions.Region;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local runtime with real PostgreSQL, ElasticMQ and S3Proxy, started twice on one data directory. */
class LocalStackTest {
    @TempDir
    Path dir;

    private CacheConfig config() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"avatar_cache\": false, \"upstream_relays\": [], \"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, "
                + "\"stack_name\": \"test-stack\"}");
        return ConfigLoader.load(List.of(), Map.of(), dir);
    }

    @Test
    void everythingIsReachableAndASecondStartFindsTheDataOfTheFirst() throws Exception {
        CacheConfig config = config();
        Event note = TestKeys.signer(1).sign(1_700_000_000L, 1, List.of(), "kept across restarts");
        byte[] picture = "not really a png".getBytes();
        URI sqsEndpoint;
        URI s3Endpoint;
        String jdbcUrl;

        try (LocalStack stack = LocalStack.start(config)) {
            assertThat(TestDatabase.storeRow(stack.dataSource(), note).outcome())
                    .isEqualTo(StoreResult.Outcome.STORED);
            assertThat(stack.queueUrls()).containsKeys("test-stack-profiles", "test-stack-profiles-dlq",
                    "test-stack-avatars", "test-stack-avatars-dlq");
            assertThat(stack.queueUrls()).hasSize(2 * Queues.all().size());
            try (S3Client s3 = LocalAws.s3(stack.s3Endpoint())) {
                s3.putObject(r -> r.bucket(stack.bucket()).key("avatars/p.png").contentType("image/png"),
                        RequestBody.fromBytes(picture));
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            stack.describe(new PrintStream(text, true));
            assertThat(text.toString()).contains("created now", "SQS", "S3", "test-stack-avatars");
            sqsEndpoint = stack.sqsEndpoint();
            s3Endpoint = stack.s3Endpoint();
            jdbcUrl = stack.jdbcUrl();
        }

        assertNotListening(sqsEndpoint.getPort());
        assertNotListening(s3Endpoint.getPort());
        assertNotListening(URI.create(jdbcUrl.substring("jdbc:".length())).getPort());

        try (LocalStack again = LocalStack.start(config)) {
            EventRepository events = new EventRepository(again.dataSource());
            assertThat(events.findJson(note.id())).contains(note.toJson());
            assertThat(TestDatabase.storeRow(again.dataSource(), note).outcome()).isEqualTo(StoreResult.Outcome.DUPLICATE);
            try (S3Client s3 = LocalAws.s3(again.s3Endpoint())) {
                assertThat(s3.getObjectAsBytes(r -> r.bucket(again.bucket()).key("avatars/p.png")).asByteArray())
                        .isEqualTo(picture);
            }
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            again.describe(new PrintStream(text, true));
            assertThat(text.toString()).contains("reused from an earlier start", "0 migrations applied now");
        }
    }

    @Test
    void queuesRedriveToTheirDeadLetterQueueAfterMaxReceiveCount() throws Exception {
        try (LocalStack stack = LocalStack.start(config(), LocalStack.Mode.SERVICES);
             SqsClient sqs = LocalAws.sqs(stack.sqsEndpoint())) {
            QueueSpec spec = QueueGroup.CONTACTS.spec();
            String url = stack.queueUrls().get(spec.queueName("test-stack"));
            String dlqUrl = stack.queueUrls().get(spec.deadLetterQueueName("test-stack"));
            Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(url)
                    .attributeNames(QueueAttributeName.ALL)).attributes();
            assertThat(attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT))
                    .isEqualTo(Integer.toString(spec.visibilityTimeoutSeconds()));
            assertThat(attributes.get(QueueAttributeName.REDRIVE_POLICY)).contains("test-stack-contacts-dlq")
                    .containsPattern("\"maxReceiveCount\":\"?" + spec.maxReceiveCount() + "\"?[,}]");

            sqs.sendMessage(r -> r.queueUrl(url).messageBody("{\"poison\":true}"));
            int receives = 0;
            for (int attempt = 0; attempt < spec.maxReceiveCount() + 3; attempt++) {
                List<Message> got = sqs.receiveMessage(r -> r.queueUrl(url).visibilityTimeout(0).waitTimeSeconds(1))
                        .messages();
                receives += got.size();
            }
            assertThat(receives).isEqualTo(spec.maxReceiveCount());
            List<Message> dead = sqs.receiveMessage(r -> r.queueUrl(dlqUrl).waitTimeSeconds(2)).messages();
            assertThat(dead).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("{\"poison\":true}"));
        }
    }

    @Test
    void thePublisherRetriesUntilTheQueueTakesTheEventsAndFlushesOnClose() throws Exception {
        try (LocalStack stack = LocalStack.start(config(), LocalStack.Mode.SERVICES)) {
            Map<QueueGroup, String> urls = new java.util.EnumMap<>(QueueGroup.class);
            for (QueueGroup group : QueueGroup.values()) {
                urls.put(group, stack.queueUrls().get(group.spec().queueName("test-stack")));
            }
            String late = urls.get(QueueGroup.NOTES).replace("test-stack-notes", "late-notes");
            urls.put(QueueGroup.NOTES, late);
            var publisher = new dev.nostrcache.infra.aws.SqsEventPublisher(stack.sqsClient(), urls, 1000, 2,
                    Duration.ofMillis(20));
            List<String> sentIds = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Event> notes = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                // every 50th note is 100 KiB: more than a message holds (a quarter of a call), so it travels alone;
                // the rest of every 10th are 20 kB, a contact list's size: three go in a message
                String content = i % 50 == 0 ? "x".repeat(100_000) : i % 10 == 0 ? "y".repeat(20_000) : "n" + i;
                notes.add(TestKeys.signer(i).sign(1_700_000_000L, 1, List.of(), content));
            }
            // Signed first and submitted at once, so that the calls fill instead of leaving by their linger.
            List<String> jsons = notes.stream().map(Event::toJson).toList();
            for (Event note : notes) {
                publisher.submit(new dev.nostrcache.infra.queue.OutboundEvent(note.toJson(), 1, "test", 1L,
                        () -> sentIds.add(note.id())));
            }
            Thread.sleep(1500);
            assertThat(publisher.sent()).as("nothing can be sent to a missing queue").isZero();
            assertThat(publisher.retries()).isPositive();
            assertThat(publisher.pending()).isEqualTo(300);

            stack.sqsClient().createQueue(r -> r.queueName("late-notes"));
            publisher.close();
            assertThat(publisher.pending()).isZero();
            assertThat(sentIds).hasSize(300);
            List<String> received = new ArrayList<>();
            int messages = 0;
            for (int i = 0; i < 50 && received.size() < 300; i++) {
                for (var m : stack.sqsClient().receiveMessage(r -> r.queueUrl(late).maxNumberOfMessages(10)
                        .messageAttributeNames("All")).messages()) {
                    assertThat(m.messageAttributes().get("relay").stringValue()).isEqualTo("test");
                    received.addAll(dev.nostrcache.infra.queue.EventBundle.split(m.body()));
                    messages++;
                }
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(jsons);
            // 6 alone, 24 of 20 kB and 270 small ones: 18 messages here, 30 when a message was a tenth of a call and
            // each 20 kB note travelled alone
            assertThat(messages).as("events travel many to a message, three of a contact list's size").isLessThan(25);
        }
    }

    @Test
    void queuedEventsSurviveARestartOfTheQueuesAndOfTheWholeRuntime() throws Exception {
        List<String> jsons = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jsons.add(TestKeys.signer(i).sign(1_700_000_000L, 1, List.of(), "queued " + i).toJson());
        }
        List<String> afterQueuesRestart;
        try (LocalStack stack = LocalStack.start(config(), LocalStack.Mode.SERVICES)) {
            Map<QueueGroup, String> urls = new java.util.EnumMap<>(QueueGroup.class);
            for (QueueGroup group : QueueGroup.values()) {
                urls.put(group, stack.queueUrls().get(group.spec().queueName("test-stack")));
            }
            var publisher = new dev.nostrcache.infra.aws.SqsEventPublisher(stack.sqsClient(), urls, 1000, 2,
                    Duration.ofMillis(20));
            for (String json : jsons) {
                publisher.submit(new dev.nostrcache.infra.queue.OutboundEvent(json, 1, "test", 1L, null));
            }
            publisher.close();
            stack.restartQueues(Duration.ofMillis(500));
            afterQueuesRestart = take(stack, 1, true);
            assertThat(afterQueuesRestart).as("a message after a restart of the queues").isNotEmpty();
            assertThat(take(stack, 1, false)).as("received, not deleted: in flight for six minutes").isNotEmpty();
        }
        try (LocalStack again = LocalStack.start(config(), LocalStack.Mode.SERVICES)) {
            List<String> all = new ArrayList<>(afterQueuesRestart);
            all.addAll(take(again, 10, true));
            assertThat(all).as("the rest, the one in flight included, after a restart of the runtime")
                    .containsExactlyInAnyOrderElementsOf(jsons);
            assertThat(take(again, 1, true)).as("deleted messages stay deleted").isEmpty();
        }
    }

    @Test
    void aSecondEmbeddedQueueServiceInOneProcessIsRefusedWithTheReason() throws Exception {
        try (LocalStack first = LocalStack.start(config(), LocalStack.Mode.SERVICES)) {
            Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
            Files.writeString(elsewhere.resolve("config.json"), "{\"avatar_cache\": false, \"listen_addr\": \"127.0.0.1:0\", "
                    + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
            assertThatThrownBy(() -> LocalStack.start(ConfigLoader.load(List.of(), Map.of(), elsewhere), LocalStack.Mode.SERVICES))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already runs in this process").hasMessageContaining("sqs_endpoint");
            assertThat(take(first, 1, false)).as("the first one still answers").isEmpty();
        }
    }

    /** The events of up to {@code max} messages received from the notes queue, and deleted if so asked. */
    private static List<String> take(LocalStack stack, int max, boolean delete) {
        String url = stack.queueUrls().get("test-stack-notes");
        List<String> events = new ArrayList<>();
        for (var m : stack.sqsClient().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(max).waitTimeSeconds(2))
                .messages()) {
            if (delete) {
                stack.sqsClient().deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle()));
            }
            events.addAll(dev.nostrcache.infra.queue.EventBundle.split(m.body()));
        }
        return events;
    }

    @Test
    void theGatewayClosesIdleAndOldConnectionsAndForgetsThem() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"avatar_cache\": false, \"upstream_relays\": [], \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"gateway_idle_timeout_seconds\": 2, "
                + "\"gateway_max_connection_seconds\": 4}");
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE)) {
            java.util.concurrent.CompletableFuture<Integer> idleClosed = new java.util.concurrent.CompletableFuture<>();
            java.util.concurrent.CompletableFuture<Integer> oldClosed = new java.util.concurrent.CompletableFuture<>();
            var http = HttpClient.newHttpClient();
            var idle = http.newWebSocketBuilder().buildAsync(stack.gatewayUrl(), closeListener(idleClosed)).join();
            var busy = http.newWebSocketBuilder().buildAsync(stack.gatewayUrl(), closeListener(oldClosed)).join();
            long start = System.nanoTime();
            while (!oldClosed.isDone() && System.nanoTime() - start < 10_000_000_000L) {
                busy.sendText("[\"CLOSE\",\"keep-alive\"]", true).join();   // never idle, but it gets old
                Thread.sleep(500);
            }
            assertThat(idleClosed.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("idle connection closed").isPositive();
            assertThat(oldClosed.get(5, java.util.concurrent.TimeUnit.SECONDS)).as("old connection closed").isEqualTo(1001);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(3));
            long deadline = System.nanoTime() + 10_000_000_000L;
            long open;
            do {
                Thread.sleep(100);
                try (var c = stack.dataSource().getConnection(); var ps = c.prepareStatement("SELECT count(*) FROM ws_connections");
                     var rs = ps.executeQuery()) {
                    rs.next();
                    open = rs.getLong(1);
                }
            } while (open > 0 && System.nanoTime() < deadline);
            assertThat(open).as("$disconnect removed both").isZero();
        }
    }

    @Test
    void aConnectionPolicyRefusesBlockedAddressesAtConnect() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"avatar_cache\": false, \"upstream_relays\": [], \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0, \"blocked_source_ips\": [\"127.0.0.1\"]}");
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE)) {
            java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();
            HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(stack.gatewayUrl(), closeListener(closed)).join();
            assertThat(closed.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("closed as refused").isEqualTo(1008);
            try (var c = stack.dataSource().getConnection(); var ps = c.prepareStatement("SELECT count(*) FROM ws_connections");
                 var rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void whileTheDatabaseIsAwayClientsGetErrorsAndAfterwardsAnswers() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"avatar_cache\": false, \"upstream_relays\": [], \"listen_addr\": \"127.0.0.1:0\", "
                + "\"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
             RelayClient client = new RelayClient(stack.gatewayUrl())) {
            client.send("[\"COUNT\",\"before\",{\"kinds\":[1]}]");
            assertThat(client.until("[\"COUNT\"", Duration.ofSeconds(15)).getLast()).startsWith("[\"COUNT\",\"before\"");
            Thread outage = new Thread(() -> {
                try {
                    stack.restartDatabase(Duration.ofSeconds(25));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            outage.start();
            Thread.sleep(1000);
            Event note = TestKeys.signer(3).sign(System.currentTimeMillis() / 1000, 1, List.of(), "during the outage");
            client.send("[\"REQ\",\"during\",{\"kinds\":[1]}]");
            client.send("[\"EVENT\"," + note.toJson() + "]");
            assertThat(client.until("[\"CLOSED\"", Duration.ofSeconds(30)).getLast())
                    .isEqualTo("[\"CLOSED\",\"during\",\"error: the relay could not handle that message, try again\"]");
            assertThat(client.until("[\"OK\"", Duration.ofSeconds(30)).getLast())
                    .isEqualTo("[\"OK\",\"" + note.id() + "\",false,\"error: the relay could not handle that message, try again\"]");
            outage.join();
            client.send("[\"REQ\",\"after\",{\"kinds\":[1]}]");
            assertThat(client.until("[\"EOSE\"", Duration.ofSeconds(30)).getLast()).isEqualTo("[\"EOSE\",\"after\"]");
        }
    }

    static java.net.http.WebSocket.Listener closeListener(java.util.concurrent.CompletableFuture<Integer> closed) {
        return new java.net.http.WebSocket.Listener() {
            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(java.net.http.WebSocket ws, Throwable error) {
                closed.complete(-1);
            }
        };
    }

    @Test
    void s3ChecksPresignedSignatures() throws Exception {
        try (LocalStack stack = LocalStack.start(config(), LocalStack.Mode.SERVICES); S3Client s3 = LocalAws.s3(stack.s3Endpoint());
             S3Presigner presigner = S3Presigner.builder().endpointOverride(stack.s3Endpoint())
                     .region(Region.of(LocalAws.REGION)).credentialsProvider(LocalAws.credentials())
                     .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()).build()) {
            byte[] bytes = new byte[200_000];
            new java.util.Random(1).nextBytes(bytes);
            s3.putObject(r -> r.bucket(stack.bucket()).key("v/abc"), RequestBody.fromBytes(bytes));
            URI url = presigner.presignGetObject(r -> r.signatureDuration(Duration.ofMinutes(5))
                    .getObjectRequest(g -> g.bucket(stack.bucket()).key("v/abc"))).url().toURI();

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo(bytes);

            String tampered = url.toString().replaceAll("X-Amz-Signature=([0-9a-f])", "X-Amz-Signature=0$1").substring(0);
            HttpResponse<byte[]> bad = http.send(HttpRequest.newBuilder(URI.create(tampered.replace("X-Amz-Signature=0",
                    "X-Amz-Signature=f"))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(bad.statusCode()).isEqualTo(403);
            HttpResponse<byte[]> unsigned = http.send(HttpRequest.newBuilder(
                    URI.create(stack.s3Endpoint() + "/" + stack.bucket() + "/v/abc")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(unsigned.statusCode()).isEqualTo(403);
        }
    }

    static void assertNotListening(int port) {
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(LocalAws.HOST, port), 1000);
            }
        }).as("port %d still open", port).isInstanceOf(ConnectException.class);
    }
}
