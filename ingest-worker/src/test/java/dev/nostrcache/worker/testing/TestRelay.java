package dev.nostrcache.worker.testing;

import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Nostr relay on a loopback port, for tests: it answers every REQ with its stored events (in the order
 * given, ignoring the filter) and EOSE. It can also misbehave: drop the connection after some events, or mix
 * garbage into what it sends.
 */
public final class TestRelay implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public enum Behaviour { SERVE, DROP_AFTER_SOME, SEND_GARBAGE }

    private final List<String> events;
    private final Behaviour behaviour;
    private final int dropAfter;
    private final Server server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<JsonNode> filters = new CopyOnWriteArrayList<>();

    public TestRelay(List<String> events, Behaviour behaviour, int dropAfter) throws InterruptedException {
        this.events = List.copyOf(events);
        this.behaviour = behaviour;
        this.dropAfter = dropAfter;
        this.server = new Server();
        server.startListening();
    }

    public static TestRelay serving(List<String> events) throws InterruptedException {
        return new TestRelay(events, Behaviour.SERVE, 0);
    }

    public String url() {
        return server.url();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** The first filter of every REQ received, in order. */
    public List<JsonNode> filters() {
        return List.copyOf(filters);
    }

    /** Sends an event to every open subscription, as a live event. */
    public void broadcast(String eventJson) {
        for (WebSocket c : server.getConnections()) {
            String sub = c.getAttachment();
            if (sub != null) {
                c.send("[\"EVENT\"," + JSON.writeValueAsString(sub) + "," + eventJson + "]");
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(1000);
    }

    private final class Server extends LoopbackServer {
        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            connections.incrementAndGet();
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            JsonNode msg = JSON.readTree(message);
            if (!msg.isArray() || !"REQ".equals(msg.get(0).asString())) {
                return;
            }
            String sub = msg.get(1).asString();
            conn.setAttachment(sub);
            filters.add(msg.get(2));
            String quotedSub = JSON.writeValueAsString(sub);
            int sent = 0;
            for (String event : events) {
                if (behaviour == Behaviour.DROP_AFTER_SOME && sent == dropAfter) {
                    conn.close(1011, "dropped on purpose");
                    return;
                }
                if (behaviour == Behaviour.SEND_GARBAGE) {
                    conn.send("this is not JSON");
                    conn.send("[\"EVENT\",\"" + sub + "\",{\"id\":\"broken\"}]");
                    conn.send(ByteBuffer.wrap(new byte[]{1, 2, 3}));
                }
                conn.send("[\"EVENT\"," + quotedSub + "," + event + "]");
                sent++;
            }
            conn.send("[\"EOSE\"," + quotedSub + "]");
        }
    }
}
