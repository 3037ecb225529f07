package dev.nostrcache.core.crypto;

/**
 * BIP-340 signature verification. A small interface so that a native verifier (libsecp256k1 through JNI, about
 * three times faster) can be slotted in behind the same calls.
 */
public interface SchnorrVerifier {

    /**
     * @param message     the signed message (for Nostr the 32-byte event id)
     * @param publicKeyX  the 32-byte x-only public key
     * @param signature   the 64-byte signature
     * @return true only for a valid signature; malformed inputs (a key not on the curve) give false
     */
    boolean verify(byte[] message, byte[] publicKeyX, byte[] signature);

    /** Whether {@code publicKeyX} is the x coordinate of a point on secp256k1 (used to explain a failed check). */
    boolean isValidPublicKey(byte[] publicKeyX);
}
