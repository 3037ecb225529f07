package dev.nostrcache.infra.primal;

import dev.nostrcache.core.Limits;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.message.ClientMessage;
import dev.nostrcache.core.message.RelayFrames;
import dev.nostrcache.infra.relay.CacheRequests;
import dev.nostrcache.infra.relay.ConnectionReply;
import dev.nostrcache.infra.relay.SubscriptionRepository;
import io.micrometer.core.instrument.MeterRegistry;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Primal cache requests on a relay connection: one EVENT per object, then EOSE, or, once the connection asked
 * {@code set_primal_protocol} for compression (Primal's clients do), the objects in {@code EVENTS} batches of at most
 * {@value #MAX_BATCH_BYTES} bytes, then EOSE: a feed is then one or two frames (one or two {@code PostToConnection}
 * calls on AWS) instead of some sixty. The batches stay uncompressed text, which API Gateway can send and Primal's
 * clients read. Pushes after EOSE (async ops, live counts) stay single EVENTs. A refusal is Primal's three-element
 * NOTICE, then EOSE. A one-shot request is finished at its EOSE and stored nowhere (Android clients never CLOSE
 * them); only a request that stays open (notification_counts) is a subscription, counted against the cap until CLOSE.
 */
public final class PrimalRequests implements CacheRequests {
    /** API Gateway's WebSocket frame limit (128 KiB), which a batch must fit. */
    static final int MAX_BATCH_BYTES = 128 * 1024;

    private final PrimalApi api;
    private final SubscriptionRepository subscriptions;
    private final MeterRegistry metrics;
    private final Limits limits;

    public PrimalRequests(PrimalApi api, SubscriptionRepository subscriptions, MeterRegistry metrics, Limits limits) {
        this.api = api;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.limits = limits;
    }

    @Override
    public void answer(ClientMessage.CacheRequest request, ConnectionReply reply) throws SQLException {
        String sub = request.subscriptionId();
        if (request.op().equals("set_primal_protocol") && request.params() != null
                && request.params().path("compression").isString()) {
            reply.batchPrimalAnswers();
        }
        PrimalApi.Result result;
        try {
            result = api.answer(request.op(), request.params());
        } catch (PrimalException e) {
            count(request.op(), "notice");
            refuse(reply, sub, e.getMessage());
            return;
        }
        switch (result) {
            case PrimalApi.Result.Unknown unknown -> {
                count("unknown", "unknown");
                refuse(reply, sub, "unknown api request");
            }
            case PrimalApi.Result.Objects answer -> {
                count(request.op(), "ok");
                if (answer.notifyPubkey() != null) {
                    Filter tagged = new Filter(null, null, null, Map.of("p", Set.of(answer.notifyPubkey())), null, null,
                            null, null);
                    var opened = subscriptions.subscribe(reply.connectionId(), sub, List.of(tagged),
                            limits.maxSubscriptions(), request.op(), answer.notifyPubkey());
                    if (opened == SubscriptionRepository.Subscribed.TOO_MANY) {
                        refuse(reply, sub, "too many subscriptions");
                        return;
                    }
                }
                if (answer.eoseFirst()) {
                    reply.send(RelayFrames.eose(sub));
                    answer.objects().forEach(object -> reply.send(RelayFrames.event(sub, object)));
                } else if (reply.primalBatches()) {
                    RelayFrames.events(sub, answer.objects(), MAX_BATCH_BYTES).forEach(reply::send);
                    reply.send(RelayFrames.eose(sub));
                } else {
                    answer.objects().forEach(object -> reply.send(RelayFrames.event(sub, object)));
                    reply.send(RelayFrames.eose(sub));
                }
            }
        }
    }

    private void count(String op, String result) {
        metrics.counter("nostr_cache.primal_requests", "op", op, "result", result).increment();
    }

    private static void refuse(ConnectionReply reply, String sub, String reason) {
        reply.send(RelayFrames.notice(sub, reason));
        reply.send(RelayFrames.eose(sub));
    }
}
