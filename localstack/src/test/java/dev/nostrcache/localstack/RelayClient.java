package dev.nostrcache.localstack;


import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A plain WebSocket client for tests: send text, take what arrives in order. */
final class RelayClient implements AutoCloseable {
    private final FrameQueue frames = new FrameQueue();
    private final WebSocket socket;

    RelayClient(URI url) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(url, frames).join();
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    /** The next message, or null after {@code timeout}. */
    String next(Duration timeout) throws InterruptedException {
        return frames.texts.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Messages up to and including the first one that starts with {@code prefix}. */
    java.util.List<String> until(String prefix, Duration timeout) throws InterruptedException {
        java.util.List<String> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String m = next(Duration.ofMillis(100));
            if (m != null) {
                out.add(m);
                if (m.startsWith(prefix)) {
                    return out;
                }
            }
        }
        throw new AssertionError("no message starting with " + prefix + " within " + timeout + "; got " + out);
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
