package dev.nostrcache.localstack.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The closed loops time only their own requests, after the untimed ones each connection makes first; a refusal, a
 * silence or a close ends a loop with what happened.
 */
class LatencyTest {
    @Test
    void eachConnectionMakesItsUntimedRequestsBeforeTheTimedOnes() throws Exception {
        try (LoopbackRelay relay = new LoopbackRelay(List.of("{\"n\":1}"))) {
            Latency.Op req = Latency.Op.of(Latency.req(i -> "{}"));
            try (Latency.Connections connections = Latency.connect(URI.create(relay.url()), 4, req)) {
                assertThat(relay.requestsServed()).isEqualTo(4 * Latency.untimedPerConnection(4));
                Latency.Stats stats = connections.run(25);
                assertThat(stats.requests()).isEqualTo(100);
                assertThat(relay.requestsServed()).isEqualTo(4 * Latency.untimedPerConnection(4) + 100);
            }
        }
    }

    @Test
    void aRowReadsTheSameWhateverTheMachinesLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY); // decimal comma, grouping dot
            assertThat(new Latency.Stats(12_345, 2.0, 0.25, 1.5, 20).summary())
                    .isEqualTo("6,173/s, p50 0.25 ms, p99 1.50 ms, max 20.0 ms");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void aboutAThousandUntimedRequestsPerLoopAndTenPerConnectionAtLeast() {
        assertThat(Latency.untimedPerConnection(1)).isEqualTo(1_000);
        assertThat(Latency.untimedPerConnection(10)).isEqualTo(100);
        assertThat(Latency.untimedPerConnection(100)).isEqualTo(10);
        assertThat(Latency.untimedPerConnection(1_000)).isEqualTo(10);
    }

    @Test
    void aRefusalEndsTheRequestWithTheServersWords() throws Exception {
        for (String refusal : List.of("[\"CLOSED\",\"bench\",\"rate-limited: slow down\"]", "[\"NOTICE\",\"error: busy\"]")) {
            try (HandmadeServer server = HandmadeServer.upgrading((in, out) -> {
                HandmadeServer.unmaskedFrame(in);
                out.write(HandmadeServer.frame(0x01, true, "[\"EVENT\",\"bench\",{}]"));
                out.write(HandmadeServer.frame(0x01, true, refusal));
            })) {
                Latency.Client client = new Latency.Client(server.url());
                try {
                    assertThatThrownBy(() -> Latency.req(i -> "{}").run(client, 0))
                            .isInstanceOf(IllegalStateException.class).hasMessage("refused: " + refusal);
                } finally {
                    client.close();
                }
            }
        }
    }

    @Test
    void aSilentServerOrAClosedConnectionEndsTheRequestSayingWhatItAwaited() throws Exception {
        try (LoopbackRelay relay = new LoopbackRelay(List.of("{\"n\":1}"))) {
            // the relay answers REQs only
            Latency.Client client = new Latency.Client(URI.create(relay.url()), 1_000);
            try {
                assertThatThrownBy(() -> client.request("[\"COUNT\",\"c\",{}]", new byte[]{'['}))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("no answer to [\"COUNT\",\"c\",{}] within 1 s");
            } finally {
                client.close();
            }
        }
        try (HandmadeServer server = HandmadeServer.upgrading((in, out) ->
                out.write(new byte[]{(byte) 0x88, 5, 0x03, (byte) 0xe9, 'b', 'y', 'e'}))) {
            Latency.Client client = new Latency.Client(server.url());
            try {
                assertThatThrownBy(client::ping).isInstanceOf(IllegalStateException.class)
                        .hasMessage("the gateway closed the connection (1001 bye) awaiting the answer to a ping");
            } finally {
                client.close();
            }
        }
    }
}
