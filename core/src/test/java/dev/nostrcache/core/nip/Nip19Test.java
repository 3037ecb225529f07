package dev.nostrcache.core.nip;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Nip19Test {
    // The example of NIP-19 itself.
    private static final String NPUB = "npub10elfcs4fr0l0r8af98jlmgdh9c8tcxjvz9qkw038js35mp4dma8qzvjptg";
    private static final String HEX = "7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e";

    @Test
    void npubAndHexBothNameTheKey() {
        assertThat(Nip19.pubkeyFrom(NPUB)).isEqualTo(HEX);
        assertThat(Nip19.pubkeyFrom(HEX)).isEqualTo(HEX);
        assertThat(Nip19.npub(HEX)).isEqualTo(NPUB);
    }

    @Test
    void anythingElseIsNotAPubkey() {
        String badChecksum = NPUB.substring(0, NPUB.length() - 1) + (NPUB.endsWith("g") ? "h" : "g");
        assertThat(Nip19.pubkeyFrom(badChecksum)).isNull();
        assertThat(Nip19.pubkeyFrom(NPUB.toUpperCase())).isNull();
        assertThat(Nip19.pubkeyFrom(HEX.toUpperCase())).isNull();
        assertThat(Nip19.pubkeyFrom(HEX.substring(1))).isNull();
        assertThat(Nip19.pubkeyFrom("nsec" + NPUB.substring(4))).isNull();
        assertThat(Nip19.pubkeyFrom(Nip19.encode("npub", new byte[31]))).isNull();
        assertThat(Nip19.pubkeyFrom("")).isNull();
        assertThat(Nip19.pubkeyFrom("../../etc/passwd")).isNull();
        assertThat(Nip19.pubkeyFrom(null)).isNull();
    }

    /** A real naddr from the workload (a repost of Primal's article), beside the {@code a} tag of the same event. */
    @Test
    void naddrNamesAnAddressAndRoundTrips() {
        String real = "naddr1qvzqqqr4gupzqtknt9htteh8crt0nts6q89dreqt45pwm83zy87ryvtzf2vtfnrcqq45smmh946x7t2ygdqj6cnfw33k76tw"
                + "945kuar094ek2mrx943h2um5daj8jtt8xeuhqcn4xdxn83";
        Nip19.Address address = Nip19.address(real);
        assertThat(address.coordinate()).isEqualTo(
                "30023:2ed3596eb5e6e7c0d6f9ae1a01cad1e40bad02ed9e2221fc3231624a98b4cc78:How-to-DCA-bitcoin-into-self-custody-g6ypbu");
        assertThat(Nip19.address(Nip19.naddr(address))).isEqualTo(address);
        assertThat(Nip19.address(real.substring(0, real.length() - 1) + "q")).as("bad checksum").isNull();
        assertThat(Nip19.address(Nip19.npub("a".repeat(64)))).as("not an naddr").isNull();
        assertThat(Nip19.address("naddr1")).isNull();
    }
}
