package dev.nostrcache.core.event;

/**
 * What a replaceable or addressable event replaces: the same (pubkey, kind) and, for addressable kinds, the same
 * {@code d} tag value. A missing {@code d} tag or one without a value counts as {@code ""}, as NIP-33 said.
 */
public record ReplacementKey(String pubkey, int kind, String dTag) {

    /** The key of {@code event}, or null when its kind is neither replaceable nor addressable. */
    public static ReplacementKey of(Event event) {
        return switch (event.kindClass()) {
            case REPLACEABLE -> new ReplacementKey(event.pubkey(), event.kind(), "");
            case ADDRESSABLE -> {
                String d = event.firstTagValue("d");
                yield new ReplacementKey(event.pubkey(), event.kind(), d == null ? "" : d);
            }
            case REGULAR, EPHEMERAL -> null;
        };
    }

    /**
     * NIP-01's replacement rule: the newer created_at wins; on a tie the lexically lowest id wins. Being a total
     * order, it makes the kept version independent of arrival order.
     */
    public static boolean supersedes(Event candidate, Event current) {
        return supersedes(candidate.createdAt(), candidate.id(), current.createdAt(), current.id());
    }

    public static boolean supersedes(long candidateCreatedAt, String candidateId, long currentCreatedAt, String currentId) {
        if (candidateCreatedAt != currentCreatedAt) {
            return candidateCreatedAt > currentCreatedAt;
        }
        return candidateId.compareTo(currentId) < 0;
    }

    /** The NIP-01 address {@code kind:pubkey:d}, as used in {@code a} tags. */
    public String address() {
        return kind + ":" + pubkey + ":" + dTag;
    }
}
