package dev.nostrcache.infra.ws;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a newly stored event to every open subscription it matches. The event is already stored when this runs,
 * so a failure here is logged and never fails the event's message; a gone connection is removed.
 */
public final class LiveDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(LiveDelivery.class);

    private final SubscriptionRepository subscriptions;
    private final ConnectionMessenger messenger;

    public LiveDelivery(SubscriptionRepository subscriptions, ConnectionMessenger messenger) {
        this.subscriptions = subscriptions;
        this.messenger = messenger;
    }

    /** Returns how many subscriptions received the event. */
    public int deliver(Event event) {
        int delivered = 0;
        try {
            String json = event.toJson();
            for (SubscriptionRepository.Match match : subscriptions.matching(event)) {
                StringBuilder message = new StringBuilder("[\"EVENT\",");
                EventJson.appendString(message, match.subscriptionId());
                message.append(',').append(json).append(']');
                try {
                    if (messenger.send(match.endpoint(), match.connectionId(), message.toString())) {
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
