package dev.nostrcache.localstack.bench;

import dev.nostrcache.core.message.RelayFrames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream relay of the end-to-end figure, on a loopback port: it answers every REQ with the whole corpus, in
 * order and as fast as the connection takes it, then EOSE. It ignores the filter: the worker asks for what it ingests.
 *
 * <p>The benchmark runs it in a process of its own ({@link #main}, {@link Process}), so that the corpus it holds
 * is not counted in the runtime's memory.
 */
final class LoopbackRelay implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final AtomicInteger requests = new AtomicInteger();

    LoopbackRelay(List<String> events) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setIdleTimeout(Duration.ofHours(1).toMillis());
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(1024 * 1024);
            // Jetty's default closes a connection idle for 30 s: the worker then reconnected during the latency loops
            // and its catch-up streamed the whole corpus again (suppressed as duplicates, but received and parsed).
            container.setIdleTimeout(Duration.ofHours(1));
            container.addMapping("/", (request, response, callback) -> new Connection(events, requests));
        });
        context.setHandler(upgrades);
        server.setHandler(context);
        server.start();
    }

    /** The REQs it has been sent, on all connections. */
    int requestsServed() {
        return requests.get();
    }

    String url() {
        return "ws://127.0.0.1:" + connector.getLocalPort() + "/";
    }

    /** {@code LoopbackRelay FILE}: serves the JSON lines of FILE, prints its URL, and stops when its input ends. */
    public static void main(String[] args) throws Exception {
        try (LoopbackRelay relay = new LoopbackRelay(Files.readAllLines(Path.of(args[0])))) {
            System.out.println(relay.url());
            System.out.flush();
            System.in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The relay serving {@code corpus} in a new JVM on this classpath; closing it ends that process. */
    static final class Process implements AutoCloseable {
        private final java.lang.Process process;
        private final String url;

        Process(Path corpus) throws IOException, InterruptedException {
            String javaBinary = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"),
                    LoopbackRelay.class.getName(), corpus.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            // Its logging may print to standard output first: the URL is the line that is one.
            var lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("ws://127.0.0.1:")) {
                // skipped
            }
            if (line == null) {
                boolean ended = process.waitFor(5, TimeUnit.SECONDS);
                process.destroyForcibly();
                throw new IOException("the loopback relay did not start"
                        + (ended ? " (exit " + process.exitValue() + ")" : ""));
            }
            url = line;
            Thread.ofVirtual().start(() -> {
                try {
                    lines.transferTo(Writer.nullWriter()); // keep its output from filling the pipe
                } catch (IOException e) {
                    // the relay ended
                }
            });
        }

        String url() {
            return url;
        }

        @Override
        public void close() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                process.destroy();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** One client: a REQ starts the stream on a virtual thread; each frame waits for the previous one to be written. */
    public static final class Connection implements Session.Listener.AutoDemanding {
        private final List<String> events;
        private final AtomicInteger requests;
        private volatile Session session;

        Connection(List<String> events, AtomicInteger requests) {
            this.events = events;
            this.requests = requests;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            if (!message.startsWith("[\"REQ\"")) {
                return;
            }
            requests.incrementAndGet();
            String sub = message.substring(8, message.indexOf('"', 8));
            Thread.startVirtualThread(() -> {
                for (String event : events) {
                    if (!send(RelayFrames.event(sub, event))) {
                        return;
                    }
                }
                send(RelayFrames.eose(sub));
            });
        }

        private boolean send(String text) {
            CompletableFuture<Void> written = new CompletableFuture<>();
            session.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
            try {
                written.join();
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
    }
}
