package dev.nostrcache.infra.queue;

/**
 * An event on its way to its queue: the JSON exactly as received, where it came from and when.
 *
 * @param json        the event JSON as received (the functions recompute its id from this)
 * @param kind        its kind, which picks the queue
 * @param relay       the relay URL, or {@code import:<file>} for dumps
 * @param receivedAt  epoch milliseconds of arrival
 * @param onSent      called once the queue has accepted it (the sender's cursor bookkeeping), may be null
 */
public record OutboundEvent(String json, int kind, String relay, long receivedAt, Runnable onSent) {
}
