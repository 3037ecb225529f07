package dev.nostrcache.localstack;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that misbehave while others do not: one that never reads, many that open subscriptions as fast as they
 * can, some that send oversized frames. Each is cut off or refused on its own; the well-behaved clients keep getting
 * their answers, and nothing is left behind. Loopback only, every wait bounded.
 */
class HostileClientsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LARGE_NOTES = 200;
    private static LocalStack stack;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [], \"avatar_cache\": false, "
                + "\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
        stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
        for (int i = 0; i < LARGE_NOTES; i++) {
            TestDatabase.storeRow(stack.dataSource(), TestKeys.signer(i).sign(1_700_000_000L + i, 1, List.of(), "large note " + i + " " + "x".repeat(8_000)));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        stack.close();
    }

    private static long sql(String query) throws Exception {
        try (Connection c = stack.dataSource().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void await(String what, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for %s", what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static BooleanSupplier noRowsIn(String table) {
        return () -> {
            try {
                return sql("SELECT count(*) FROM " + table) == 0;
            } catch (Exception e) {
                return false;
            }
        };
    }

    /** Sends a REQ and waits for its EOSE; the number of events it got. */
    private static int request(RelayClient client, String sub, String filter) throws InterruptedException {
        client.send("[\"REQ\",\"" + sub + "\"," + filter + "]");
        List<String> answer = client.until("[\"EOSE\",\"" + sub + "\"", WAIT);
        return answer.size() - 1;
    }

    @Test
    void aClientThatNeverReadsIsCutOffAndNobodyElseWaitsForIt() throws Exception {
        AtomicBoolean slowClosed = new AtomicBoolean();
        HttpClient http = HttpClient.newHttpClient();
        // No demand is ever signalled, so the JDK client reads nothing: the gateway's frames for it pile up.
        WebSocket slow = http.newWebSocketBuilder().buildAsync(stack.gatewayUrl(), new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                slowClosed.set(true);
            }
        }).get(10, TimeUnit.SECONDS);
        try (RelayClient polite = new RelayClient(stack.gatewayUrl())) {
            // Each answer is 200 notes of 8 kB: 40 of them are 64 MB, far beyond the socket buffers and the queue.
            for (int i = 0; i < 40; i++) {
                slow.sendText("[\"REQ\",\"all\",{\"kinds\":[1],\"limit\":" + LARGE_NOTES + "}]", true).get(10, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            // At least once, so that the polite client holds "mine" however soon the cut-off comes.
            do {
                assertThat(System.nanoTime()).as("the slow reader was not cut off").isLessThan(deadline);
                assertThat(request(polite, "mine", "{\"kinds\":[1],\"limit\":3}")).as("answered meanwhile").isEqualTo(3);
            } while (stack.openGatewayConnections() > 1);
            assertThat(request(polite, "after", "{\"kinds\":[1],\"limit\":3}")).as("answered after the cut-off too").isEqualTo(3);
            await("the slow reader's subscription forgotten", () -> {
                try {
                    return sql("SELECT count(*) FROM ws_connections") == 1 && sql("SELECT count(*) FROM ws_subscriptions") == 2;
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            slow.abort();
            http.close();
        }
        await("no connection left", noRowsIn("ws_connections"));
        await("no subscription left", noRowsIn("ws_subscriptions"));
    }

    @Test
    void subscriptionFloodsFromManyConnectionsAreCappedEachAndLeaveNothingBehind() throws Exception {
        int connections = 20;
        int cap = Limits.DEFAULTS.maxSubscriptions();
        List<RelayClient> clients = new ArrayList<>();
        try {
            List<Thread> flooders = new ArrayList<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            for (int c = 0; c < connections; c++) {
                RelayClient client = new RelayClient(stack.gatewayUrl());
                clients.add(client);
                int id = c;
                flooders.add(Thread.startVirtualThread(() -> {
                    try {
                        for (int i = 0; i < cap + 20; i++) {
                            client.send("[\"REQ\",\"s" + i + "\",{\"ids\":[\"" + "0".repeat(64) + "\"]}]");
                        }
                        int eose = 0;
                        int refused = 0;
                        while (eose + refused < cap + 20) {
                            String m = client.next(WAIT);
                            if (m == null) {
                                errors.add("connection " + id + ": answers stopped after " + eose + " EOSE and " + refused + " CLOSED");
                                return;
                            }
                            if (m.startsWith("[\"EOSE\"")) {
                                eose++;
                            } else if (m.startsWith("[\"CLOSED\"") && m.contains("rate-limited: at most " + cap + " open subscriptions")) {
                                refused++;
                            } else {
                                errors.add("connection " + id + ": " + m);
                            }
                        }
                        if (eose != cap || refused != 20) {
                            errors.add("connection " + id + ": " + eose + " open, " + refused + " refused");
                        }
                    } catch (Exception e) {
                        errors.add("connection " + id + ": " + e);
                    }
                }));
            }
            try (RelayClient bystander = new RelayClient(stack.gatewayUrl())) {
                assertThat(request(bystander, "calm", "{\"kinds\":[1],\"limit\":2}")).as("answered during the flood").isEqualTo(2);
            }
            for (Thread t : flooders) {
                t.join(WAIT.toMillis() * 2);
            }
            assertThat(errors).isEmpty();
            assertThat(sql("SELECT count(*) FROM ws_subscriptions")).as("exactly the cap on each connection")
                    .isEqualTo((long) connections * cap);
        } finally {
            clients.forEach(RelayClient::close);
        }
        await("no subscription left", noRowsIn("ws_subscriptions"));
        await("no subscription key left", noRowsIn("ws_subscription_keys"));
        await("no connection left", noRowsIn("ws_connections"));
    }

    @Test
    void oversizedFramesUnderLoadCloseOnlyTheirOwnConnections() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<Integer>> closes = new ArrayList<>();
        List<RelayClient> polite = new ArrayList<>();
        try {
            for (int c = 0; c < 10; c++) {
                polite.add(new RelayClient(stack.gatewayUrl()));
            }
            for (int c = 0; c < 5; c++) {
                CompletableFuture<Integer> closed = new CompletableFuture<>();
                closes.add(closed);
                WebSocket big = http.newWebSocketBuilder().buildAsync(stack.gatewayUrl(), LocalStackTest.closeListener(closed))
                        .get(10, TimeUnit.SECONDS);
                big.sendText("[\"REQ\",\"big\",{\"search\":\"" + "x".repeat(140 * 1024) + "\"}]", true);
            }
            for (int round = 0; round < 5; round++) {
                for (int c = 0; c < polite.size(); c++) {
                    assertThat(request(polite.get(c), "r" + round, "{\"kinds\":[1],\"limit\":2}")).isEqualTo(2);
                }
            }
            for (CompletableFuture<Integer> closed : closes) {
                assertThat(closed.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("closed as too big").isEqualTo(1009);
            }
            assertThat(stack.openGatewayConnections()).as("only the oversized ones were closed").isEqualTo(polite.size());
        } finally {
            polite.forEach(RelayClient::close);
            http.close();
        }
        await("no connection left", noRowsIn("ws_connections"));
    }
}
