package dev.nostrcache.core.event;

import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KindsAndReplacementTest {

    @Test
    void kindClassesFollowNip01Ranges() {
        assertThat(KindClass.of(0)).isEqualTo(KindClass.REPLACEABLE);
        assertThat(KindClass.of(1)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(2)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(3)).isEqualTo(KindClass.REPLACEABLE);
        assertThat(KindClass.of(4)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(44)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(9735)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(9999)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(10000)).isEqualTo(KindClass.REPLACEABLE);
        assertThat(KindClass.of(19999)).isEqualTo(KindClass.REPLACEABLE);
        assertThat(KindClass.of(20000)).isEqualTo(KindClass.EPHEMERAL);
        assertThat(KindClass.of(29999)).isEqualTo(KindClass.EPHEMERAL);
        assertThat(KindClass.of(30000)).isEqualTo(KindClass.ADDRESSABLE);
        assertThat(KindClass.of(39999)).isEqualTo(KindClass.ADDRESSABLE);
        assertThat(KindClass.of(40000)).isEqualTo(KindClass.REGULAR);
        assertThat(KindClass.of(65535)).isEqualTo(KindClass.REGULAR);
    }

    @Test
    void replacementKeysUseTheDTagForAddressableKindsOnly() {
        var signer = TestKeys.signer(1);
        Event profile = signer.sign(1, 0, List.of(List.of("d", "ignored")), "{}");
        Event article = signer.sign(1, 30023, List.of(List.of("d", "my-post"), List.of("d", "second")), "");
        Event noD = signer.sign(1, 30023, List.of(), "");
        Event emptyD = signer.sign(1, 30023, List.of(List.of("d")), "");
        Event note = signer.sign(1, 1, List.of(), "");

        assertThat(profile.replacementKey()).isEqualTo(new ReplacementKey(signer.pubkey(), 0, ""));
        assertThat(article.replacementKey()).isEqualTo(new ReplacementKey(signer.pubkey(), 30023, "my-post"));
        assertThat(noD.replacementKey()).isEqualTo(emptyD.replacementKey());
        assertThat(noD.replacementKey().dTag()).isEmpty();
        assertThat(note.replacementKey()).isNull();
        assertThat(article.replacementKey().address()).isEqualTo("30023:" + signer.pubkey() + ":my-post");
    }

    @Test
    void newestWinsAndTheLowestIdBreaksTies() {
        String low = "0".repeat(63) + "1";
        String high = "f".repeat(64);
        assertThat(ReplacementKey.supersedes(2, high, 1, low)).isTrue();
        assertThat(ReplacementKey.supersedes(1, low, 2, high)).isFalse();
        assertThat(ReplacementKey.supersedes(5, low, 5, high)).isTrue();
        assertThat(ReplacementKey.supersedes(5, high, 5, low)).isFalse();
        assertThat(ReplacementKey.supersedes(5, low, 5, low)).isFalse();
    }

    @Test
    void theWinnerDoesNotDependOnArrivalOrder() {
        var signer = TestKeys.signer(2);
        List<Event> versions = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            versions.add(signer.sign(1000 + i % 4, 0, List.of(), "{\"name\":\"v" + i + "\"}"));
        }
        Event expected = null;
        for (int round = 0; round < 20; round++) {
            java.util.Collections.shuffle(versions, new java.util.Random(round));
            Event kept = null;
            for (Event e : versions) {
                if (kept == null || ReplacementKey.supersedes(e, kept)) {
                    kept = e;
                }
            }
            if (expected == null) {
                expected = kept;
            }
            assertThat(kept).isEqualTo(expected);
        }
        assertThat(expected.createdAt()).isEqualTo(1003);
    }
}
