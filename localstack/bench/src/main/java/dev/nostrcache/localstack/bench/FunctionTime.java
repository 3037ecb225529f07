package dev.nostrcache.localstack.bench;

import dev.nostrcache.functions.InvocationMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How much of a loop's answers the function itself took: the runtime times every invocation
 * ({@link InvocationMetrics#METER}, per function and outcome), and a closed loop's mean answer is its clients times
 * its duration over its requests (Little's law). What the function did not take is the way to it and back: the
 * gateway's turns, the sockets, the client, and waits for a CPU on the way.
 */
final class FunctionTime {
    private final MeterRegistry registry;
    private final String function;
    private final long invocations;
    private final double nanos;

    private FunctionTime(MeterRegistry registry, String function) {
        this.registry = registry;
        this.function = function;
        this.invocations = count();
        this.nanos = totalNanos();
    }

    /** Starts counting the invocations of {@code function} from now. */
    static FunctionTime start(MeterRegistry registry, String function) {
        return new FunctionTime(registry, function);
    }

    /**
     * The function's mean time per invocation since {@link #start}, beside the mean answer of a closed loop of
     * {@code clients} that made {@code stats.requests()} requests.
     */
    String since(Latency.Stats stats, int clients) {
        long ran = count() - invocations;
        double perInvocationMs = ran == 0 ? 0 : (totalNanos() - nanos) / ran / 1e6;
        double meanAnswerMs = clients * stats.seconds() * 1e3 / stats.requests();
        return String.format(Locale.ROOT, "the function (%s) ran %.2f ms per message, of a mean answer of %.2f ms", function,
                perInvocationMs, meanAnswerMs);
    }

    private long count() {
        return timers().stream().mapToLong(Timer::count).sum();
    }

    private double totalNanos() {
        return timers().stream().mapToDouble(t -> t.totalTime(TimeUnit.NANOSECONDS)).sum();
    }

    /** The function's timers, one per outcome. */
    private Collection<Timer> timers() {
        return registry.find(InvocationMetrics.METER).tag("function", function).timers();
    }
}
