package dev.nostrcache.worker.testing;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.filter.FilterParser;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NIP-01 relay on a loopback port, for tests, that behaves as public relays do where paging matters: it keeps only
 * the newest replaceable and addressable events, answers each filter with its newest matching events (ties by lowest
 * id) up to the smaller of the filter's {@code limit} and its own cap, honours {@code since} and {@code until}, and
 * sends events published to it to the open subscriptions they match.
 */
public final class ReferenceRelay implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Comparator<Event> NEWEST_FIRST =
            Comparator.comparingLong(Event::createdAt).reversed().thenComparing(Event::id);

    private final int cap;
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final FilterParser filters = new FilterParser(Limits.DEFAULTS);
    private final Map<String, Event> regular = new LinkedHashMap<>();
    private final Map<ReplacementKey, Event> latest = new HashMap<>();
    private final Map<String, String> json = new HashMap<>();
    private final Server server;
    private final AtomicInteger requests = new AtomicInteger();

    /** @param cap the most events one filter is answered with, whatever its {@code limit} */
    public ReferenceRelay(int cap) throws InterruptedException {
        this.cap = cap;
        this.server = new Server();
        server.startListening();
    }

    public String url() {
        return server.url();
    }

    /** Stores an event (replacing an older version) and sends it to the subscriptions it matches. */
    public void publish(String eventJson) {
        Event event = parse(eventJson);
        if (!store(event, eventJson)) {
            return;
        }
        for (WebSocket c : server.getConnections()) {
            Map<String, List<Filter>> subscriptions = c.getAttachment();
            if (subscriptions == null) {
                continue;
            }
            subscriptions.forEach((sub, fs) -> {
                if (fs.stream().anyMatch(f -> f.matches(event))) {
                    c.send("[\"EVENT\"," + JSON.writeValueAsString(sub) + "," + eventJson + "]");
                }
            });
        }
    }

    /** Stores events without sending them anywhere: what the relay held before anyone connected. */
    public void load(Collection<String> events) {
        for (String e : events) {
            store(parse(e), e);
        }
    }

    /** Removes regular events again (a test's additions, so that the next test finds the relay as it was). */
    public synchronized void forget(Collection<String> events) {
        for (String e : events) {
            Event event = parse(e);
            if (regular.remove(event.id()) != null) {
                json.remove(event.id());
            }
        }
    }

    /** The events it holds now (each replaceable one in its newest version), as JSON. */
    public synchronized List<String> held() {
        List<String> out = new ArrayList<>();
        regular.values().forEach(e -> out.add(json.get(e.id())));
        latest.values().forEach(e -> out.add(json.get(e.id())));
        return out;
    }

    /** REQs received so far. */
    public int requests() {
        return requests.get();
    }

    private Event parse(String eventJson) {
        try {
            return parser.parse(eventJson);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private synchronized boolean store(Event event, String eventJson) {
        KindClass kindClass = KindClass.of(event.kind());
        if (kindClass == KindClass.EPHEMERAL) {
            return true;
        }
        if (kindClass == KindClass.REGULAR) {
            if (regular.putIfAbsent(event.id(), event) != null) {
                return false;
            }
        } else {
            Event old = latest.get(event.replacementKey());
            if (old != null && NEWEST_FIRST.compare(old, event) <= 0) {
                return false;
            }
            if (old != null) {
                json.remove(old.id());
            }
            latest.put(event.replacementKey(), event);
        }
        json.put(event.id(), eventJson);
        return true;
    }

    private synchronized List<String> answer(Filter filter) {
        List<Event> matching = new ArrayList<>();
        for (Event e : regular.values()) {
            if (filter.matches(e)) {
                matching.add(e);
            }
        }
        for (Event e : latest.values()) {
            if (filter.matches(e)) {
                matching.add(e);
            }
        }
        matching.sort(NEWEST_FIRST);
        int n = Math.min(matching.size(), filter.limit() == null ? cap : Math.min(cap, filter.limit()));
        return matching.subList(0, n).stream().map(e -> json.get(e.id())).toList();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop(1000);
    }

    private final class Server extends LoopbackServer {
        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            conn.setAttachment(new ConcurrentHashMap<String, List<Filter>>());
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            JsonNode msg = JSON.readTree(message);
            String type = msg.get(0).asString();
            Map<String, List<Filter>> subscriptions = conn.getAttachment();
            String sub = msg.get(1).asString();
            String quotedSub = JSON.writeValueAsString(sub);
            if ("CLOSE".equals(type)) {
                subscriptions.remove(sub);
                return;
            }
            if (!"REQ".equals(type)) {
                return;
            }
            requests.incrementAndGet();
            List<Filter> fs = new ArrayList<>();
            try {
                for (int i = 2; i < msg.size(); i++) {
                    fs.add(filters.parse(msg.get(i)));
                }
            } catch (Exception e) {
                conn.send("[\"CLOSED\"," + quotedSub + ",\"invalid: " + e.getMessage().replace("\"", "'") + "\"]");
                return;
            }
            subscriptions.put(sub, fs);
            LinkedHashMap<String, String> answer = new LinkedHashMap<>();
            for (Filter f : fs) {
                for (String e : answer(f)) {
                    answer.putIfAbsent(e, e);
                }
            }
            for (String e : answer.keySet()) {
                conn.send("[\"EVENT\"," + quotedSub + "," + e + "]");
            }
            conn.send("[\"EOSE\"," + quotedSub + "]");
        }
    }
}
