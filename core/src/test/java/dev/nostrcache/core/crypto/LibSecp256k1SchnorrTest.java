package dev.nostrcache.core.crypto;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** libsecp256k1 through JNI judges every signature as BouncyCastle does, and is the verifier picked on this machine. */
class LibSecp256k1SchnorrTest {
    private final BouncyCastleSchnorr bouncyCastle = new BouncyCastleSchnorr();

    @Test
    void theLibraryLoadsOnLinuxAndIsTheVerifierPicked() {
        // The CI machines and the runtime's own are Linux x86_64: a jar or loader that stops working fails here.
        assertThat(System.getProperty("os.name").toLowerCase(Locale.ROOT)).startsWith("linux");
        assertThat(LibSecp256k1Schnorr.unavailableBecause()).isNull();
        assertThat(SchnorrVerifier.fastest()).isInstanceOf(LibSecp256k1Schnorr.class);
        assertThat(SchnorrVerifier.fastest().implementation()).isEqualTo("libsecp256k1 (JNI)");
    }

    @Test
    void everyOfficialVectorGivesTheExpectedVerdict() {
        SchnorrVerifier verifier = SchnorrVerifier.fastest();
        List<String> rows = TestData.lines("bip340-test-vectors.csv");
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            // vectors 15-18 sign messages of other lengths than 32 bytes: BouncyCastle's part
            assertThat(verifier.verify(Hex.decode(f[4].toLowerCase(Locale.ROOT)), Hex.decode(f[2].toLowerCase(Locale.ROOT)),
                    Hex.decode(f[5].toLowerCase(Locale.ROOT))))
                    .as("vector %s (%s)", f[0], f.length > 7 ? f[7] : "").isEqualTo(f[6].equals("TRUE"));
        }
    }

    @Test
    void realEventsAndTamperedCopiesGetTheSameVerdictAsBouncyCastle() throws Exception {
        SchnorrVerifier verifier = SchnorrVerifier.fastest();
        List<Event> events = new ArrayList<>(events("real-events.jsonl"));
        events.addAll(events("workload-events.jsonl"));
        Random random = new Random(340);
        int valid = 0;
        int tampered = 0;
        for (Event e : events) {
            byte[] id = Hex.decode(e.id());
            byte[] key = Hex.decode(e.pubkey());
            byte[] sig = Hex.decode(e.sig());
            boolean verdict = verifier.verify(id, key, sig);
            assertThat(verdict).as("event %s", e.id()).isEqualTo(bouncyCastle.verify(id, key, sig));
            valid += verdict ? 1 : 0;
            for (byte[] part : List.of(id, key, sig)) {
                byte[] original = part.clone();
                part[random.nextInt(part.length)] ^= (byte) (1 << random.nextInt(8));
                assertThat(verifier.verify(id, key, sig)).as("event %s with a bit flipped", e.id())
                        .isFalse().isEqualTo(bouncyCastle.verify(id, key, sig));
                System.arraycopy(original, 0, part, 0, original.length);
                tampered++;
            }
        }
        assertThat(valid).isEqualTo(events.size());
        assertThat(tampered).isEqualTo(3 * events.size());
    }

    @Test
    void malformedInputsAreRefusedNotThrown() {
        SchnorrVerifier verifier = SchnorrVerifier.fastest();
        byte[] key = Hex.decode("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659");
        assertThat(verifier.verify(new byte[32], new byte[31], new byte[64])).isFalse();
        assertThat(verifier.verify(new byte[32], key, new byte[63])).isFalse();
        assertThat(verifier.verify(new byte[32], key, new byte[65])).isFalse();
        // a key not on the curve, and one that is not even a field element: the library throws, the verifier says no
        assertThat(verifier.verify(new byte[32], Hex.decode("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"),
                new byte[64])).isFalse();
        assertThat(verifier.verify(new byte[32], Hex.decode("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30"),
                new byte[64])).isFalse();
        byte[] allOnes = new byte[64];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        assertThat(verifier.verify(new byte[32], key, allOnes)).isFalse();
        assertThat(verifier.isValidPublicKey(key)).isTrue();
        assertThat(verifier.isValidPublicKey(Hex.decode("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"))).isFalse();
    }

    @Test
    void oneContextServesManyThreadsAtOnce() throws Exception {
        SchnorrVerifier verifier = SchnorrVerifier.fastest();
        List<Event> events = events("workload-events.jsonl");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> counts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                counts.add(pool.submit(() -> {
                    int ok = 0;
                    for (int round = 0; round < 3; round++) {
                        for (Event e : events) {
                            ok += verifier.verify(Hex.decode(e.id()), Hex.decode(e.pubkey()), Hex.decode(e.sig())) ? 1 : 0;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> count : counts) {
                assertThat(count.get()).isEqualTo(3 * events.size());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Event> events(String file) throws Exception {
        EventParser parser = EventParser.forStoredEvents();
        List<Event> events = new ArrayList<>();
        for (String line : TestData.lines(file)) {
            events.add(parser.parse(line));
        }
        return events;
    }
}
