package dev.nostrcache.core.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 with one reusable digest per thread (MessageDigest is not thread-safe and costly to look up). */
public final class Sha256 {
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private Sha256() {
    }

    public static byte[] digest(byte[] input) {
        return DIGEST.get().digest(input);
    }
}
