package dev.nostrcache.core.nip;

import java.math.BigInteger;
import java.util.Locale;

/**
 * The amount of a BOLT-11 Lightning invoice, read from its human-readable part
 * ({@code ln<network><amount><multiplier>1<data>}). Only the amount is needed to count zaps; the signature of the
 * invoice is the LNURL server's business, and the zap receipt's own Nostr signature is what we verify.
 */
public final class Bolt11 {
    private static final BigInteger MSAT_PER_BTC = BigInteger.valueOf(100_000_000_000L);

    private Bolt11() {
    }

    /** The amount in millisatoshis, or null when the invoice is malformed or names no amount. */
    public static Long amountMsats(String invoice) {
        if (invoice == null || invoice.length() > 7089) {
            return null;
        }
        String s = invoice.toLowerCase(Locale.ROOT);
        if (s.startsWith("lightning:")) {
            s = s.substring("lightning:".length());
        }
        int separator = s.lastIndexOf('1');
        if (!s.startsWith("ln") || separator < 3) {
            return null;
        }
        String hrp = s.substring(2, separator);
        int digitsStart = 0;
        while (digitsStart < hrp.length() && Character.isLetter(hrp.charAt(digitsStart))) {
            digitsStart++;
        }
        if (digitsStart == 0 || digitsStart == hrp.length()) {
            return null; // no network prefix, or no amount
        }
        String amount = hrp.substring(digitsStart);
        char last = amount.charAt(amount.length() - 1);
        String digits = Character.isDigit(last) ? amount : amount.substring(0, amount.length() - 1);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(Character::isDigit)
                || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return null;
        }
        BigInteger value = new BigInteger(digits).multiply(MSAT_PER_BTC);
        BigInteger msats = switch (last) {
            case 'm' -> value.divide(BigInteger.valueOf(1_000));
            case 'u' -> value.divide(BigInteger.valueOf(1_000_000));
            case 'n' -> value.divide(BigInteger.valueOf(1_000_000_000));
            case 'p' -> {
                // a pico-bitcoin amount must be a whole number of millisatoshis (a multiple of 10 pBTC)
                if (!new BigInteger(digits).mod(BigInteger.TEN).equals(BigInteger.ZERO)) {
                    yield null;
                }
                yield value.divide(BigInteger.valueOf(1_000_000_000_000L));
            }
            default -> Character.isDigit(last) ? value : null;
        };
        if (msats == null || msats.signum() <= 0 || msats.bitLength() > 62) {
            return null;
        }
        return msats.longValue();
    }
}
