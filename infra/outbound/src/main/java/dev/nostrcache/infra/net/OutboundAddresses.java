package dev.nostrcache.infra.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which resolved addresses the system may connect to when the address came from data ({@link OutboundPolicy}):
 * public unicast only. Refused: unspecified, loopback,
 * private (RFC 1918), carrier-grade NAT (100.64/10), link-local (169.254/16, where cloud metadata lives, and fe80::/10),
 * IPv6 unique-local (fc00::/7, AWS's fd00:ec2::254 included), multicast, reserved and documentation ranges, and
 * IPv4-mapped or NAT64 IPv6 forms of any of them. With {@code allowLoopback} (the {@code allow_private_origins} key,
 * for tests on one machine) loopback alone becomes acceptable; metadata and private ranges never do.
 */
final class OutboundAddresses {
    private OutboundAddresses() {
    }

    /** Why {@code address} is refused, or null when it is a public address. */
    static String refusal(InetAddress address, boolean allowLoopback) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isMappedOrTranslated(b)) {
                return "an IPv4-mapped or translated IPv6 address (" + address.getHostAddress() + ")";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local IPv6 address (" + address.getHostAddress() + ")";
            }
        }
        if (address.isLoopbackAddress()) {
            return allowLoopback ? null : "a loopback address (" + address.getHostAddress() + ")";
        }
        if (address.isAnyLocalAddress()) {
            return "the unspecified address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address (" + address.getHostAddress() + "), where cloud metadata services live";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address (" + address.getHostAddress() + ")";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address (" + address.getHostAddress() + ")";
        }
        if (address instanceof Inet4Address v4) {
            return v4Refusal(v4.getAddress());
        }
        return null;
    }

    private static String v4Refusal(byte[] a) {
        int first = a[0] & 0xff;
        int second = a[1] & 0xff;
        int third = a[2] & 0xff;
        String dotted = first + "." + second + "." + third + "." + (a[3] & 0xff);
        if (first == 0) {
            return "a 'this network' address (" + dotted + ")";
        }
        if (first == 100 && second >= 64 && second < 128) {
            return "a carrier-grade NAT address (" + dotted + ")";
        }
        if (first == 192 && second == 0 && (third == 0 || third == 2)) {
            return "a reserved address (" + dotted + ")";
        }
        if ((first == 198 && (second == 18 || second == 19)) || (first == 198 && second == 51 && third == 100)
                || (first == 203 && second == 0 && third == 113)) {
            return "a benchmarking or documentation address (" + dotted + ")";
        }
        if (first >= 240) {
            return "a reserved address (" + dotted + ")";
        }
        return null;
    }

    /** ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::/96 (NAT64). */
    private static boolean isMappedOrTranslated(byte[] b) {
        boolean zeroTo9 = true;
        for (int i = 0; i < 10; i++) {
            zeroTo9 &= b[i] == 0;
        }
        boolean mapped = zeroTo9 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroTo9 && b[10] == 0 && b[11] == 0 && !(isAllZero(b, 12) || isLoopbackTail(b));
        boolean nat64 = b[0] == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        return mapped || compatible || nat64;
    }

    private static boolean isAllZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopbackTail(byte[] b) {
        return b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] == 1;
    }
}
