package dev.nostrcache.localstack.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection sending the same GET again and again, as load generators such as {@code wrk} do:
 * the request's bytes are made once, and an answer is read as far as HTTP/1.1 says it ends (status line, headers,
 * {@code Content-Length} bytes of body). The JDK's {@code HttpClient} spent more than half of the machine's CPU in
 * the redirect loops (JFR), so it, not the server, set both figures.
 */
final class KeepAliveGet implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final SocketReader in;
    private final byte[] request;

    KeepAliveGet(URI url) throws IOException {
        String hostPort = url.getHost() + ":" + url.getPort();
        String target = (url.getRawPath().isEmpty() ? "/" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        request = ("GET " + target + " HTTP/1.1\r\nHost: " + hostPort + "\r\nUser-Agent: nostr-cache-bench\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        socket = new Socket(url.getHost(), url.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new SocketReader(socket.getInputStream(), 8192);
    }

    /** Sends the GET and reads its whole answer; returns the status code. */
    int get() throws IOException {
        out.write(request);
        String statusLine = in.line();
        if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.1 status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        for (String header = in.line(); !header.isEmpty(); header = in.line()) {
            int colon = header.indexOf(':');
            String name = colon < 0 ? header : header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = colon < 0 ? "" : header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> throw new IOException("a chunked answer; this client reads Content-Length only");
                case "connection" -> {
                    if (value.equalsIgnoreCase("close")) {
                        throw new IOException("the server closes the connection after each answer");
                    }
                }
                default -> {
                }
            }
        }
        if (status == 204 || status == 304) {
            length = 0;  // never a body (RFC 9110)
        } else if (length < 0) {
            throw new IOException("an answer without Content-Length");
        }
        in.skip(length);
        return status;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
