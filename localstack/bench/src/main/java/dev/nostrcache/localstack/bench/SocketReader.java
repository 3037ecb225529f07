package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.io.InputStream;

/**
 * A socket's input read through a buffer of its own, on the caller's thread: single bytes, CRLF-ended header lines,
 * runs of bytes. What the benchmark's plain-socket clients ({@link KeepAliveGet}, {@link PlainWebSocket}) share.
 */
final class SocketReader {
    /** The longest header line read. */
    static final int MAX_LINE = 16_384;
    private final InputStream in;
    private final byte[] buffer;
    private int position;
    private int limit;

    SocketReader(InputStream in, int bufferSize) {
        this.in = in;
        this.buffer = new byte[bufferSize];
    }

    /** The next byte, 0-255. */
    int next() throws IOException {
        if (position == limit) {
            fill();
        }
        return buffer[position++] & 0xff;
    }

    /** The next line without its CR LF (or bare LF), read as ISO-8859-1, as HTTP's header lines are. */
    String line() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            int b = next();
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
            if (line.length() > MAX_LINE) {
                throw new IOException("a header line longer than 16 KiB");
            }
        }
    }

    /** Reads exactly {@code length} bytes into {@code into} from {@code offset}. */
    void read(byte[] into, int offset, int length) throws IOException {
        for (int done = 0; done < length; ) {
            if (position == limit) {
                fill();
            }
            int taken = Math.min(length - done, limit - position);
            System.arraycopy(buffer, position, into, offset + done, taken);
            position += taken;
            done += taken;
        }
    }

    /** Reads past {@code bytes} bytes. */
    void skip(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            if (position == limit) {
                fill();
            }
            int taken = (int) Math.min(left, limit - position);
            position += taken;
            left -= taken;
        }
    }

    private void fill() throws IOException {
        int read = in.read(buffer);
        if (read < 0) {
            throw new IOException("the server closed the connection in the middle of an answer");
        }
        position = 0;
        limit = read;
    }
}
