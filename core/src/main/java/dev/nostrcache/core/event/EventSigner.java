package dev.nostrcache.core.event;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.crypto.SchnorrSigner;

import java.security.SecureRandom;
import java.util.List;

/** Makes signed events from a secret key: for test corpora, benchmarks and operator tools. */
public final class EventSigner {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SchnorrSigner signer;
    private final byte[] secretKey;
    private final String pubkey;

    public EventSigner(SchnorrSigner signer, byte[] secretKey) {
        this.signer = signer;
        this.secretKey = secretKey.clone();
        this.pubkey = Hex.encode(signer.publicKey(secretKey));
    }

    public String pubkey() {
        return pubkey;
    }

    public Event sign(long createdAt, int kind, List<List<String>> tags, String content) {
        String id = EventJson.computeId(pubkey, createdAt, kind, tags, content);
        byte[] aux = new byte[32];
        RANDOM.nextBytes(aux);
        String sig = Hex.encode(signer.sign(Hex.decode(id), secretKey, aux));
        return new Event(id, pubkey, createdAt, kind, tags, content, sig);
    }
}
