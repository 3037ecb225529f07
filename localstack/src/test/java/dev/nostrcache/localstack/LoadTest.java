package dev.nostrcache.localstack;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.queue.OutboundEvent;
import dev.nostrcache.infra.testing.SocialScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 500 WebSocket connections at once for 60 seconds, each sending a mix of NIP-01 REQ, CLOSE, COUNT and Primal
 * requests at a human pace: every request is answered without an error, and when they all close nothing is left
 * behind (connections in the gateway and the database, subscriptions, platform threads). Loopback only.
 */
class LoadTest {
    private static final int CONNECTIONS = 500;
    private static final Duration RUN = Duration.ofSeconds(60);

    private static long sql(LocalStack stack, String query) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Live threads by name without their numbers, for the message of a failed leak check. */
    private static Map<String, Long> threadNames() {
        return Thread.getAllStackTraces().entrySet().stream().collect(java.util.stream.Collectors.groupingBy(
                e -> e.getKey().getName().replaceAll("[0-9]+", "#") + " " + e.getKey().getState()
                        + (e.getValue().length > 2 ? " at " + e.getValue()[1] + " < " + e.getValue()[2] : ""),
                java.util.TreeMap::new, java.util.stream.Collectors.counting()));
    }

    @Test
    void fiveHundredConnectionsForAMinuteWithoutErrorsOrLeaks(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, "
                + "\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE)) {
            SocialScenario s = new SocialScenario();
            for (Event e : s.events()) {
                stack.publisher().submit(new OutboundEvent(e.toJson(), e.kind(), "test", 1L, null)).join();
            }
            assertThat(stack.awaitDrained(Duration.ofSeconds(60))).isTrue();
            int threadsBefore = Thread.activeCount();
            List<String> requests = List.of(
                    "[\"REQ\",\"notes\",{\"kinds\":[1],\"limit\":5}]",
                    "[\"COUNT\",\"n\",{\"kinds\":[7]}]",
                    "[\"REQ\",\"p\",{\"cache\":[\"user_profile\",{\"pubkey\":\"" + s.bob.pubkey() + "\"}]}]",
                    "[\"REQ\",\"f\",{\"cache\":[\"feed\",{\"pubkey\":\"" + s.alice.pubkey() + "\",\"limit\":10}]}]",
                    "[\"CLOSE\",\"notes\"]");
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicInteger answered = new AtomicInteger();
            // The clients' own threads are virtual, so the platform threads counted below are the runtime's.
            HttpClient http = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            long deadline = System.nanoTime() + RUN.toNanos();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int id = c;
                clients.add(Thread.startVirtualThread(() -> {
                    FrameQueue frames = new FrameQueue();
                    BlockingQueue<String> received = frames.texts;
                    WebSocket socket;
                    try {
                        socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                                .buildAsync(stack.gatewayUrl(), frames).get(30, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        errors.add("connection " + id + ": " + e);
                        return;
                    }
                    Random random = new Random(id);
                    try {
                        while (System.nanoTime() < deadline) {
                            String request = requests.get(random.nextInt(requests.size()));
                            socket.sendText(request, true).get(10, TimeUnit.SECONDS);
                            if (!request.startsWith("[\"CLOSE\"")) {
                                String sub = request.split("\"")[3];
                                String end = request.startsWith("[\"COUNT\"") ? "[\"COUNT\",\"" + sub + "\"" : "[\"EOSE\",\"" + sub + "\"";
                                while (true) {
                                    String m = received.poll(20, TimeUnit.SECONDS);
                                    if (m == null) {
                                        errors.add("connection " + id + ": no answer to " + request);
                                        return;
                                    }
                                    if (m.startsWith("[\"NOTICE\"") || m.startsWith("[\"CLOSED\"")) {
                                        errors.add("connection " + id + ": " + m);
                                    }
                                    if (m.startsWith(end)) {
                                        break;
                                    }
                                }
                                answered.incrementAndGet();
                            }
                            Thread.sleep(1000 + random.nextInt(2000));
                        }
                    } catch (Exception e) {
                        errors.add("connection " + id + ": " + e);
                    } finally {
                        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS)
                                .exceptionally(e -> null).join();
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
            assertThat(errors).as("errors under load").isEmpty();
            assertThat(answered.get()).as("requests answered").isGreaterThan(CONNECTIONS * 10);

            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until && (stack.openGatewayConnections() > 0
                    || sql(stack, "SELECT count(*) FROM ws_connections") > 0)) {
                Thread.sleep(200);
            }
            assertThat(stack.openGatewayConnections()).as("gateway connections left").isZero();
            assertThat(sql(stack, "SELECT count(*) FROM ws_connections")).as("connection rows left").isZero();
            assertThat(sql(stack, "SELECT count(*) FROM ws_subscriptions")).as("subscriptions left").isZero();
            http.close();
            // The gateway's pool may keep up to its bound of idle threads for a while (it gives them back one per idle
            // timeout); a thread per connection or per request, the leak this looks for, would be hundreds more.
            int bound = threadsBefore + LocalGateway.POOL_THREADS;
            long threadsDeadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < threadsDeadline && Thread.activeCount() > bound) {
                Thread.sleep(500);
            }
            assertThat(Thread.activeCount()).as("platform threads: " + threadNames()).isLessThanOrEqualTo(bound);
        }
    }
}
