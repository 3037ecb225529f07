package dev.nostrcache.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: a random delay up to min * 2^(failures-1), capped at max. */
public record Backoff(Duration min, Duration max) {

    public Duration delay(int failures) {
        long ceiling = Math.min(max.toMillis(), min.toMillis() << Math.min(Math.max(failures - 1, 0), 30));
        long floor = Math.min(min.toMillis(), ceiling);
        return Duration.ofMillis(floor + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - floor + 1)));
    }
}
