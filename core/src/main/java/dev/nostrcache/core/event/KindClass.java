package dev.nostrcache.core.event;

/** How NIP-01 says a relay keeps events of a kind. */
public enum KindClass {
    /** Every event is kept. Kinds outside the named ranges are treated as regular too. */
    REGULAR,
    /** Only the newest per (pubkey, kind) is kept: 0, 3 and 10000..19999. */
    REPLACEABLE,
    /** Never stored, only passed to live subscriptions: 20000..29999. */
    EPHEMERAL,
    /** Only the newest per (pubkey, kind, d tag) is kept: 30000..39999. */
    ADDRESSABLE;

    public static final int MIN_KIND = 0;
    public static final int MAX_KIND = 65535;

    public static KindClass of(int kind) {
        if (kind == 0 || kind == 3 || (kind >= 10000 && kind < 20000)) {
            return REPLACEABLE;
        }
        if (kind >= 20000 && kind < 30000) {
            return EPHEMERAL;
        }
        if (kind >= 30000 && kind < 40000) {
            return ADDRESSABLE;
        }
        return REGULAR;
    }
}
