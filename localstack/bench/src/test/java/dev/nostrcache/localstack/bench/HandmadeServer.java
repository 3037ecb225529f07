package dev.nostrcache.localstack.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket server on a loopback port that says what a test scripts, byte for byte: frames no real server sends,
 * refusals, silence. It serves one client, then reads whatever else that client sends until it hangs up.
 */
final class HandmadeServer implements AutoCloseable {
    /** What the server does on the connection after its handshake. */
    interface Script {
        void play(InputStream in, OutputStream out) throws IOException;
    }

    private final ServerSocket server;

    private HandmadeServer(Script conversation) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.startVirtualThread(() -> {
            try (Socket s = server.accept()) {
                conversation.play(s.getInputStream(), s.getOutputStream());
                s.getInputStream().readAllBytes();
            } catch (IOException ignored) {
                // the client hung up
            }
        });
    }

    /** Completes one client's handshake, then plays {@code script}. */
    static HandmadeServer upgrading(Script script) throws IOException {
        return new HandmadeServer((in, out) -> {
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + PlainWebSocket.expectedAccept(key(in)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            script.play(in, out);
            out.flush();
        });
    }

    /** Answers one client's handshake request with {@code answer}, as it is. */
    static HandmadeServer answering(String answer) throws IOException {
        return new HandmadeServer((in, out) -> {
            key(in);
            out.write(answer.getBytes(StandardCharsets.US_ASCII));
        });
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** A server's (unmasked) frame of at most 125 bytes. */
    static byte[] frame(int opcode, boolean fin, String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[2 + bytes.length];
        frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        frame[1] = (byte) bytes.length;
        System.arraycopy(bytes, 0, frame, 2, bytes.length);
        return frame;
    }

    /** Reads one short client frame, checks that it is masked, and returns its first byte and unmasked payload. */
    static byte[] unmaskedFrame(InputStream in) throws IOException {
        byte[] head = in.readNBytes(2);
        if ((head[1] & 0x80) == 0) {
            throw new IOException("an unmasked frame from the client");
        }
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(head[1] & 0x7f);
        byte[] frame = new byte[1 + payload.length];
        frame[0] = head[0];
        for (int i = 0; i < payload.length; i++) {
            frame[1 + i] = (byte) (payload[i] ^ mask[i & 3]);
        }
        return frame;
    }

    /** Reads the client's handshake request up to its blank line; returns its Sec-WebSocket-Key. */
    private static String key(InputStream in) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        while (!request.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended early");
            }
            request.write(b);
        }
        for (String line : request.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.startsWith("Sec-WebSocket-Key: ")) {
                return line.substring("Sec-WebSocket-Key: ".length());
            }
        }
        throw new IOException("no Sec-WebSocket-Key in " + request);
    }
}
