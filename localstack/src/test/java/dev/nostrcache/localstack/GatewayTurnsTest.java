package dev.nostrcache.localstack;

import dev.nostrcache.infra.config.ConfigLoader;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local gateway's WebSocket invocations take turns ({@code gateway_concurrency}): the messages of six connections
 * run two at a time with two turns. One that waits on the upstream relays gives its turn back meanwhile: with a single
 * turn, a plain REQ is answered while a Primal request waits the whole of {@code profile_lookup_ms} for a relay that
 * never answers.
 */
class GatewayTurnsTest {
    private static final int LOOKUP_MS = 6_000;

    @Test
    void noMoreWebSocketInvocationsRunAtOnceThanTheGatewayHasTurns() throws Exception {
        int turns = 2;
        int clients = 6;
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch answered = new CountDownLatch(clients);
        LocalGateway.Invoker functions = new LocalGateway.Invoker() {
            @Override
            @SuppressWarnings("unchecked")
            public <O> O call(String function, Object event) {
                if (function.equals("wsConnect")) {
                    APIGatewayV2WebSocketResponse accepted = new APIGatewayV2WebSocketResponse();
                    accepted.setStatusCode(200);
                    return (O) accepted;
                }
                if (function.equals("wsDefault")) {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    answered.countDown();
                }
                return null;
            }
        };
        try (LocalGateway gateway = new LocalGateway(new InetSocketAddress("127.0.0.1", 0), 0, Duration.ofMinutes(1),
                Duration.ofMinutes(10), turns)) {
            gateway.start(functions);
            List<RelayClient> connected = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    connected.add(new RelayClient(URI.create("ws://127.0.0.1:" + gateway.port() + "/")));
                }
                connected.forEach(c -> c.send("[\"REQ\",\"s\",{}]"));
                assertThat(answered.await(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                connected.forEach(RelayClient::close);
            }
        }
        assertThat(most.get()).as("messages of %d connections at once", clients).isEqualTo(turns);
    }

    /**
     * Frames sent back to back, some of them slow to handle: whether a frame runs on the thread Jetty delivered it on
     * or waits behind the invocation before it, a connection's invocations run one at a time, in the order sent,
     * after {@code $connect} and before {@code $disconnect}.
     */
    @Test
    void aConnectionsInvocationsRunOneAtATimeInTheOrderSent() throws Exception {
        int messages = 200;
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch disconnected = new CountDownLatch(1);
        LocalGateway.Invoker functions = new LocalGateway.Invoker() {
            @Override
            @SuppressWarnings("unchecked")
            public <O> O call(String function, Object event) {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    var body = ((APIGatewayV2WebSocketEvent) event).getBody();
                    seen.add(body == null ? function : body);
                    // Long enough, now and then, that the next frames arrive while this one runs.
                    Thread.sleep(seen.size() % 10 == 0 ? 5 : 0);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                if (function.equals("wsDisconnect")) {
                    disconnected.countDown();
                }
                APIGatewayV2WebSocketResponse accepted = new APIGatewayV2WebSocketResponse();
                accepted.setStatusCode(200);
                return (O) accepted;
            }
        };
        try (LocalGateway gateway = new LocalGateway(new InetSocketAddress("127.0.0.1", 0), 0, Duration.ofMinutes(1),
                Duration.ofMinutes(10), 8)) {
            gateway.start(functions);
            try (RelayClient client = new RelayClient(URI.create("ws://127.0.0.1:" + gateway.port() + "/"))) {
                for (int i = 0; i < messages; i++) {
                    client.send("m" + i);
                }
            }
            assertThat(disconnected.await(20, TimeUnit.SECONDS)).isTrue();
        }
        List<String> expected = new ArrayList<>(List.of("wsConnect"));
        for (int i = 0; i < messages; i++) {
            expected.add("m" + i);
        }
        expected.add("wsDisconnect");
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(most.get()).as("invocations of one connection at once").isEqualTo(1);
    }

    @Test
    void aRequestWaitingOnTheUpstreamRelaysHoldsNobodyUp(@TempDir Path dir) throws Exception {
        // Takes connections into its backlog and never answers the WebSocket handshake: the lookup waits its deadline.
        try (ServerSocket silentRelay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Files.writeString(dir.resolve("config.json"), "{\"upstream_relays\": [\"ws://127.0.0.1:" + silentRelay.getLocalPort()
                    + "\"], \"gateway_concurrency\": 1, \"profile_lookup_ms\": " + LOOKUP_MS + ", \"avatar_cache\": false, "
                    + "\"listen_addr\": \"127.0.0.1:0\", \"database_port\": 0, \"sqs_port\": 0, \"s3_port\": 0, \"management_port\": 0}");
            try (LocalStack stack = LocalStack.start(ConfigLoader.load(List.of(), Map.of(), dir), LocalStack.Mode.PIPELINE);
                 RelayClient asking = new RelayClient(stack.gatewayUrl());
                 RelayClient other = new RelayClient(stack.gatewayUrl())) {
                String unknown = TestKeys.signer(91).pubkey();
                long start = System.nanoTime();
                asking.send("[\"REQ\",\"infos\",{\"cache\":[\"user_infos\",{\"pubkeys\":[\"" + unknown + "\"]}]}]");
                Thread.sleep(300);
                long sent = System.nanoTime();
                other.send("[\"REQ\",\"notes\",{\"kinds\":[1],\"limit\":1}]");
                other.until("[\"EOSE\",\"notes\"", Duration.ofSeconds(20));
                long otherAnswered = System.nanoTime();
                asking.until("[\"EOSE\",\"infos\"", Duration.ofSeconds(30));
                long askingAnswered = System.nanoTime();

                assertThat(Duration.ofNanos(askingAnswered - start)).as("the lookup waited for the silent relay")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(LOOKUP_MS - 500));
                assertThat(Duration.ofNanos(otherAnswered - sent)).as("the REQ was answered during the lookup")
                        .isLessThan(Duration.ofMillis(LOOKUP_MS / 2));
            }
        }
    }
}
