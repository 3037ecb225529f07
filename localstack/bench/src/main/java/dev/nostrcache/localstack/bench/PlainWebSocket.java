package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket client connection on a plain socket, as load generators keep one: RFC 6455's handshake, each message
 * sent as one masked frame in one write, the server's frames read through a buffer on the caller's thread (a
 * message in several frames joined, pings answered), nothing handed to another thread. The JDK's WebSocket client
 * (a selector thread of its own per client, each message passed through an executor and a queue) cost the runtime's
 * JVM, where the benchmark's clients run, more CPU per REQ than the server did: 0.23-0.26 ms per REQ at 10 and 100
 * clients against 0.09-0.15 ms with the Node.js clients in the same run (docs/benchmarks.md, 2026-12-07
 * twenty-eighth), so at 100 clients that client, not the server, set the JDK rows.
 *
 * <p>Reading is for one thread at a time; sending may happen on another thread meanwhile.
 */
final class PlainWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final int CONTINUATION = 0x0;
    /** The largest message read: the gateway sends at most 128 KiB per message; this leaves room. */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final Socket socket;
    private final OutputStream out;
    private final SocketReader in;
    private byte[] message = new byte[16_384];
    private int messageLength;
    private int pendingPongs;
    /** The server's close frame's payload, once read (null before). */
    private byte[] closing;
    /** Whether a read failed: the stream's position is then unknown, so nothing more is read from it. */
    private boolean broken;

    /** Connects and completes the handshake; every read waits at most {@code timeoutMillis}. */
    PlainWebSocket(URI url, int timeoutMillis) throws IOException {
        int port = url.getPort() > 0 ? url.getPort() : 80;
        socket = new Socket(url.getHost(), port);
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            out = socket.getOutputStream();
            in = new SocketReader(socket.getInputStream(), 65_536);
            handshake(url, port);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(URI url, int port) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        out.write(("GET " + target + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: nostr-cache-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = in.line();
        if (!status.startsWith("HTTP/1.1 101")) {
            throw new IOException("the server refused the WebSocket handshake: " + status);
        }
        String accept = null;
        for (String header = in.line(); !header.isEmpty(); header = in.line()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                accept = header.substring(colon + 1).trim();
            }
        }
        if (!expectedAccept(key).equals(accept)) {
            throw new IOException("the handshake's Sec-WebSocket-Accept is " + accept + ", not " + expectedAccept(key));
        }
    }

    static String expectedAccept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /** Sends {@code text} as one text message. */
    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendPing(byte[] payload) throws IOException {
        send(PING, payload);
    }

    /** One frame, masked with a fresh key as a client's must be, written at once. */
    private void send(int opcode, byte[] payload) throws IOException {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xffff ? 4 : 10;
        byte[] frame = new byte[header + 4 + length];
        frame[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
        } else if (length <= 0xffff) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[header + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < length; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ frame[header + (i & 3)]);
        }
        synchronized (out) {
            out.write(frame);
            out.flush();
        }
    }

    /**
     * Reads up to the next whole message, answering pings on the way; returns its opcode ({@link #TEXT},
     * {@link #BINARY}, {@link #PONG} or {@link #CLOSE}). A message's payload stays readable ({@link #startsWith},
     * {@link #text}) until the next read; a close's, as {@link #closeReason}.
     */
    int read() throws IOException {
        if (pendingPongs > 0) {
            pendingPongs--;
            return PONG;
        }
        try {
            return readMessage();
        } catch (IOException e) {
            broken = true;
            throw e;
        }
    }

    private int readMessage() throws IOException {
        int messageOpcode = -1;
        messageLength = 0;
        while (true) {
            int first = in.next();
            int second = in.next();
            boolean fin = (first & 0x80) != 0;
            int opcode = first & 0x0f;
            if ((second & 0x80) != 0) {
                throw new IOException("a masked frame from the server");
            }
            long length = second & 0x7f;
            if (length == 126) {
                length = (in.next() << 8) | in.next();
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | in.next();
                }
            }
            if (opcode >= CLOSE) {
                if (!fin || length > 125) {
                    throw new IOException("a control frame that is fragmented or longer than 125 bytes");
                }
                byte[] payload = new byte[(int) length];
                in.read(payload, 0, payload.length);
                switch (opcode) {
                    case PING -> send(PONG, payload);
                    case PONG -> {
                        if (messageOpcode < 0) {
                            return PONG;
                        }
                        pendingPongs++;  // between the frames of a message: after it
                    }
                    case CLOSE -> {
                        closing = payload;
                        return CLOSE;
                    }
                    default -> throw new IOException("an unknown control opcode " + opcode);
                }
                continue;
            }
            if (opcode != TEXT && opcode != BINARY && opcode != CONTINUATION) {
                throw new IOException("an unknown data opcode " + opcode);
            }
            if ((opcode == CONTINUATION) != (messageOpcode >= 0)) {
                throw new IOException(opcode == CONTINUATION ? "a continuation frame with no message begun"
                        : "a new message before the last one ended");
            }
            if (messageOpcode < 0) {
                messageOpcode = opcode;
            }
            if (length < 0 || messageLength + length > MAX_MESSAGE) {
                throw new IOException("a message larger than " + MAX_MESSAGE + " bytes");
            }
            int end = messageLength + (int) length;
            if (end > message.length) {
                message = Arrays.copyOf(message, Math.max(end, 2 * message.length));
            }
            in.read(message, messageLength, (int) length);
            messageLength = end;
            if (fin) {
                return messageOpcode;
            }
        }
    }

    /** Whether the last message read begins with {@code prefix}'s bytes. */
    boolean startsWith(byte[] prefix) {
        return messageLength >= prefix.length && Arrays.equals(message, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The last message read as text. */
    String text() {
        return new String(message, 0, messageLength, StandardCharsets.UTF_8);
    }

    /** The last close frame's status code and reason, as a sentence. */
    String closeReason() {
        if (closing == null || closing.length < 2) {
            return "no status";
        }
        return (((closing[0] & 0xff) << 8) | (closing[1] & 0xff)) + " "
                + new String(closing, 2, closing.length - 2, StandardCharsets.UTF_8);
    }

    /** Reads up to the next text message and returns it; a close from the server is an error. */
    String nextText() throws IOException {
        while (true) {
            int opcode = read();
            if (opcode == TEXT) {
                return text();
            }
            if (opcode == CLOSE) {
                throw new IOException("the server closed the connection: " + closeReason());
            }
        }
    }

    /**
     * Sends a close (1000), waits briefly for the server's if it has not come yet, and closes the socket; after a
     * read that failed (a protocol error, a timeout), only closes the socket.
     */
    @Override
    public void close() {
        if (closing != null || broken) {
            closeSocket();
            return;
        }
        try {
            byte[] reason = "done".getBytes(StandardCharsets.US_ASCII);
            byte[] payload = new byte[2 + reason.length];
            payload[0] = (byte) (1000 >>> 8);
            payload[1] = (byte) (1000 & 0xff);
            System.arraycopy(reason, 0, payload, 2, reason.length);
            send(CLOSE, payload);
            socket.setSoTimeout(2_000);
            while (read() != CLOSE) {
                // messages still in flight before the server's close
            }
        } catch (IOException e) {
            // gone already, or no close within 2 s: the socket is closed below either way
        } finally {
            closeSocket();
        }
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing more to release
        }
    }
}
