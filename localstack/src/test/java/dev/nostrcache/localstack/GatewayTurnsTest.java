package dev.nostrcache.localstack;

import dev.nostrcache.infra.config.ConfigLoader;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local gateway's WebSocket invocations take turns ({@code gateway_concurrency}), and one that waits on the
 * upstream relays gives its turn back meanwhile: with a single turn, a plain REQ is answered while a Primal request
 * waits the whole of {@code profile_lookup_ms} for a relay that never answers.
 */
class GatewayTurnsTest {
    private static final int LOOKUP_MS = 6_000;

    @Test
    void aRequestWaitingOnTheUpstreamRelaysHoldsNobodyUp() throws Exception {
        // Takes connections into its backlog and never answers the WebSocket handshake: the lookup waits its deadline.
        try (ServerSocket silentRelay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path dir = Files.createTempDirectory("gateway-turns");
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
