package dev.nostrcache.core.crypto;

/** BIP-340 signing, used to make test corpora and for operator tools; the cache itself never signs for users. */
public interface SchnorrSigner {

    /** The 32-byte x-only public key of a 32-byte secret key. */
    byte[] publicKey(byte[] secretKey);

    /**
     * Signs {@code message} with {@code secretKey}, using {@code auxRand} (32 bytes) as BIP-340's auxiliary
     * randomness; pass fresh random bytes in normal use, fixed ones to reproduce test vectors.
     */
    byte[] sign(byte[] message, byte[] secretKey, byte[] auxRand);
}
