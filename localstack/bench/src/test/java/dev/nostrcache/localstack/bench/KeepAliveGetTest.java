package dev.nostrcache.localstack.bench;

import dev.nostrcache.infra.avatar.testing.ImageOrigin;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
        assertThat(answerTo("HTTP/1.1 200 OK\r\n\r\nbody")).contains("without Content-Length");
        assertThat(answerTo("HTTP/1.1 302 Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")).contains("closes");
        assertThat(answerTo("HTTP/1.0 302 Found\r\nContent-Length: 0\r\n\r\n")).contains("not an HTTP/1.1 status line");
    }

    @Test
    void anAnswerWithoutABodyNeedsNoLength() throws Exception {
        assertThat(answerTo("HTTP/1.1 204 No Content\r\n\r\n")).isEqualTo("204");
    }

    /** The status, or the client's error, when a loopback server answers one GET with {@code answer}'s bytes. */
    private static String answerTo(String answer) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.startVirtualThread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    in.readNBytes(4);  // the request has begun
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    in.readAllBytes();  // until the client hangs up
                } catch (IOException ignored) {
                    // the client hung up first
                }
            });
            try (KeepAliveGet get = new KeepAliveGet(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/"))) {
                return String.valueOf(get.get());
            } catch (IOException e) {
                return e.getMessage();
            }
        }
    }
}
