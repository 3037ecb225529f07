package dev.nostrcache.infra.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundPolicyTest {

    private static String refusal(String ip, boolean allowLoopback) throws Exception {
        return OutboundAddresses.refusal(InetAddress.getByName(ip), allowLoopback);
    }

    @Test
    void refusesEveryNonPublicRange() throws Exception {
        for (String ip : new String[]{"127.0.0.1", "127.9.9.9", "::1", "0.0.0.0", "::", "10.1.2.3", "172.16.0.1",
                "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.254", "169.254.169.254", "fe80::1",
                "fc00::1", "fd00:ec2::254", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:1", "224.0.0.1",
                "ff02::1", "240.0.0.1", "255.255.255.255", "192.0.2.1", "198.18.0.1", "203.0.113.5", "0.1.2.3"}) {
            assertThat(refusal(ip, false)).as(ip).isNotNull();
        }
        assertThat(refusal("169.254.169.254", false)).contains("metadata");
    }

    @Test
    void acceptsPublicAddressesAndLoopbackOnlyWhenAllowed() throws Exception {
        for (String ip : new String[]{"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1",
                "2606:4700:4700::1111", "2001:db9::1"}) {
            assertThat(refusal(ip, false)).as(ip).isNull();
        }
        assertThat(refusal("127.0.0.1", true)).isNull();
        assertThat(refusal("::1", true)).isNull();
        assertThat(refusal("169.254.169.254", true)).as("metadata stays refused").isNotNull();
        assertThat(refusal("10.0.0.1", true)).isNotNull();
        // Java resolves ::ffff:a.b.c.d to the IPv4 address itself: it is judged as the address it connects to.
        assertThat(refusal("::ffff:169.254.169.254", true)).isNotNull();
    }

    @Test
    void relayUrlsNamingInternalHostsAreRefusedAfterResolution() {
        OutboundPolicy policy = OutboundPolicy.PUBLIC_ONLY;
        for (String url : new String[]{"ws://169.254.169.254/", "ws://10.0.0.1:8080", "ws://127.0.0.1:7777",
                "ws://[::1]:7777", "ws://localhost:7777", "wss://0.0.0.0/", "ws://100.64.1.1/", "ws://[fd00:ec2::254]/",
                "ws://127.1.2.3:80/relay", "ws://192.168.0.10"}) {
            assertThatThrownBy(() -> policy.check(url, OutboundPolicy.WEBSOCKET)).as(url)
                    .isInstanceOf(OutboundPolicy.RefusedException.class).hasMessageContaining(" resolves to ");
        }
        assertThatThrownBy(() -> policy.check("ws://[::ffff:127.0.0.1]:7777", OutboundPolicy.WEBSOCKET))
                .hasMessageContaining("IPv4-mapped");
        assertThatThrownBy(() -> policy.check("http://relay.example/", OutboundPolicy.WEBSOCKET))
                .hasMessageContaining("only ws and wss URLs are allowed, not 'http'");
        assertThatThrownBy(() -> policy.check("ws://user@relay.example/", OutboundPolicy.WEBSOCKET))
                .hasMessageContaining("plain host");
        assertThatThrownBy(() -> policy.check("ws:// bad", OutboundPolicy.WEBSOCKET)).hasMessageContaining("not a URL");
    }

    @Test
    void loopbackPassesOnlyWhenAllowedAndNothingElseDoes() throws Exception {
        OutboundPolicy tests = new OutboundPolicy(true);
        assertThat(tests.check("ws://127.0.0.1:7777", OutboundPolicy.WEBSOCKET).getPort()).isEqualTo(7777);
        assertThat(tests.check("ws://localhost:7777", OutboundPolicy.WEBSOCKET).getHost()).isEqualTo("localhost");
        assertThatThrownBy(() -> tests.check("ws://169.254.169.254/", OutboundPolicy.WEBSOCKET))
                .hasMessageContaining("link-local");
        assertThatThrownBy(() -> tests.check("ws://10.0.0.1/", OutboundPolicy.WEBSOCKET))
                .hasMessageContaining("private");
    }
}
