package dev.nostrcache.infra.relay;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.SchnorrVerifier;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.message.ClientMessage;
import dev.nostrcache.core.message.ClientMessageParser;
import dev.nostrcache.core.message.RelayFrames;
import dev.nostrcache.infra.query.EventQueries;
import dev.nostrcache.infra.queue.EventSubmitter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The NIP-01 relay, one client message at a time, knowing no transport: a connection opens, sends text messages and
 * closes; answers go out through a {@link ConnectionMessenger}. Subscriptions live in the database, so that any
 * process (any Lambda container) can answer any message and ingest can deliver live events. Published events take the
 * same queues as ingested ones; cache requests go to {@link CacheRequests}.
 */
public final class RelayConnections {
    private static final Logger LOG = LoggerFactory.getLogger(RelayConnections.class);

    private static final String COULD_NOT_HANDLE = "error: the relay could not handle that message, try again";

    /** What became of a connection attempt. */
    public enum Admission { ACCEPTED, REFUSED, FAILED }

    private final SubscriptionRepository subscriptions;
    private final EventQueries queries;
    private final KnownEvents known;
    private final ConnectionMessenger messenger;
    private final EventSubmitter submitter;
    private final CacheRequests cache;
    private final MeterRegistry metrics;
    private final Limits limits;
    private final Clock clock;
    private final ClientMessageParser parser;
    private final EventVerifier verifier;
    private final List<ConnectionPolicy> policies;
    private final ConnectionStates states;

    public RelayConnections(SubscriptionRepository subscriptions, EventQueries queries, KnownEvents known,
                            ConnectionMessenger messenger, EventSubmitter submitter, CacheRequests cache,
                            MeterRegistry metrics, Limits limits, Clock clock, List<ConnectionPolicy> policies) {
        this.subscriptions = subscriptions;
        this.queries = queries;
        this.known = known;
        this.messenger = messenger;
        this.submitter = submitter;
        this.cache = cache;
        this.metrics = metrics;
        this.limits = limits;
        this.clock = clock;
        this.parser = new ClientMessageParser(limits);
        this.verifier = new EventVerifier(SchnorrVerifier.fastest(), limits, clock);
        this.policies = List.copyOf(policies);
        this.states = new ConnectionStates(subscriptions);
    }

    /**
     * Admits a connection reachable through {@code endpoint} (where its answers are sent) unless a policy refuses it.
     * {@code sourceIp} and {@code userAgent} may be null.
     */
    public Admission connect(String connectionId, String endpoint, String sourceIp, String userAgent) {
        for (ConnectionPolicy policy : policies) {
            String refusal = policy.refuse(sourceIp, userAgent);
            if (refusal != null) {
                LOG.info("refused connection {}: {}", connectionId, refusal);
                return Admission.REFUSED;
            }
        }
        try {
            subscriptions.openConnection(connectionId, endpoint, sourceIp, userAgent);
            return Admission.ACCEPTED;
        } catch (SQLException e) {
            LOG.warn("could not record connection {}: {}", connectionId, e.toString());
            return Admission.FAILED;
        }
    }

    public void disconnect(String connectionId) {
        states.forget(connectionId);
        try {
            subscriptions.closeConnection(connectionId);
        } catch (SQLException e) {
            LOG.warn("could not remove connection {}: {}", connectionId, e.toString());
        }
    }

