package dev.nostrcache.infra.relay;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.message.RelayFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.List;

/**
 * Pushes a newly stored event to every open subscription it matches (an open Primal request gets its op's answer
 * instead of the event). The event is already stored when this runs,
 * so a failure here is logged and never fails the event's message; a gone connection is removed.
 */
public final class LiveDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(LiveDelivery.class);

    /** What an open Primal request is pushed when an event it watches is stored; null for nothing. */
    @FunctionalInterface
    public interface PrimalPush {
        String render(String op, String pubkey, Event event) throws SQLException;

        PrimalPush NONE = (op, pubkey, event) -> null;
    }

    private final SubscriptionRepository subscriptions;
    private final ConnectionMessenger messenger;
    private final PrimalPush primal;

    public LiveDelivery(SubscriptionRepository subscriptions, ConnectionMessenger messenger, PrimalPush primal) {
        this.subscriptions = subscriptions;
        this.messenger = messenger;
        this.primal = primal;
    }

    /**
     * Delivers each of {@code events}, in order, to the subscriptions it matches (found for the whole batch in one
     * query); returns how many deliveries were made.
     */
    public int deliverAll(List<Event> events) {
        if (events.isEmpty()) {
            return 0;
        }
        List<List<SubscriptionRepository.Match>> matches;
        try {
            matches = subscriptions.matchingEach(events);
        } catch (Exception e) {
            LOG.warn("live delivery of {} events failed: {}", events.size(), e.toString());
            return 0;
        }
        int delivered = 0;
        for (int i = 0; i < events.size(); i++) {
            delivered += deliver(events.get(i), matches.get(i));
        }
        return delivered;
    }

    private int deliver(Event event, List<SubscriptionRepository.Match> matches) {
        int delivered = 0;
        try {
            String json = matches.isEmpty() ? null : event.toJson();
            for (SubscriptionRepository.Match match : matches) {
                String object = match.primalOp() == null ? json : primal.render(match.primalOp(), match.primalPubkey(), event);
                if (object == null) {
                    continue;
                }
                try {
                    if (messenger.send(match.endpoint(), match.connectionId(), RelayFrames.event(match.subscriptionId(), object))) {
                        delivered++;
                    } else {
                        subscriptions.closeConnection(match.connectionId());
                    }
                } catch (RuntimeException e) {
                    LOG.debug("live delivery to {} failed: {}", match.connectionId(), e.toString());
                }
            }
        } catch (Exception e) {
            LOG.warn("live delivery of {} failed: {}", event.id(), e.toString());
        }
        return delivered;
    }
}
