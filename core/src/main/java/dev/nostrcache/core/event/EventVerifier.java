package dev.nostrcache.core.event;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.SchnorrVerifier;

import java.time.Clock;

/**
 * Checks what the parser cannot: that the id is the hash of the content, that the signature is the author's, and
 * that created_at is not too far in the future. Never trust an upstream for any of these. Thread-safe.
 */
public final class EventVerifier {
    private final SchnorrVerifier schnorr;
    private final long maxFutureSeconds;
    private final Clock clock;

    public EventVerifier(SchnorrVerifier schnorr, Limits limits, Clock clock) {
        this.schnorr = schnorr;
        this.maxFutureSeconds = limits.maxFutureSeconds();
        this.clock = clock;
    }

    public void verify(Event event) throws InvalidEventException {
        verifyIdAndSignature(event);
        long now = clock.millis() / 1000;
        if (event.createdAt() > now + maxFutureSeconds) {
            throw InvalidEventException.invalid("created_at is more than " + maxFutureSeconds + " seconds in the future");
        }
    }

    /** The id and signature only: for dumps and archives, where created_at in the future says nothing. */
    public void verifyIdAndSignature(Event event) throws InvalidEventException {
        String computed = EventJson.computeId(event);
        if (!computed.equals(event.id())) {
            throw InvalidEventException.invalid("event id does not match its content (computed " + computed + ")");
        }
        byte[] pubkey = Hex.decode(event.pubkey());
        if (!schnorr.verify(Hex.decode(event.id()), pubkey, Hex.decode(event.sig()))) {
            throw InvalidEventException.invalid(schnorr.isValidPublicKey(pubkey) ? "bad signature"
                    : "pubkey is not a valid secp256k1 x coordinate");
        }
    }
}