    /** Answers one text message of the client; every failure is answered to the client, never thrown. */
    public void message(String endpoint, String connectionId, String text) {
        ConnectionStates.State state = states.of(connectionId);
        ConnectionReply reply = new ConnectionReply(messenger, subscriptions, endpoint, connectionId, states, state);
        ClientMessage message = parser.parse(text == null ? "" : text);
        metrics.counter("nostr_cache.ws_messages", "type", message.getClass().getSimpleName().toLowerCase(Locale.ROOT))
                .increment();
        try {
            if (!states.takeToken(state, limits.messagesPerSecond(), limits.messageBurst())) {
                refuse(reply, message, "rate-limited: slow down, at most " + limits.messagesPerSecond()
                        + " messages per second (bursts of " + limits.messageBurst() + ")");
                return;
            }
            switch (message) {
                case ClientMessage.Req req -> request(reply, state, req);
                case ClientMessage.Count count -> reply.send(RelayFrames.count(count.subscriptionId(),
                        queries.count(count.filters(), clock.millis() / 1000)));
                case ClientMessage.Close close -> {
                    state.closed(close.subscriptionId());
                    subscriptions.unsubscribe(connectionId, close.subscriptionId());
                }
                case ClientMessage.Publish publish -> publish(reply, publish);
                case ClientMessage.CacheRequest request -> cache.answer(request, reply);
                case ClientMessage.RefusedEvent refused -> reply.send(RelayFrames.ok(refused.eventId(), false, refused.reason()));
                case ClientMessage.RefusedSubscription refused ->
                        reply.send(RelayFrames.closed(refused.subscriptionId(), refused.reason()));
                case ClientMessage.Unintelligible notice -> reply.send(RelayFrames.notice(notice.reason()));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("connection {}: message failed: {}", connectionId, e.toString());
            failed(reply, message, COULD_NOT_HANDLE);
        }
    }

    private void request(ConnectionReply reply, ConnectionStates.State state, ClientMessage.Req req) throws SQLException {
        String sub = req.subscriptionId();
        String filtersJson = SubscriptionRepository.filtersJson(req.filters());
        if (state.opened(sub, filtersJson)) {
            // Asked again (clients poll and reconnect with the same ids): one statement if the subscription is still
            // open as it was; if another process closed or replaced it meanwhile, the full path below.
            var rows = queries.findIf(subscriptions.openWith(reply.connectionId(), sub, filtersJson), req.filters(),
                    clock.millis() / 1000);
            if (rows.isPresent()) {
                answer(reply, sub, rows.get());
                return;
            }
        }
        state.closed(sub);
        switch (subscriptions.subscribe(reply.connectionId(), sub, req.filters(), limits.maxSubscriptions())) {
            case TOO_MANY -> reply.send(RelayFrames.closed(sub, "rate-limited: at most "
                    + limits.maxSubscriptions() + " open subscriptions per connection"));
            case NO_SUCH_CONNECTION -> reply.send(RelayFrames.closed(sub, "error: unknown connection"));
            case OPENED, REPLACED -> {
                state.open(sub, filtersJson);
                answer(reply, sub, queries.find(req.filters(), clock.millis() / 1000));
            }
        }
    }

    private static void answer(ConnectionReply reply, String subscriptionId, List<EventQueries.Row> rows) {
        for (EventQueries.Row row : rows) {
            reply.send(RelayFrames.event(subscriptionId, row.jsonUtf8()));
        }
        reply.send(RelayFrames.eose(subscriptionId));
    }

    private void publish(ConnectionReply reply, ClientMessage.Publish publish) {
        var event = publish.event();
        try {
            verifier.verify(event);
        } catch (InvalidEventException e) {
            reply.send(RelayFrames.ok(event.id(), false, e.reason()));
            return;
        }
        // OK once the queue has it: locally the next message need not wait for that (events travel in bundles), nor
        // for the duplicate lookup (gathered with other connections' lookups), so OKs may overtake one another.
        known.isStored(event.id()).whenComplete((stored, unknown) -> {
            if (unknown != null) {
                LOG.warn("connection {}: could not look up a published event: {}", reply.connectionId(), unknown.toString());
                reply.send(RelayFrames.ok(event.id(), false, COULD_NOT_HANDLE));
            } else if (stored) {
                reply.send(RelayFrames.ok(event.id(), true, "duplicate: already have this event"));
            } else {
                queue(reply, event);
            }
        });
    }

    private void queue(ConnectionReply reply, Event event) {
        CompletableFuture<Void> queued;
        try {
            queued = submitter.submitAsync(event.toJson(), event.kind(), "client:" + reply.connectionId());
        } catch (RuntimeException e) {
            queued = CompletableFuture.failedFuture(e);
        }
        queued.whenComplete((done, failure) -> {
            if (failure == null) {
                reply.send(RelayFrames.ok(event.id(), true, ""));
            } else {
                LOG.warn("an event of connection {} could not be queued: {}", reply.connectionId(), failure.toString());
                reply.send(RelayFrames.ok(event.id(), false, "error: the event could not be queued, try again"));
            }
        });
    }

    /** A refused message is answered in its own terms: OK for an event, CLOSED for a request, NOTICE otherwise. */
    private static void refuse(ConnectionReply reply, ClientMessage message, String reason) {
        switch (message) {
            case ClientMessage.Req req -> reply.send(RelayFrames.closed(req.subscriptionId(), reason));
            case ClientMessage.Count count -> reply.send(RelayFrames.closed(count.subscriptionId(), reason));
            case ClientMessage.CacheRequest request -> reply.send(RelayFrames.closed(request.subscriptionId(), reason));
            case ClientMessage.Publish publish -> reply.send(RelayFrames.ok(publish.event().id(), false, reason));
            case ClientMessage.RefusedEvent refused -> reply.send(RelayFrames.ok(refused.eventId(), false, reason));
            default -> reply.send(RelayFrames.notice(reason));
        }
    }

    /** A message that failed half-way: a cache request is ended as Primal's clients expect, with NOTICE and EOSE. */
    private static void failed(ConnectionReply reply, ClientMessage message, String reason) {
        switch (message) {
            case ClientMessage.Publish publish -> reply.send(RelayFrames.ok(publish.event().id(), false, reason));
            case ClientMessage.Req req -> reply.send(RelayFrames.closed(req.subscriptionId(), reason));
            case ClientMessage.Count count -> reply.send(RelayFrames.closed(count.subscriptionId(), reason));
            case ClientMessage.CacheRequest request -> {
                reply.send(RelayFrames.notice(request.subscriptionId(), reason));
                reply.send(RelayFrames.eose(request.subscriptionId()));
            }
            default -> reply.send(RelayFrames.notice(reason));
        }
    }
}
