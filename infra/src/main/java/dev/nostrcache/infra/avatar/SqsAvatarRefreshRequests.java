package dev.nostrcache.infra.avatar;

import dev.nostrcache.core.event.EventJson;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends refresh requests to the avatars queue as {@code {"pubkey":..,"url":..,"reason":"profile-changed"}}. */
public final class SqsAvatarRefreshRequests implements AvatarRefreshRequests {
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsAvatarRefreshRequests(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void pictureChanged(String pubkey, String pictureUrl) {
        StringBuilder body = new StringBuilder("{\"pubkey\":");
        EventJson.appendString(body, pubkey);
        body.append(",\"url\":");
        EventJson.appendString(body, pictureUrl);
        body.append(",\"reason\":\"profile-changed\"}");
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body.toString()));
    }
}
