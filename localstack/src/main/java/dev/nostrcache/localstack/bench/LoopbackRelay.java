package dev.nostrcache.localstack.bench;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    LoopbackRelay(List<String> events) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ContextHandler context = new ContextHandler("/");
        WebSocketUpgradeHandler upgrades = WebSocketUpgradeHandler.from(server, context, container -> {
            container.setMaxTextMessageSize(1024 * 1024);
            container.addMapping("/", (request, response, callback) -> new Connection(events));
        });
        context.setHandler(upgrades);
        server.setHandler(context);
        server.start();
    }

    String url() {
        return "ws://127.0.0.1:" + connector.getLocalPort() + "/";
    }

    /** {@code LoopbackRelay FILE}: serves the JSON lines of FILE, prints its URL, and stops when its input ends. */
    public static void main(String[] args) throws Exception {
        try (LoopbackRelay relay = new LoopbackRelay(java.nio.file.Files.readAllLines(java.nio.file.Path.of(args[0])))) {
            System.out.println(relay.url());
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /** The relay serving {@code corpus} in a new JVM on this classpath; closing it ends that process. */
    static final class Process implements AutoCloseable {
        private final java.lang.Process process;
        private final String url;

        Process(java.nio.file.Path corpus) throws java.io.IOException, InterruptedException {
            String javaBinary = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(javaBinary, "-cp", System.getProperty("java.class.path"),
                    LoopbackRelay.class.getName(), corpus.toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            // Its logging may print to standard output first: the URL is the line that is one.
            var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("ws://127.0.0.1:")) {
                // skipped
            }
            if (line == null) {
                boolean ended = process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                process.destroyForcibly();
                throw new java.io.IOException("the loopback relay did not start"
                        + (ended ? " (exit " + process.exitValue() + ")" : ""));
            }
            url = line;
            Thread.ofVirtual().start(() -> {
                try {
                    lines.transferTo(java.io.Writer.nullWriter()); // keep its output from filling the pipe
                } catch (java.io.IOException e) {
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
            } catch (java.io.IOException e) {
                process.destroy();
            }
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
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
        private volatile Session session;

        Connection(List<String> events) {
            this.events = events;
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
            String sub = message.substring(7, message.indexOf('"', 8) + 1);
            Thread.startVirtualThread(() -> {
                for (String event : events) {
                    if (!send("[\"EVENT\"," + sub + "," + event + "]")) {
                        return;
                    }
                }
                send("[\"EOSE\"," + sub + "]");
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
