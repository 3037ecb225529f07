package dev.nostrcache.infra.net;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.event.ReplacementKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One-shot questions to the upstream relays, for replaceable events the database does not have yet (a profile
 * before the worker has seen it, a contact list for a follows job, the profiles a Primal page names). Every relay is asked at once; each answer is
 * parsed and its signature verified; the newest by NIP-01's replacement rule wins, whichever relay sent it, within
 * one deadline for all of them. A relay that fails or stays silent only costs its share of the deadline.
 */
public final class UpstreamQuery {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamQuery.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The event found, its JSON as received (for the ingest queue) and the relay that sent it. */
    public record Found(Event event, String json, String relay) {
    }

    private final List<String> relays;
    private final Duration deadline;
    private final EventParser parser = new EventParser(Limits.DEFAULTS);
    private final EventVerifier verifier = new EventVerifier(SchnorrVerifier.fastest(), Limits.DEFAULTS, Clock.systemUTC());
    private final HttpClient http;

    public UpstreamQuery(List<String> relays, Duration deadline) {
        this.relays = List.copyOf(relays);
        this.deadline = deadline;
        this.http = HttpClient.newBuilder().connectTimeout(deadline).build();
    }

    public List<String> relays() {
        return relays;
    }

    /** The newest valid event of {@code kind} (replaceable) by {@code pubkey} that any relay has. */
    public Optional<Found> newestReplaceable(String pubkey, int kind) {
        return Optional.ofNullable(newestReplaceables(Set.of(pubkey), kind).get(pubkey));
    }

    /**
     * The newest valid event of {@code kind} (replaceable) of each of {@code pubkeys} that any relay has, asked in
     * one request per relay; pubkeys no relay answered for within the deadline are absent from the map.
     */
    public Map<String, Found> newestReplaceables(Set<String> pubkeys, int kind) {
        if (relays.isEmpty() || pubkeys.isEmpty()) {
            return Map.of();
        }
        String request = "[\"REQ\",\"q\",{\"authors\":" + JSON.writeValueAsString(pubkeys) + ",\"kinds\":[" + kind
                + "],\"limit\":" + pubkeys.size() + "}]";
        CountDownLatch finished = new CountDownLatch(relays.size());
        List<Found> found = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<WebSocket>> sockets = new ArrayList<>();
        for (String relay : relays) {
            Listener listener = new Listener(relay, pubkeys, kind, found, finished);
            CompletableFuture<WebSocket> socket = http.newWebSocketBuilder().connectTimeout(deadline)
                    .buildAsync(URI.create(relay), listener);
            socket.whenComplete((ws, error) -> {
                if (error != null) {
                    LOG.debug("upstream {}: {}", relay, error.toString());
                    listener.done();
                } else {
                    ws.sendText(request, true);
                }
            });
            sockets.add(socket);
        }
        try {
            // Nothing to compute until the relays answer: another invocation may run meanwhile.
            Admission.awayWhile(() -> finished.await(deadline.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CompletableFuture<WebSocket> socket : sockets) {
            socket.cancel(true);
            socket.thenAccept(WebSocket::abort);
        }
        Map<String, Found> newest = new HashMap<>();
        synchronized (found) {
            for (Found f : found) {
                newest.merge(f.event().pubkey(), f,
                        (a, b) -> ReplacementKey.supersedes(b.event(), a.event()) ? b : a);
            }
        }
        return newest;
    }

    /** Collects one relay's answer until its EOSE, CLOSED, an error or the close of the socket. */
    private final class Listener implements WebSocket.Listener {
        private final String relay;
        private final Set<String> pubkeys;
        private final int kind;
        private final List<Found> found;
        private final CountDownLatch finished;
        private final StringBuilder partial = new StringBuilder();
        private boolean done;

        Listener(String relay, Set<String> pubkeys, int kind, List<Found> found, CountDownLatch finished) {
            this.relay = relay;
            this.pubkeys = pubkeys;
            this.kind = kind;
            this.found = found;
            this.finished = finished;
        }

        synchronized void done() {
            if (!done) {
                done = true;
                finished.countDown();
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (partial.length() > Limits.DEFAULTS.maxMessageBytes() * 2L) {
                webSocket.abort();
                done();
                return null;
            }
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                if (handle(message)) {
                    webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                    done();
                }
            }
            webSocket.request(1);
            return null;
        }

        /** True when the relay's answer is complete. */
        private boolean handle(String message) {
            JsonNode node;
            try {
                node = JSON.readTree(message);
            } catch (JacksonException e) {
                return false;
            }
            if (node == null || !node.isArray() || node.isEmpty()) {
                return false;
            }
            String type = node.get(0).asString("");
            if (type.equals("EOSE") || type.equals("CLOSED")) {
                return true;
            }
            if (type.equals("EVENT") && node.size() >= 3 && node.get(2).isObject()) {
                String json = node.get(2).toString();
                try {
                    Event event = parser.parse(json);
                    if (pubkeys.contains(event.pubkey()) && event.kind() == kind) {
                        verifier.verify(event);
                        found.add(new Found(event, json, relay));
                    }
                } catch (InvalidEventException e) {
                    LOG.debug("upstream {} sent an invalid event: {}", relay, e.getMessage());
                }
            }
            return false;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            done();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            done();
        }
    }
}
