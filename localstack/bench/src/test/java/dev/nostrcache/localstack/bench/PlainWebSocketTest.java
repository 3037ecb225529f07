package dev.nostrcache.localstack.bench;

import dev.nostrcache.core.message.RelayFrames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.nostrcache.localstack.bench.HandmadeServer.frame;
import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's plain-socket WebSocket client speaks RFC 6455 with a real server and with hand-made frames. */
class PlainWebSocketTest {
    @Test
    void theAcceptKeyIsRfc6455s() {
        // the worked example of RFC 6455, section 1.3
        assertThat(PlainWebSocket.expectedAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void exchangesMessagesOfEveryLengthWithJetty() throws Exception {
        // 7-bit, 16-bit and 64-bit payload lengths both ways; Jetty splits the largest into frames of 64 KiB
        List<String> events = List.of("{\"n\":1}", "{\"n\":\"" + "x".repeat(300) + "\"}", "{\"n\":\"" + "é".repeat(100_000) + "\"}");
        try (LoopbackRelay relay = new LoopbackRelay(events);
             PlainWebSocket socket = new PlainWebSocket(URI.create(relay.url()), 10_000)) {
            for (String sub : List.of("s", "t".repeat(70_000))) {
                socket.sendText("[\"REQ\",\"" + sub + "\",{}]");
                for (String event : events) {
                    assertThat(socket.read()).isEqualTo(PlainWebSocket.TEXT);
                    assertThat(socket.text()).isEqualTo(RelayFrames.event(sub, event));
                }
                assertThat(socket.nextText()).isEqualTo(RelayFrames.eose(sub));
                assertThat(socket.startsWith("[\"EOSE\"".getBytes(StandardCharsets.UTF_8))).isTrue();
                assertThat(socket.startsWith("[\"EVENT\"".getBytes(StandardCharsets.UTF_8))).isFalse();
            }
            socket.sendPing(new byte[]{7});
            assertThat(socket.read()).isEqualTo(PlainWebSocket.PONG);
        }
    }

    @Test
    void joinsFragmentsAnswersPingsAndReadsTheClose() throws Exception {
        CompletableFuture<byte[]> pong = new CompletableFuture<>();
        try (HandmadeServer server = HandmadeServer.upgrading((in, out) -> {
            out.write(frame(0x01, false, "[\"EV"));   // a text message begun
            out.write(frame(0x09, true, "p"));        // a ping between its frames
            out.write(frame(0x0A, true, ""));         // a pong between its frames
            out.write(frame(0x00, true, "ENT\"]"));   // its last frame
            out.write(new byte[]{(byte) 0x88, 5, 0x03, (byte) 0xe9, 'b', 'y', 'e'});  // close 1001 "bye"
            out.flush();
            pong.complete(HandmadeServer.unmaskedFrame(in));
        }); PlainWebSocket socket = new PlainWebSocket(server.url(), 10_000)) {
            assertThat(socket.read()).isEqualTo(PlainWebSocket.TEXT);
            assertThat(socket.text()).isEqualTo("[\"EVENT\"]");
            assertThat(socket.read()).isEqualTo(PlainWebSocket.PONG);  // the pong, after the message it interrupted
            assertThat(socket.read()).isEqualTo(PlainWebSocket.CLOSE);
            assertThat(socket.closeReason()).isEqualTo("1001 bye");
            // the ping was answered with a pong of the same payload, masked as a client's frames must be
            assertThat(pong.get(10, TimeUnit.SECONDS)).containsExactly(0x8A, 'p');
        }
    }

    @Test
    void refusesAHandshakeThatIsNotAnUpgrade() throws Exception {
        assertThat(handshakeAnswered("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))
                .contains("refused the WebSocket handshake: HTTP/1.1 404 Not Found");
        assertThat(handshakeAnswered("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Accept: wrong\r\n\r\n"))
                .contains("Sec-WebSocket-Accept is wrong");
    }

    @Test
    void framesNoServerMaySendAreErrors() throws Exception {
        assertThat(errorReading(new byte[]{(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x'})).contains("masked frame");
        assertThat(errorReading(new byte[]{(byte) 0x83, 1, 'x'})).contains("unknown data opcode 3");
        assertThat(errorReading(new byte[]{(byte) 0x80, 1, 'x'})).contains("continuation frame with no message begun");
        assertThat(errorReading(new byte[]{(byte) 0x81, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0})).contains("larger than");
        assertThat(errorReading(new byte[]{(byte) 0x81, 127, 0, 0, 0, 0, 0x10, 0, 0, 1})).contains("larger than");
        assertThat(errorReading(new byte[]{(byte) 0x09, 0})).contains("control frame that is fragmented");
    }

    /** The client's error reading {@code frames} from a server that completed the handshake. */
    private static String errorReading(byte[] frames) throws Exception {
        try (HandmadeServer server = HandmadeServer.upgrading((in, out) -> out.write(frames));
             PlainWebSocket socket = new PlainWebSocket(server.url(), 10_000)) {
            socket.read();
            return "read";
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** The client's error when a loopback server answers its handshake with {@code answer}. */
    private static String handshakeAnswered(String answer) throws Exception {
        try (HandmadeServer server = HandmadeServer.answering(answer);
             PlainWebSocket ignored = new PlainWebSocket(server.url(), 10_000)) {
            return "connected";
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
