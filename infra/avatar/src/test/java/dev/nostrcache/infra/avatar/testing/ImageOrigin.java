package dev.nostrcache.infra.avatar.testing;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A picture origin on loopback for avatar tests: fixed bodies under any Content-Type (it may lie, as origins do),
 * redirects, a body that trickles, one that never ends, and a count of the requests each path got.
 */
public final class ImageOrigin implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

    public ImageOrigin() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    private void count(String path) {
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    }

    public ImageOrigin serve(String path, String contentType, byte[] body) {
        server.createContext(path, exchange -> {
            count(path);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        return this;
    }

    public ImageOrigin redirect(String path, String location) {
        server.createContext(path, exchange -> {
            count(path);
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        return this;
    }

    /** A body that sends one byte every {@code pauseMillis}, {@code bytes} in all: a slow origin. */
    public ImageOrigin trickle(String path, int bytes, long pauseMillis) {
        server.createContext(path, exchange -> {
            count(path);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < bytes; i++) {
                    out.write(i == 0 ? 0xff : 0xd8);
                    out.flush();
                    Thread.sleep(pauseMillis);
                }
            } catch (IOException | InterruptedException ignored) {
                // the client hung up, as it should
            }
        });
        return this;
    }

    /** A JPEG start followed by bytes without end, as fast as the client reads. */
    public ImageOrigin endless(String path) {
        server.createContext(path, exchange -> {
            count(path);
            exchange.getResponseHeaders().add("Content-Type", "image/jpeg");
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            chunk[0] = (byte) 0xff;
            chunk[1] = (byte) 0xd8;
            chunk[2] = (byte) 0xff;
            try (OutputStream out = exchange.getResponseBody()) {
                while (true) {
                    out.write(chunk);
                    chunk[0] = 0;
                }
            } catch (IOException ignored) {
                // the client hung up, as it should
            }
        });
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
