package dev.nostrcache.core.testing;

import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.event.EventSigner;

import java.nio.charset.StandardCharsets;

/** Deterministic signers for test events: key {@code n} is SHA-256 of {@code "test-key-n"}. */
public final class TestKeys {
    private static final BouncyCastleSchnorr SCHNORR = new BouncyCastleSchnorr();

    private TestKeys() {
    }

    public static EventSigner signer(int n) {
        return new EventSigner(SCHNORR, Sha256.digest(("test-key-" + n).getBytes(StandardCharsets.UTF_8)));
    }
}
