package dev.nostrcache.localstack.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The closed loops time only their own requests, after the untimed ones each connection makes first. */
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
    void aboutAThousandUntimedRequestsPerLoopAndTenPerConnectionAtLeast() {
        assertThat(Latency.untimedPerConnection(1)).isEqualTo(1_000);
        assertThat(Latency.untimedPerConnection(10)).isEqualTo(100);
        assertThat(Latency.untimedPerConnection(100)).isEqualTo(10);
        assertThat(Latency.untimedPerConnection(1_000)).isEqualTo(10);
    }
}
