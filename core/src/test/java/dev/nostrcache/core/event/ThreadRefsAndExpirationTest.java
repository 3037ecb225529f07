package dev.nostrcache.core.event;

import dev.nostrcache.core.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadRefsAndExpirationTest {
    private static final String R = "1".repeat(64);
    private static final String P = "2".repeat(64);
    private static final String M = "3".repeat(64);

    private static Event note(List<List<String>> tags) {
        return TestKeys.signer(1).sign(100, 1, tags, "x");
    }

    @Test
    void markedTagsWin() {
        ThreadRefs refs = ThreadRefs.of(note(List.of(List.of("e", M, "", "mention"), List.of("e", P, "", "reply"),
                List.of("e", R, "wss://r", "root"))));
        assertThat(refs).isEqualTo(new ThreadRefs(R, P));
        assertThat(ThreadRefs.of(note(List.of(List.of("e", R, "", "root"))))).isEqualTo(new ThreadRefs(R, R));
        assertThat(ThreadRefs.of(note(List.of(List.of("e", M, "", "mention"))))).isEqualTo(ThreadRefs.NONE);
    }

    @Test
    void positionalTagsMeanRootThenReply() {
        assertThat(ThreadRefs.of(note(List.of(List.of("e", R), List.of("e", M), List.of("e", P)))))
                .isEqualTo(new ThreadRefs(R, P));
        assertThat(ThreadRefs.of(note(List.of(List.of("e", R))))).isEqualTo(new ThreadRefs(R, R));
        assertThat(ThreadRefs.of(note(List.of(List.of("p", R))))).isEqualTo(ThreadRefs.NONE);
        assertThat(ThreadRefs.of(note(List.of(List.of("e", "not-hex"))))).isEqualTo(ThreadRefs.NONE);
        assertThat(ThreadRefs.of(note(List.of())).isReply()).isFalse();
    }

    @Test
    void expirationTagIsReadStrictly() {
        assertThat(Expiration.of(note(List.of(List.of("expiration", "1700000000"))))).isEqualTo(1_700_000_000L);
        assertThat(Expiration.of(note(List.of(List.of("expiration", "soon"))))).isNull();
        assertThat(Expiration.of(note(List.of(List.of("expiration", "-5"))))).isNull();
        assertThat(Expiration.of(note(List.of()))).isNull();
        assertThat(Expiration.isExpired(note(List.of(List.of("expiration", "100"))), 100)).isTrue();
        assertThat(Expiration.isExpired(note(List.of(List.of("expiration", "101"))), 100)).isFalse();
    }
}
