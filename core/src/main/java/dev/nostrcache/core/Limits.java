package dev.nostrcache.core;

/**
 * Every protocol limit the cache enforces, with its default in one place. The NIP-11 document publishes these
 * same values, so what clients are told is what is enforced.
 *
 * @param maxEventBytes              largest event JSON accepted, in UTF-8 bytes
 * @param maxMessageBytes            largest client message, in UTF-8 bytes (API Gateway's own frame cap)
 * @param maxFutureSeconds           how far created_at may lie in the future
 * @param maxSubscriptions           open subscriptions per connection (answered one-shot requests do not count)
 * @param maxLimit                   a filter's {@code limit} is clamped to this
 * @param maxSubscriptionIdLength    longest subscription id: 256, above NIP-01's 64, since Primal's clients name their
 *                                   cache requests {@code <name>_<app id>}, 98 to 142 characters (Primal's server
 *                                   takes them); still short enough to echo in every refusal
 * @param maxFiltersPerRequest       filters in one REQ or COUNT
 * @param maxFilterValues            values in one filter list (ids, authors, kinds, one tag)
 * @param messagesPerSecond          client messages per second a connection may send in the long run
 * @param messageBurst               client messages a connection may send at once (a page load of a client)
 */
public record Limits(
        int maxEventBytes,
        int maxMessageBytes,
        long maxFutureSeconds,
        int maxSubscriptions,
        int maxLimit,
        int maxSubscriptionIdLength,
        int maxFiltersPerRequest,
        int maxFilterValues,
        int messagesPerSecond,
        int messageBurst) {

    public static final Limits DEFAULTS = new Limits(64 * 1024, 128 * 1024, 600, 200, 500, 256, 20, 5000, 50, 500);

    public Limits {
        requirePositive("maxEventBytes", maxEventBytes);
        requirePositive("maxMessageBytes", maxMessageBytes);
        requirePositive("maxSubscriptions", maxSubscriptions);
        requirePositive("maxLimit", maxLimit);
        requirePositive("maxSubscriptionIdLength", maxSubscriptionIdLength);
        requirePositive("maxFiltersPerRequest", maxFiltersPerRequest);
        requirePositive("maxFilterValues", maxFilterValues);
        requirePositive("messagesPerSecond", messagesPerSecond);
        requirePositive("messageBurst", messageBurst);
        if (maxFutureSeconds < 0) {
            throw new IllegalArgumentException("maxFutureSeconds must not be negative");
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
