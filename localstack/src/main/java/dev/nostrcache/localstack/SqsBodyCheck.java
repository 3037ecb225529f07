package dev.nostrcache.localstack;

import dev.nostrcache.core.Utf8;
import dev.nostrcache.infra.queue.EventBundle;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SqsException;

import java.util.Map;

/**
 * SQS's rules for what a message holds, checked on the local clients before a send leaves them, so that a message
 * SQS on AWS would refuse fails here too (the in-process {@link ElasticMqClient} calls it as well): the characters of its body, and its size (body and attributes, at most
 * 256 KiB, for a batch in total). The embedded ElasticMQ does not check these itself ({@link EmbeddedSqsService}: its
 * check cost 30 ns a character, 0.7 ms for a contact list's message).
 */
final class SqsBodyCheck implements ExecutionInterceptor {
    /** SQS's limit for one message and for the payload of one batch call. */
    static final int MAX_BYTES = 256 * 1024;

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        check(context.request());
    }

    /** Throws the {@link SqsException} SQS would answer if {@code request} sends a message SQS refuses. */
    static void check(SdkRequest request) {
        if (request instanceof SendMessageRequest send) {
            checkSize(checkedSize(send.messageBody(), send.messageAttributes()), "the message");
        } else if (request instanceof SendMessageBatchRequest batch) {
            long total = 0;
            for (SendMessageBatchRequestEntry entry : batch.entries()) {
                total += checkedSize(entry.messageBody(), entry.messageAttributes());
            }
            checkSize(total, "the batch's messages together");
        }
    }

    /** The message's size as SQS counts it, once its body's characters are found acceptable. */
    private static long checkedSize(String body, Map<String, MessageAttributeValue> messageAttributes) {
        if (body == null) {
            return 0;
        }
        long size = EventBundle.sqsBytes(body);
        if (size < 0) {
            throw refused("InvalidMessageContents", "Invalid characters found in the message body: SQS takes tab,"
                    + " newline, carriage return, U+0020 to U+D7FF, U+E000 to U+FFFD and U+10000 up");
        }
        for (Map.Entry<String, MessageAttributeValue> attribute : messageAttributes.entrySet()) {
            MessageAttributeValue value = attribute.getValue();
            size += Utf8.length(attribute.getKey()) + length(value.dataType()) + length(value.stringValue())
                    + (value.binaryValue() == null ? 0 : value.binaryValue().asByteArray().length);
        }
        return size;
    }

    private static void checkSize(long bytes, String what) {
        if (bytes > MAX_BYTES) {
            throw refused("InvalidParameterValue", "One or more parameters are invalid. Reason: " + what + " must be"
                    + " at most " + MAX_BYTES + " bytes, not " + bytes);
        }
    }

    private static int length(String s) {
        return s == null ? 0 : Utf8.length(s);
    }

    static SqsException refused(String code, String message) {
        return (SqsException) SqsException.builder().statusCode(400).message(message).awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).serviceName("Sqs").errorMessage(message).build()).build();
    }
}
