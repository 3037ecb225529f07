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
 * Primal cache requests on a relay connection: one EVENT per object, then EOSE; a refusal as Primal's three-element
 * NOTICE, then EOSE. A one-shot request is finished at its EOSE and stored nowhere (Android clients never CLOSE
 * them); only a request that stays open (notification_counts) is a subscription, counted against the cap until CLOSE.
 */
public final class PrimalRequests implements CacheRequests {
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
                }
                for (String object : answer.objects()) {
                    reply.send(RelayFrames.event(sub, object));
                }
                if (!answer.eoseFirst()) {
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
