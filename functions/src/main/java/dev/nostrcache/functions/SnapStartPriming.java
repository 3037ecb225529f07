package dev.nostrcache.functions;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * SnapStart's priming hook: before the snapshot is taken, run the hot paths that need no network (sign, serialise,
 * parse and verify an event; Jackson, BouncyCastle and the JIT warm up), so a restored function starts warm. Nothing
 * here opens a connection: the database pool is built on first use, after restore.
 */
@Component
public class SnapStartPriming implements Resource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapStartPriming.class);

    public SnapStartPriming() {
        Core.getGlobalContext().register(this);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        LOG.info("restored from the SnapStart snapshot");
    }

    /** The work done before the snapshot; returns how many events went through (tests call it). */
    public static int prime() {
        EventSigner signer = new EventSigner(new BouncyCastleSchnorr(), Sha256.digest("snapstart priming".getBytes(StandardCharsets.UTF_8)));
        EventParser parser = new EventParser(Limits.DEFAULTS);
        EventVerifier verifier = new EventVerifier(SchnorrVerifier.fastest(), Limits.DEFAULTS, Clock.systemUTC());
        int primed = 0;
        for (int i = 0; i < 200; i++) {
            Event event = signer.sign(1_700_000_000L + i, 1, List.of(List.of("t", "priming")), "priming " + i);
            try {
                verifier.verify(parser.parse(event.toJson()));
                primed++;
            } catch (InvalidEventException e) {
                throw new IllegalStateException("priming produced an invalid event: " + e.getMessage(), e);
            }
        }
        return primed;
    }
}
