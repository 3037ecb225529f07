package dev.nostrcache.localstack.bench;

import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark's HTTP client reads each answer whole, so one connection carries the next request. */
class KeepAliveGetTest {
    @Test
    void readsAnswersWholeOnOneConnection() throws Exception {
        byte[] picture = new byte[100_000];
        Arrays.fill(picture, (byte) 7);
        try (ImageOrigin origin = new ImageOrigin().serve("/big.jpg", "image/jpeg", picture).redirect("/moved", "/big.jpg");
             KeepAliveGet big = new KeepAliveGet(URI.create(origin.url("/big.jpg")));
             KeepAliveGet moved = new KeepAliveGet(URI.create(origin.url("/moved")))) {
            for (int i = 0; i < 3; i++) {
                assertThat(big.get()).isEqualTo(200);
                assertThat(moved.get()).isEqualTo(302);
            }
            assertThat(origin.hits("/big.jpg")).isEqualTo(3);
            assertThat(origin.hits("/moved")).isEqualTo(3);
        }
    }

    @Test
    void readsTheBareRedirect() throws Exception {
        try (BareRedirect bare = new BareRedirect(); KeepAliveGet get = new KeepAliveGet(bare.url())) {
            assertThat(get.get()).isEqualTo(302);
            assertThat(get.get()).isEqualTo(302);
        }
    }

    @Test
    void refusesAnAnswerItCannotDelimit() throws Exception {
        try (ImageOrigin origin = new ImageOrigin().trickle("/chunked", 2, 1);
             KeepAliveGet get = new KeepAliveGet(URI.create(origin.url("/chunked")))) {
            assertThatThrownBy(get::get).isInstanceOf(IOException.class).hasMessageContaining("chunked");
        }
    }
}
