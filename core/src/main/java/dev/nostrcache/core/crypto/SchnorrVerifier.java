package dev.nostrcache.core.crypto;

/**
 * BIP-340 signature verification: libsecp256k1 where it loads ({@link LibSecp256k1Schnorr}), BouncyCastle elsewhere
 * ({@link BouncyCastleSchnorr}), behind the same calls.
 */
public interface SchnorrVerifier {

    /** libsecp256k1 where its library loads on this machine, else BouncyCastle. */
    static SchnorrVerifier fastest() {
        SchnorrVerifier loaded = LibSecp256k1Schnorr.loaded();
        return loaded != null ? loaded : new BouncyCastleSchnorr();
    }

    /**
     * @param message     the signed message (for Nostr the 32-byte event id)
     * @param publicKeyX  the 32-byte x-only public key
     * @param signature   the 64-byte signature
     * @return true only for a valid signature; malformed inputs (a key not on the curve) give false
     */
    boolean verify(byte[] message, byte[] publicKeyX, byte[] signature);

    /** Whether {@code publicKeyX} is the x coordinate of a point on secp256k1 (used to explain a failed check). */
    boolean isValidPublicKey(byte[] publicKeyX);

    /** Which implementation this is, for logs and the benchmark's table. */
    String implementation();
}
