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
