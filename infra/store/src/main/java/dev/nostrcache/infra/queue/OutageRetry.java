package dev.nostrcache.infra.queue;

import java.time.Duration;

/**
 * How a message whose events could not be stored because the database was away comes back: as a new message on its
 * queue (so no receive is counted towards the dead-letter queue, whatever the outage's length), visible again after
 * {@code base} doubled per outage it has met, at most SQS's 15-minute delay. The count travels in the message's
 * {@value #ATTRIBUTE} attribute.
 *
 * @param base the first delay ({@code outage_retry_seconds} on AWS; {@code local_retry_delay_seconds} locally)
 */
public record OutageRetry(Duration base) {
    public static final String ATTRIBUTE = "outage_retries";
    /** SQS's longest message delay. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);

    /** The delay of a message that has already come back {@code retries} times. */
    public Duration delay(int retries) {
        long seconds = Math.max(1, base.toSeconds()) << Math.min(Math.max(retries, 0), 10);
        return Duration.ofSeconds(Math.min(seconds, MAX_DELAY.toSeconds()));
    }
}
