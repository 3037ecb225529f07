package dev.nostrcache.infra.aws;

import dev.nostrcache.infra.avatar.AvatarQueue;
import dev.nostrcache.infra.avatar.AvatarRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.util.ArrayList;
import java.util.List;

/** The avatars queue on SQS: requests as JSON bodies ({@link AvatarRequest#toJson()}), ten to a batch call. */
public final class SqsAvatarQueue implements AvatarQueue {
    private static final int SQS_BATCH = 10;
    private final SqsClient sqs;
    private final String queueUrl;

    public SqsAvatarQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(List<AvatarRequest> requests) {
        for (int from = 0; from < requests.size(); from += SQS_BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            List<AvatarRequest> chunk = requests.subList(from, Math.min(requests.size(), from + SQS_BATCH));
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(chunk.get(i).toJson()).build());
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                BatchResultErrorEntry first = response.failed().getFirst();
                throw new IllegalStateException(response.failed().size() + " avatar requests were not queued: "
                        + first.code() + " " + first.message());
            }
        }
    }
}
