package dev.nostrcache.localstack.bench;

import dev.nostrcache.functions.InvocationMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A loop's share of its function: only the invocations made meanwhile count, every outcome, no other function. */
class FunctionTimeTest {
    private static Timer timer(SimpleMeterRegistry registry, String function, String outcome) {
        return Timer.builder(InvocationMetrics.METER).tag("function", function).tag("outcome", outcome).register(registry);
    }

    @Test
    void countsOnlyThisFunctionsInvocationsSinceTheStart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        timer(registry, "wsDefault", "ok").record(Duration.ofMillis(50));
        FunctionTime time = FunctionTime.start(registry, "wsDefault");
        timer(registry, "wsDefault", "ok").record(Duration.ofMillis(2));
        timer(registry, "wsDefault", "ok").record(Duration.ofMillis(3));
        timer(registry, "wsDefault", "error").record(Duration.ofMillis(1));
        timer(registry, "wsConnect", "ok").record(Duration.ofMillis(40));
        // 10 clients, 3 requests in 0.006 s: each answer took 20 ms on average
        assertThat(time.since(new Latency.Stats(3, 0.006, 1, 2, 3), 10))
                .isEqualTo("the function (wsDefault) ran 2.00 ms per message, of a mean answer of 20.00 ms");
    }

    @Test
    void noInvocationMeanwhileIsNoTime() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FunctionTime time = FunctionTime.start(registry, "wsDefault");
        assertThat(time.since(new Latency.Stats(100, 0.1, 1, 2, 3), 1))
                .isEqualTo("the function (wsDefault) ran 0.00 ms per message, of a mean answer of 1.00 ms");
    }
}
