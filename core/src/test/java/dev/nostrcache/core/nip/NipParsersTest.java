package dev.nostrcache.core.nip;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NipParsersTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    private static Event event(int kind, List<List<String>> tags, String content) {
        return TestKeys.signer(1).sign(100, kind, tags, content);
    }

    @Test
    void bolt11AmountsInEveryUnit() {
        assertThat(Bolt11.amountMsats("lnbc2500u1pvjluezpp5qqqsyq")).isEqualTo(250_000_000L);
        assertThat(Bolt11.amountMsats("lnbc20m1pvjluezpp5qqqsyq")).isEqualTo(2_000_000_000L);
        assertThat(Bolt11.amountMsats("lnbc10n1pjq")).isEqualTo(1_000L);
        assertThat(Bolt11.amountMsats("lnbc210n1pjq")).isEqualTo(21_000L);
        assertThat(Bolt11.amountMsats("lnbc10p1pjq")).isEqualTo(1L);
        assertThat(Bolt11.amountMsats("lnbc1p1pjq")).isNull();                 // 0.1 msat
        assertThat(Bolt11.amountMsats("LNBC1U1PJQ")).isEqualTo(100_000L);      // case-insensitive
        assertThat(Bolt11.amountMsats("lntb5u1pjq")).isEqualTo(500_000L);      // testnet
        assertThat(Bolt11.amountMsats("lnbc1pvjluezpp5qqqsyq")).isNull();      // no amount
        assertThat(Bolt11.amountMsats("lnbc01u1pjq")).isNull();                // leading zero
        assertThat(Bolt11.amountMsats("bitcoin:xyz")).isNull();
        assertThat(Bolt11.amountMsats(null)).isNull();
        assertThat(Bolt11.amountMsats("lnbc99999999999999999999m1x")).isNull();
    }

    @Test
    void everyRealZapReceiptParses() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        int receipts = 0;
        for (String line : TestData.lines("workload-events.jsonl")) {
            Event e = parser.parse(line);
            if (e.kind() == 9735) {
                ZapReceipt zap = ZapReceipt.parse(e);
                assertThat(zap.amountMsats()).isPositive();
                assertThat(zap.recipient()).hasSize(64);
                receipts++;
            }
        }
        assertThat(receipts).isPositive();
    }

    @Test
    void zapReceiptsNeedAnAmountAndARecipient() throws Exception {
        String request = "{\"kind\":9734,\"pubkey\":\"" + C + "\",\"tags\":[],\"content\":\"\"}";
        ZapReceipt zap = ZapReceipt.parse(event(9735, List.of(List.of("p", A), List.of("e", B),
                List.of("bolt11", "lnbc10u1xyz"), List.of("description", request)), ""));
        assertThat(zap).isEqualTo(new ZapReceipt(1_000_000L, B, A, C));
        assertThat(ZapReceipt.parse(event(9735, List.of(List.of("p", A), List.of("bolt11", "lnbc10u1xyz"),
                List.of("description", "not json"), List.of("P", B)), "")).sender()).isEqualTo(B);
        assertThatThrownBy(() -> ZapReceipt.parse(event(9735, List.of(List.of("p", A)), "")))
                .hasMessageContaining("bolt11");
        assertThatThrownBy(() -> ZapReceipt.parse(event(9735, List.of(List.of("bolt11", "lnbc10u1x")), "")))
                .hasMessageContaining("recipient");
    }

    @Test
    void reactionAndRepostTargets() {
        Event reaction = event(7, List.of(List.of("e", A), List.of("p", C), List.of("e", B), List.of("p", "bad")), "+");
        assertThat(EventRefs.ofReaction(reaction)).isEqualTo(new EventRefs(B, C));
        Event repost = event(6, List.of(List.of("e", A, "wss://r"), List.of("p", C), List.of("e", B)), "");
        assertThat(EventRefs.ofRepost(repost)).isEqualTo(new EventRefs(A, C));
        assertThat(EventRefs.ofReaction(event(7, List.of(), "+"))).isEqualTo(EventRefs.NONE);
    }

    @Test
    void quotedEventsAreEachLowercaseIdOfAQTagOnce() {
        Event quote = event(1, List.of(List.of("q", B), List.of("q", A, "wss://r", C), List.of("q", B),
                List.of("q", A.toUpperCase()), List.of("q", "30023:" + C + ":essay"), List.of("q"), List.of("e", C)), "");
        assertThat(EventRefs.quotedBy(quote)).containsExactly(B, A);
        assertThat(EventRefs.quotedBy(event(1, List.of(), ""))).isEmpty();
    }

    @Test
    void contactListsAndRelayLists() {
        Event contacts = event(3, List.of(List.of("p", A), List.of("p", "npub1x"), List.of("p", B, "wss://r", "bob"),
                List.of("p", A), List.of("t", C)), "{\"wss://legacy\":{}}");
        assertThat(ContactList.follows(contacts)).containsExactly(A, B);

        Event relays = event(10002, List.of(List.of("r", "wss://Relay.Example.com/"), List.of("r", "wss://r2", "read"),
                List.of("r", "wss://r3", "write"), List.of("r", "https://not-a-relay"), List.of("r", "wss://r2", "write")), "");
        assertThat(RelayList.of(relays)).containsExactly(
                new RelayList.Entry("wss://relay.example.com", true, true),
                new RelayList.Entry("wss://r2", true, true),
                new RelayList.Entry("wss://r3", false, true));
    }

    @Test
    void profilesAreParsedLeniently() {
        Profile p = Profile.of(event(0, List.of(), "{\"name\":\"alice\",\"displayName\":\"Alice\",\"picture\":\"https://x/a.png\","
                + "\"about\":5,\"nip05\":\"\",\"lud16\":\"a@b.c\"}"));
        assertThat(p).isEqualTo(new Profile("alice", "Alice", "https://x/a.png", null, null, "a@b.c", null, null, true));
        assertThat(Profile.of(event(0, List.of(), "not json")).contentIsJson()).isFalse();
        assertThat(Profile.of(event(0, List.of(), "[1]")).contentIsJson()).isFalse();
    }

    @Test
    void deletionRequestsKeepOnlyOwnAddresses() {
        Event deletion = TestKeys.signer(1).sign(100, 5, List.of(List.of("e", A), List.of("e", "zz"),
                List.of("a", "30023:" + TestKeys.signer(1).pubkey() + ":post"),
                List.of("a", "30023:" + B + ":theirs"), List.of("a", "1:" + TestKeys.signer(1).pubkey() + ":"),
                List.of("a", "0:" + TestKeys.signer(1).pubkey())), "");
        DeletionRequest request = DeletionRequest.of(deletion);
        assertThat(request.eventIds()).containsExactly(A);
        assertThat(request.addresses()).containsExactly(
                new ReplacementKey(TestKeys.signer(1).pubkey(), 30023, "post"),
                new ReplacementKey(TestKeys.signer(1).pubkey(), 0, ""));
    }
}
