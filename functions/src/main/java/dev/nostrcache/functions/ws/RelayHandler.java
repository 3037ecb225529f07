package dev.nostrcache.functions.ws;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.crypto.BouncyCastleSchnorr;
import dev.nostrcache.core.event.EventJson;
import dev.nostrcache.core.event.EventVerifier;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.message.ClientMessage;
import dev.nostrcache.core.message.ClientMessageParser;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.infra.primal.PrimalApi;
import dev.nostrcache.infra.primal.PrimalException;
import dev.nostrcache.infra.query.EventQueries;
import dev.nostrcache.infra.queue.EventSubmitter;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.ws.ConnectionMessenger;
import dev.nostrcache.infra.ws.SubscriptionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NIP-01 relay behind the WebSocket API's routes. {@code $connect} records the connection, {@code $disconnect}
 * removes it with its subscriptions, {@code $default} answers each client message through the management API.
 * Published events take the same queues as ingested ones; live delivery is done by the ingest functions. Primal
 * cache requests ({@code {"cache": [op, params]}}) go to {@link PrimalApi} on the same route.
 */
public final class RelayHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RelayHandler.class);

    private final SubscriptionRepository subscriptions;
    private final EventQueries queries;
    private final EventRepository events;
    private final ConnectionMessenger messenger;
    private final EventSubmitter submitter;
    private final PrimalApi primal;
    private final MeterRegistry metrics;
    private final Limits limits;
    private final Clock clock;
    private final ClientMessageParser parser;
    private final EventVerifier verifier;
    private final String endpointOverride;
    private final List<ConnectionPolicy> policies;

    /**
     * @param endpointOverride the management API endpoint to answer through, or null to derive it from each event
     *                         ({@code https://<domainName>/<stage>}, as on AWS)
     */
    public RelayHandler(SubscriptionRepository subscriptions, EventQueries queries, EventRepository events,
                        ConnectionMessenger messenger, EventSubmitter submitter, PrimalApi primal,
                        MeterRegistry metrics, Limits limits, Clock clock, String endpointOverride,
                        List<ConnectionPolicy> policies) {
        this.subscriptions = subscriptions;
        this.queries = queries;
        this.events = events;
        this.messenger = messenger;
        this.submitter = submitter;
        this.primal = primal;
        this.metrics = metrics;
        this.limits = limits;
        this.clock = clock;
        this.parser = new ClientMessageParser(limits);
        this.verifier = new EventVerifier(new BouncyCastleSchnorr(), limits, clock);
        this.endpointOverride = endpointOverride;
        this.policies = List.copyOf(policies);
    }

    public APIGatewayV2WebSocketResponse connect(APIGatewayV2WebSocketEvent event) {
        var context = event.getRequestContext();
        String sourceIp = context.getIdentity() == null ? null : context.getIdentity().getSourceIp();
        String userAgent = header(event, "User-Agent");
        for (ConnectionPolicy policy : policies) {
            String refusal = policy.refuse(sourceIp, userAgent);
            if (refusal != null) {
                LOG.info("refused connection {}: {}", context.getConnectionId(), refusal);
                return response(403);
            }
        }
        try {
            subscriptions.openConnection(context.getConnectionId(), endpoint(event), sourceIp, userAgent);
            return response(200);
        } catch (SQLException e) {
            LOG.warn("could not record connection {}: {}", context.getConnectionId(), e.toString());
            return response(500);
        }
    }

    public APIGatewayV2WebSocketResponse disconnect(APIGatewayV2WebSocketEvent event) {
        try {
            subscriptions.closeConnection(event.getRequestContext().getConnectionId());
        } catch (SQLException e) {
            LOG.warn("could not remove connection {}: {}", event.getRequestContext().getConnectionId(), e.toString());
        }
        return response(200);
    }

    public APIGatewayV2WebSocketResponse message(APIGatewayV2WebSocketEvent event) {
        String connection = event.getRequestContext().getConnectionId();
        Reply reply = new Reply(endpoint(event), connection);
        ClientMessage message = parser.parse(event.getBody() == null ? "" : event.getBody());
        metrics.counter("nostr_cache.ws_messages", "type", message.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT))
                .increment();
        try {
            if (!subscriptions.takeToken(connection, limits.messagesPerSecond(), limits.messageBurst())) {
                refuseRateLimited(reply, message);
                return response(200);
            }
            switch (message) {
                case ClientMessage.Req req -> {
                    switch (subscriptions.subscribe(connection, req.subscriptionId(), req.filters(), limits.maxSubscriptions())) {
                        case TOO_MANY -> reply.closed(req.subscriptionId(), "rate-limited: at most "
                                + limits.maxSubscriptions() + " open subscriptions per connection");
                        case NO_SUCH_CONNECTION -> reply.closed(req.subscriptionId(), "error: unknown connection");
                        case OPENED, REPLACED -> {
                            for (EventQueries.Row row : queries.find(req.filters(), clock.millis() / 1000)) {
                                reply.send("[\"EVENT\"," + quoted(req.subscriptionId()) + "," + row.json() + "]");
                            }
                            reply.send("[\"EOSE\"," + quoted(req.subscriptionId()) + "]");
                        }
                    }
                }
                case ClientMessage.Count count -> reply.send("[\"COUNT\"," + quoted(count.subscriptionId())
                        + ",{\"count\":" + queries.count(count.filters(), clock.millis() / 1000) + "}]");
                case ClientMessage.Close close -> subscriptions.unsubscribe(connection, close.subscriptionId());
                case ClientMessage.Publish publish -> publish(reply, publish);
                case ClientMessage.CacheRequest cache -> cacheRequest(reply, cache);
                case ClientMessage.RefusedEvent refused -> reply.ok(refused.eventId(), false, refused.reason());
                case ClientMessage.RefusedSubscription refused -> reply.closed(refused.subscriptionId(), refused.reason());
                case ClientMessage.Unintelligible notice -> reply.send("[\"NOTICE\"," + quoted(notice.reason()) + "]");
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("connection {}: message failed: {}", connection, e.toString());
            String reason = "error: the relay could not handle that message, try again";
            switch (message) {
                case ClientMessage.Publish publish -> reply.ok(publish.event().id(), false, reason);
                case ClientMessage.Req req -> reply.closed(req.subscriptionId(), reason);
                case ClientMessage.Count count -> reply.closed(count.subscriptionId(), reason);
                case ClientMessage.CacheRequest cache -> {
                    reply.send("[\"NOTICE\"," + quoted(cache.subscriptionId()) + "," + quoted(reason) + "]");
                    reply.send("[\"EOSE\"," + quoted(cache.subscriptionId()) + "]");
                }
                default -> reply.send("[\"NOTICE\"," + quoted(reason) + "]");
            }
        }
        return response(200);
    }

    /**
     * A Primal cache request: one EVENT per object, then EOSE; a refusal as Primal's three-element NOTICE, then EOSE.
     * A one-shot request is finished at its EOSE and stored nowhere (Android clients never CLOSE them); only a request
     * that stays open (notification_counts) is a subscription, counted against the cap until CLOSE.
     */
    private void cacheRequest(Reply reply, ClientMessage.CacheRequest cache) throws SQLException {
        String sub = quoted(cache.subscriptionId());
        PrimalApi.Result result;
        try {
            result = primal.answer(cache.op(), cache.params());
        } catch (PrimalException e) {
            metrics.counter("nostr_cache.primal_requests", "op", cache.op(), "result", "notice").increment();
            reply.send("[\"NOTICE\"," + sub + "," + quoted(e.getMessage()) + "]");
            reply.send("[\"EOSE\"," + sub + "]");
            return;
        }
        switch (result) {
            case PrimalApi.Result.Unknown unknown -> {
                metrics.counter("nostr_cache.primal_requests", "op", "unknown", "result", "unknown").increment();
                reply.send("[\"NOTICE\"," + sub + ",\"unknown api request\"]");
                reply.send("[\"EOSE\"," + sub + "]");
            }
            case PrimalApi.Result.Objects answer -> {
                metrics.counter("nostr_cache.primal_requests", "op", cache.op(), "result", "ok").increment();
                if (answer.notifyPubkey() != null) {
                    Filter tagged = new Filter(null, null, null, Map.of("p", Set.of(answer.notifyPubkey())), null, null,
                            null, null);
                    var opened = subscriptions.subscribe(reply.connection, cache.subscriptionId(), List.of(tagged),
                            limits.maxSubscriptions(), cache.op(), answer.notifyPubkey());
                    if (opened == SubscriptionRepository.Subscribed.TOO_MANY) {
                        reply.send("[\"NOTICE\"," + sub + ",\"too many subscriptions\"]");
                        reply.send("[\"EOSE\"," + sub + "]");
                        return;
                    }
                }
                if (answer.eoseFirst()) {
                    reply.send("[\"EOSE\"," + sub + "]");
                }
                for (String object : answer.objects()) {
                    reply.send("[\"EVENT\"," + sub + "," + object + "]");
                }
                if (!answer.eoseFirst()) {
                    reply.send("[\"EOSE\"," + sub + "]");
                }
            }
        }
    }

    private void refuseRateLimited(Reply reply, ClientMessage message) {
        String reason = "rate-limited: slow down, at most " + limits.messagesPerSecond() + " messages per second"
                + " (bursts of " + limits.messageBurst() + ")";
        switch (message) {
            case ClientMessage.Req req -> reply.closed(req.subscriptionId(), reason);
            case ClientMessage.Count count -> reply.closed(count.subscriptionId(), reason);
            case ClientMessage.CacheRequest cache -> reply.closed(cache.subscriptionId(), reason);
            case ClientMessage.Publish publish -> reply.ok(publish.event().id(), false, reason);
            case ClientMessage.RefusedEvent refused -> reply.ok(refused.eventId(), false, reason);
            default -> reply.send("[\"NOTICE\"," + quoted(reason) + "]");
        }
    }

    private void publish(Reply reply, ClientMessage.Publish publish) throws SQLException {
        var event = publish.event();
        try {
            verifier.verify(event);
        } catch (InvalidEventException e) {
            reply.ok(event.id(), false, e.reason());
            return;
        }
        if (events.findJson(event.id()).isPresent()) {
            reply.ok(event.id(), true, "duplicate: already have this event");
            return;
        }
        submitter.submit(event.toJson(), event.kind(), "client:" + reply.connection);
        reply.ok(event.id(), true, "");
    }

    private String endpoint(APIGatewayV2WebSocketEvent event) {
        if (endpointOverride != null) {
            return endpointOverride;
        }
        var context = event.getRequestContext();
        return "https://" + context.getDomainName() + "/" + context.getStage();
    }

    private static String header(APIGatewayV2WebSocketEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        if (headers == null) {
            return null;
        }
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    private static String quoted(String s) {
        StringBuilder sb = new StringBuilder();
        EventJson.appendString(sb, s);
        return sb.toString();
    }

    private static APIGatewayV2WebSocketResponse response(int status) {
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        response.setStatusCode(status);
        return response;
    }

    /** Answers to one connection; a gone connection is removed with its subscriptions. */
    private final class Reply {
        private final String endpoint;
        private final String connection;
        private boolean gone;

        Reply(String endpoint, String connection) {
            this.endpoint = endpoint;
            this.connection = connection;
        }

        void send(String text) {
            if (gone) {
                return;
            }
            if (!messenger.send(endpoint, connection, text)) {
                gone = true;
                try {
                    subscriptions.closeConnection(connection);
                } catch (SQLException e) {
                    LOG.warn("could not clean up gone connection {}: {}", connection, e.toString());
                }
            }
        }

        void ok(String eventId, boolean accepted, String reason) {
            send("[\"OK\"," + quoted(eventId) + "," + accepted + "," + quoted(reason) + "]");
        }

        void closed(String subscriptionId, String reason) {
            send("[\"CLOSED\"," + quoted(subscriptionId) + "," + quoted(reason) + "]");
        }
    }
}
