package dev.nostrcache.functions;

import dev.nostrcache.infra.aws.EmbeddedMetricFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.cloud.function.context.catalog.FunctionAroundWrapper;
import org.springframework.cloud.function.context.catalog.SimpleFunctionRegistry.FunctionInvocationWrapper;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Around every function invocation: its duration and outcome as {@code nostr_cache.invocations{function,outcome}};
 * on Lambda (when {@code emf} is set) what every meter gained during the invocation is then printed in CloudWatch's
 * embedded metric format, so metrics need no API call. Locally the registry is scraped at {@code /metrics}.
 */
public final class InvocationMetrics extends FunctionAroundWrapper {
    /** The timer of every invocation, tagged {@code function} and {@code outcome} ({@code ok} or {@code error}). */
    public static final String METER = "nostr_cache.invocations";

    private final MeterRegistry registry;
    private final EmbeddedMetricFormat emf;
    private final PrintStream out;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** @param emf null when the metrics are scraped instead (the local runtime) */
    public InvocationMetrics(MeterRegistry registry, EmbeddedMetricFormat emf, PrintStream out) {
        this.registry = registry;
        this.emf = emf;
        this.out = out;
    }

    /** Kept per function and outcome: registering anew on every invocation was a third of the wrapper's cost. */
    private Timer timer(String function, String outcome) {
        return timers.computeIfAbsent(function + '\n' + outcome, key -> Timer.builder(METER)
                .tag("function", function).tag("outcome", outcome).register(registry));
    }

    @Override
    protected Object doApply(Object input, FunctionInvocationWrapper target) {
        return timed(target.getFunctionDefinition(), () -> target.apply(input));
    }

    /**
     * Runs one invocation of {@code function} and records it as {@link #doApply} does; for a caller that invokes the
     * function bean itself (the local runtime's gateway and event-source mappings).
     */
    public <T> T timed(String function, Supplier<T> invocation) {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            T result = invocation.get();
            outcome = "ok";
            return result;
        } finally {
            timer(function, outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (emf != null) {
                emf.flush(System.currentTimeMillis()).forEach(out::println);
            }
        }
    }
}
