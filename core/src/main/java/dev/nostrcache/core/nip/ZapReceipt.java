package dev.nostrcache.core.nip;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A NIP-57 zap receipt (kind 9735) read for counting: the amount from the {@code bolt11} tag, the zapped event
 * from the {@code e} tag, the recipient from the {@code p} tag and the sender from the zap request in the
 * {@code description} tag (or the receipt's {@code P} tag).
 *
 * @param amountMsats  amount in millisatoshis
 * @param targetEvent  hex id of the zapped event, or null for a zap of a profile
 * @param recipient    hex pubkey of the recipient
 * @param sender       hex pubkey of the sender, or null when the zap request does not say (anonymous zaps)
 */
public record ZapReceipt(long amountMsats, String targetEvent, String recipient, String sender) {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Thrown for a receipt that cannot be counted; it is stored anyway. */
    public static final class MalformedZapException extends Exception {
        public MalformedZapException(String reason) {
            super(reason, null, false, false);
        }
    }

    public static ZapReceipt parse(Event receipt) throws MalformedZapException {
        Long amount = Bolt11.amountMsats(receipt.firstTagValue("bolt11"));
        if (amount == null) {
            throw new MalformedZapException("no bolt11 tag with an amount");
        }
        String recipient = receipt.firstTagValue("p");
        if (!Hex.isLowerHex(recipient, 64)) {
            throw new MalformedZapException("no valid p tag (recipient)");
        }
        String target = receipt.firstTagValue("e");
        if (target != null && !Hex.isLowerHex(target, 64)) {
            throw new MalformedZapException("e tag is not a 64-character hex id");
        }
        return new ZapReceipt(amount, target, recipient, sender(receipt));
    }

    private static String sender(Event receipt) {
        String description = receipt.firstTagValue("description");
        if (description != null) {
            try {
                JsonNode request = JSON.readTree(description);
                JsonNode pubkey = request == null ? null : request.get("pubkey");
                if (pubkey != null && pubkey.isString() && Hex.isLowerHex(pubkey.stringValue(), 64)) {
                    return pubkey.stringValue();
                }
            } catch (JacksonException e) {
                // fall through to the P tag
            }
        }
        String upperP = receipt.firstTagValue("P");
        return Hex.isLowerHex(upperP, 64) ? upperP : null;
    }
}
