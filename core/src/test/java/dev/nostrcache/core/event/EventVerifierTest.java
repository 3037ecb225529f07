package dev.nostrcache.core.event;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventVerifierTest {
    private static final long NOW = 1_800_000_000L;
    private final EventVerifier verifier = new EventVerifier(new BouncyCastleSchnorr(), Limits.DEFAULTS,
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    @Test
    void refusesEventsTooFarInTheFuture() {
        var signer = TestKeys.signer(1);
        assertThatCode(() -> verifier.verify(signer.sign(NOW + 600, 1, List.of(), "edge"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> verifier.verify(signer.sign(NOW + 601, 1, List.of(), "late")))
                .hasMessage("invalid: created_at is more than 600 seconds in the future");
    }

    @Test
    void refusesAnEventWhoseSignatureIsAnotherAuthors() {
        Event real = TestKeys.signer(1).sign(NOW, 1, List.of(), "x");
        Event forged = new Event(real.id(), TestKeys.signer(2).pubkey(), real.createdAt(), real.kind(), real.tags(),
                real.content(), real.sig());
        assertThatThrownBy(() -> verifier.verify(forged)).hasMessageStartingWith("invalid: event id does not match");
        Event sameIdOtherSig = new Event(real.id(), real.pubkey(), real.createdAt(), real.kind(), real.tags(),
                real.content(), TestKeys.signer(1).sign(NOW, 1, List.of(), "y").sig());
        assertThatThrownBy(() -> verifier.verify(sameIdOtherSig)).hasMessage("invalid: bad signature");
    }
}
