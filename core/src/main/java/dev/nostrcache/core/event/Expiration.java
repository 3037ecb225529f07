package dev.nostrcache.core.event;

/** NIP-40: the {@code expiration} tag's unix time, if the event has a well-formed one. */
public final class Expiration {
    private Expiration() {
    }

    /** The expiration time in seconds, or null when there is no tag or its value is not a non-negative integer. */
    public static Long of(Event event) {
        String value = event.firstTagValue("expiration");
        if (value == null || value.isEmpty() || value.length() > 18) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return null;
            }
        }
        return Long.parseLong(value);
    }

    public static boolean isExpired(Event event, long nowSeconds) {
        Long at = of(event);
        return at != null && at <= nowSeconds;
    }
}
