package dev.nostrcache.core.crypto;

import fr.acinq.secp256k1.Secp256k1CFunctions;
import fr.acinq.secp256k1.Secp256k1Exception;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Locale;

/**
 * BIP-340 verification by libsecp256k1, Bitcoin Core's library, through ACINQ's JNI build: about a third of
 * BouncyCastle's time per signature (36 against 120 microseconds on one core here), and signatures were a third of the
 * runtime's CPU in an import. Only its Java binding class, its exception and its Linux libraries (x86_64, aarch64) are
 * used: the library is copied out of the class path into a temporary file, loaded, and the file deleted at once (the
 * process keeps its mapping). Where it cannot load (another system, a class path without it), {@link SchnorrVerifier#fastest}
 * gives BouncyCastle instead, which judges every signature the same (tested on the BIP-340 vectors and on real and
 * tampered events). Thread-safe: a verification context is read-only once made.
 */
public final class LibSecp256k1Schnorr implements SchnorrVerifier {
    private static final Library LIBRARY = Library.load();

    private final SchnorrVerifier bouncyCastle = new BouncyCastleSchnorr();
    private final long context;

    private LibSecp256k1Schnorr(long context) {
        this.context = context;
    }

    /** The verifier, or null when the library cannot load here ({@link #unavailableBecause} says why). */
    static LibSecp256k1Schnorr loaded() {
        return LIBRARY.context == 0 ? null : new LibSecp256k1Schnorr(LIBRARY.context);
    }

    /** Why the library did not load, or null when it did. */
    public static String unavailableBecause() {
        return LIBRARY.failure;
    }

    @Override
    public boolean verify(byte[] message, byte[] publicKeyX, byte[] signature) {
        if (message.length != 32 || publicKeyX.length != 32 || signature.length != 64) {
            // The binding takes 32-byte messages only (a Nostr event's id always is); BouncyCastle judges the rest.
            return bouncyCastle.verify(message, publicKeyX, signature);
        }
        try {
            return Secp256k1CFunctions.secp256k1_schnorrsig_verify(context, signature, message, publicKeyX) == 1;
        } catch (Secp256k1Exception e) {
            return false; // the key is not the x coordinate of a point on the curve
        }
    }

    @Override
    public boolean isValidPublicKey(byte[] publicKeyX) {
        return bouncyCastle.isValidPublicKey(publicKeyX);
    }

    @Override
    public String implementation() {
        return "libsecp256k1 (JNI)";
    }

    /** The loaded library's verification context, or why there is none. */
    private record Library(long context, String failure) {
        /** BIP-340's first test vector: the library must accept it before it is trusted with anything. */
        private static final String KEY = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";
        private static final String SIGNATURE = "e907831f80848d1069a5371b402410364bdf1c5f8307b0084c55f1ce2dca821525f66a4a85ea8b71e482a74f382d2ce5ebeee8fdb2172f477df4900d310536c0";

        static Library load() {
            String platform = platform();
            if (platform == null) {
                return new Library(0, "no library for " + System.getProperty("os.name") + " on " + System.getProperty("os.arch"));
            }
            String resource = "fr/acinq/secp256k1/jni/native/" + platform + "/libsecp256k1-jni.so";
            try (InputStream in = LibSecp256k1Schnorr.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    return new Library(0, resource + " is not on the class path");
                }
                Path directory = Files.createTempDirectory("nostr-cache-secp256k1");
                Path file = directory.resolve("libsecp256k1-jni.so");
                try {
                    Files.copy(in, file);
                    System.load(file.toAbsolutePath().toString());
                } finally {
                    Files.deleteIfExists(file);
                    Files.deleteIfExists(directory);
                }
                long context = Secp256k1CFunctions.secp256k1_context_create(Secp256k1CFunctions.SECP256K1_CONTEXT_VERIFY);
                byte[] message = new byte[32];
                if (context == 0 || Secp256k1CFunctions.secp256k1_schnorrsig_verify(context,
                        HexFormat.of().parseHex(SIGNATURE), message, HexFormat.of().parseHex(KEY)) != 1) {
                    return new Library(0, "the library refused BIP-340's first test vector");
                }
                return new Library(context, null);
            } catch (Exception | LinkageError e) {
                return new Library(0, "the library did not load: " + e);
            }
        }

        private static String platform() {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
                return null;
            }
            return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
                case "amd64", "x86_64" -> "linux-x86_64";
                case "aarch64", "arm64" -> "linux-aarch64";
                default -> null;
            };
        }
    }
}
