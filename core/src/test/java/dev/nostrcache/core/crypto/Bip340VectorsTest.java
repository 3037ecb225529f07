package dev.nostrcache.core.crypto;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.testing.TestData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class Bip340VectorsTest {
    private final BouncyCastleSchnorr schnorr = new BouncyCastleSchnorr();

    @Test
    void everyOfficialVectorGivesTheExpectedVerdict() {
        List<String> rows = TestData.lines("bip340-test-vectors.csv");
        assertThat(rows).hasSizeGreaterThan(15);
        int checked = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",", -1);
            String index = f[0];
            byte[] publicKey = Hex.decode(f[2]);
            byte[] message = Hex.decode(f[4]);
            byte[] signature = Hex.decode(f[5]);
            boolean expected = f[6].equals("TRUE");

            assertThat(schnorr.verify(message, publicKey, signature))
                    .as("vector %s (%s)", index, f.length > 7 ? f[7] : "")
                    .isEqualTo(expected);
            if (!f[1].isEmpty()) {
                byte[] secret = Hex.decode(f[1]);
                assertThat(Hex.encode(schnorr.publicKey(secret))).as("public key of vector %s", index)
                        .isEqualTo(f[2].toLowerCase(Locale.ROOT));
                assertThat(Hex.encode(schnorr.sign(message, secret, Hex.decode(f[3])))).as("signature of vector %s", index)
                        .isEqualTo(f[5].toLowerCase(Locale.ROOT));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(rows.size() - 1);
    }

    @Test
    void aFlippedBitInTheSignatureFailsVerification() {
        byte[] secret = Hex.decode("b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef");
        byte[] message = new byte[32];
        message[0] = 42;
        byte[] signature = schnorr.sign(message, secret, new byte[32]);
        assertThat(schnorr.verify(message, schnorr.publicKey(secret), signature)).isTrue();
        for (int bit = 0; bit < 512; bit += 37) {
            byte[] tampered = signature.clone();
            tampered[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(schnorr.verify(message, schnorr.publicKey(secret), tampered)).as("bit %d", bit).isFalse();
        }
    }

    @Test
    void malformedInputsAreRefusedNotThrown() {
        assertThat(schnorr.verify(new byte[32], new byte[31], new byte[64])).isFalse();
        assertThat(schnorr.isValidPublicKey(new byte[31])).isFalse();
        assertThat(schnorr.isValidPublicKey(Hex.decode("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659"))).isTrue();
        // vector 5's key is not on the curve; vector 14's is not even a field element
        assertThat(schnorr.isValidPublicKey(Hex.decode("eefdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"))).isFalse();
        assertThat(schnorr.isValidPublicKey(Hex.decode("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc30"))).isFalse();
        assertThat(schnorr.verify(new byte[32], new byte[32], new byte[63])).isFalse();
        byte[] allOnes = new byte[64];
        java.util.Arrays.fill(allOnes, (byte) 0xff);
        assertThat(schnorr.verify(new byte[32], Hex.decode("dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659"), allOnes)).isFalse();
    }
}
