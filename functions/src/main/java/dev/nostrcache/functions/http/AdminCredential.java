package dev.nostrcache.functions.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The bearer token the purge endpoints require: {@code admin_token} locally, a Secrets Manager secret on AWS (read
 * once, on the first admin request). Without a configured token every admin request is refused.
 */
public final class AdminCredential {

    public enum Verdict { ALLOWED, MISSING, WRONG, DISABLED }

    private final Supplier<String> token;
    private volatile byte[] expected;

    public AdminCredential(Supplier<String> token) {
        this.token = token;
    }

    public Verdict check(String authorization) {
        byte[] want = expected();
        if (want.length == 0) {
            return Verdict.DISABLED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.MISSING;
        }
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        // Constant time: the comparison must not tell how much of a guess was right.
        return MessageDigest.isEqual(given, want) ? Verdict.ALLOWED : Verdict.WRONG;
    }

    private byte[] expected() {
        byte[] e = expected;
        if (e == null) {
            String t = token.get();
            e = t == null ? new byte[0] : t.strip().getBytes(StandardCharsets.UTF_8);
            expected = e;
        }
        return e;
    }
}
