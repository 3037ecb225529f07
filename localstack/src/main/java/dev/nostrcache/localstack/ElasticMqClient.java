package dev.nostrcache.localstack;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.AfterMillisNextDelivery;
import org.elasticmq.BinaryMessageAttribute;
import org.elasticmq.DefaultVisibilityTimeout$;
import org.elasticmq.DeliveryReceipt;
import org.elasticmq.ImmediateNextDelivery$;
import org.elasticmq.MessageAttribute;
import org.elasticmq.MessageContent;
import org.elasticmq.MessageData;
import org.elasticmq.MillisVisibilityTimeout;
import org.elasticmq.NewMessageData;
import org.elasticmq.NextDelivery;
import org.elasticmq.NumberMessageAttribute;
import org.elasticmq.OnDateTimeReceived;
import org.elasticmq.StringMessageAttribute;
import org.elasticmq.VisibilityTimeout;
import org.elasticmq.QueueStatistics;
import org.elasticmq.msg.DeleteMessage;
import org.elasticmq.msg.GetQueueStatistics;
import org.elasticmq.msg.LookupQueue;
import org.elasticmq.msg.ReceiveMessages;
import org.elasticmq.msg.SendMessage;
import org.elasticmq.msg.UpdateVisibilityTimeout;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.util.Either;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.DeleteQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteQueueResponse;
import software.amazon.awssdk.services.sqs.model.EmptyBatchRequestException;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;
import software.amazon.awssdk.services.sqs.model.TooManyEntriesInBatchRequestException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * An SQS client for code in the same process as the embedded ElasticMQ: sends, receives, deletes and visibility
 * changes go to ElasticMQ's queue actors as the messages its HTTP server would send them, without HTTP, JSON and
 * SigV4 on both sides (profiled: the SDK, Pekko HTTP and spray-json were 43 % of the runtime's CPU while it imported
 * the benchmark corpus). The queues are the same actors, so visibility, receive counts, redrive and the H2 store
 * behave exactly as they do behind the HTTP endpoint; creating, listing and deleting queues, looking up their URLs
 * and reading their attributes go through that endpoint with the SDK, and any other call is refused as unsupported
 * (the interface's default). Queue actors are looked up once by name: a queue deleted by another client than this
 * one is not noticed (the runtime deletes none). The SDK's exceptions are kept: an unknown queue is a
 * {@link QueueDoesNotExistException}, a stale receipt a {@link ReceiptHandleIsInvalidException}, a message SQS would
 * refuse the same {@link SqsException} as {@link SqsBodyCheck} throws on the HTTP clients, and ElasticMQ stopped (or
 * restarting) an {@link SdkClientException}, as a refused connection is.
 *
 * <p>Closing the client fails its waiting receives at once, as closing an HTTP client's connections does; a stop of
 * ElasticMQ fails the calls waiting on it.
 */
final class ElasticMqClient implements SqsClient {
    /** How long a call that does not wait for messages may take before it counts as a lost connection. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BATCH_ENTRIES = 10;
    private static final List<String> ALL_SYSTEM_ATTRIBUTES = List.of(
            MessageSystemAttributeName.SENDER_ID.toString(), MessageSystemAttributeName.SENT_TIMESTAMP.toString(),
            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT.toString(),
            MessageSystemAttributeName.APPROXIMATE_FIRST_RECEIVE_TIMESTAMP.toString());

    /** The queue manager of the running ElasticMQ, or null while it is stopped. */
    private final Supplier<ActorRef> manager;
    private final SqsClient http;
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    /** Queue actors by name, for the manager they were looked up from (a restart brings new ones). */
    private volatile QueueActors queues = new QueueActors(null);
    private volatile boolean closed;

    private record QueueActors(ActorRef manager, Map<String, ActorRef> byName) {
        QueueActors(ActorRef manager) {
            this(manager, new ConcurrentHashMap<>());
        }
    }

    /**
     * @param manager the queue manager actor of the running ElasticMQ, null while it is stopped
     * @param http    a client of the same ElasticMQ's HTTP endpoint, for the calls not sent to the actors; closed
     *                with this one
     */
    ElasticMqClient(Supplier<ActorRef> manager, SqsClient http) {
        this.manager = manager;
        this.http = http;
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        SqsBodyCheck.check(request);
        MessageData sent = ask(queue(request.queueUrl()), new SendMessage(newMessage(request.messageBody(),
                request.messageAttributes(), request.delaySeconds())), CALL_TIMEOUT);
        return SendMessageResponse.builder().messageId(sent.id().id()).md5OfMessageBody(md5(request.messageBody()))
                .build();
    }

    @Override
    public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
        checkBatch(request.entries().stream().map(SendMessageBatchRequestEntry::id).toList());
        SqsBodyCheck.check(request);
        ActorRef queue = queue(request.queueUrl());
        List<CompletableFuture<MessageData>> sends = new ArrayList<>();
        for (SendMessageBatchRequestEntry entry : request.entries()) {
            sends.add(send(queue, new SendMessage(newMessage(entry.messageBody(), entry.messageAttributes(),
                    entry.delaySeconds()))));
        }
        List<SendMessageBatchResultEntry> successful = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (int i = 0; i < sends.size(); i++) {
            SendMessageBatchRequestEntry entry = request.entries().get(i);
            try {
                MessageData sent = await(sends.get(i), CALL_TIMEOUT);
                successful.add(SendMessageBatchResultEntry.builder().id(entry.id()).messageId(sent.id().id())
                        .md5OfMessageBody(md5(entry.messageBody())).build());
            } catch (SqsException e) {
                failed.add(BatchResultErrorEntry.builder().id(entry.id()).senderFault(false)
                        .code(e.awsErrorDetails().errorCode()).message(e.getMessage()).build());
            }
        }
        return SendMessageBatchResponse.builder().successful(successful).failed(failed).build();
    }

    @Override
    public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
        int max = request.maxNumberOfMessages() == null ? 1 : request.maxNumberOfMessages();
        if (max < 1 || max > MAX_BATCH_ENTRIES) {
            throw refused("InvalidParameterValue", "MaxNumberOfMessages must be between 1 and 10, not " + max);
        }
        int waitSeconds = request.waitTimeSeconds() == null ? 0 : request.waitTimeSeconds();
        if (waitSeconds < 0 || waitSeconds > SqsEventSourceMapping.LONG_POLL.toSeconds()) {
            throw refused("InvalidParameterValue", "WaitTimeSeconds must be between 0 and 20, not " + waitSeconds);
        }
        VisibilityTimeout visibility = request.visibilityTimeout() == null ? DefaultVisibilityTimeout$.MODULE$
                : MillisVisibilityTimeout.fromSeconds(request.visibilityTimeout());
        Option<Duration> wait = request.waitTimeSeconds() == null ? Option.empty()
                : Option.apply(Duration.ofSeconds(waitSeconds));
        scala.collection.immutable.List<MessageData> received = ask(queue(request.queueUrl()),
                new ReceiveMessages(visibility, max, wait, Option.empty()), CALL_TIMEOUT.plusSeconds(waitSeconds));
        Set<String> systemAttributes = systemAttributesAsked(request);
        boolean allMessageAttributes = request.messageAttributeNames().stream().anyMatch(n -> n.equals("All") || n.equals(".*"));
        List<Message> messages = new ArrayList<>();
        for (MessageData m : CollectionConverters.asJava(received)) {
            messages.add(message(m, systemAttributes, allMessageAttributes ? null : new HashSet<>(request.messageAttributeNames())));
        }
        return ReceiveMessageResponse.builder().messages(messages).build();
    }

    @Override
    public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
        askAboutReceipt(request.queueUrl(), request.receiptHandle(), new DeleteMessage(new DeliveryReceipt(request.receiptHandle())));
        return DeleteMessageResponse.builder().build();
    }

    @Override
    public DeleteMessageBatchResponse deleteMessageBatch(DeleteMessageBatchRequest request) {
        checkBatch(request.entries().stream().map(DeleteMessageBatchRequestEntry::id).toList());
        ActorRef queue = queue(request.queueUrl());
        List<CompletableFuture<Either<?, ?>>> deletes = new ArrayList<>();
        for (DeleteMessageBatchRequestEntry entry : request.entries()) {
            deletes.add(send(queue, new DeleteMessage(new DeliveryReceipt(entry.receiptHandle()))));
        }
        List<DeleteMessageBatchResultEntry> successful = new ArrayList<>();
        List<BatchResultErrorEntry> failed = new ArrayList<>();
        for (int i = 0; i < deletes.size(); i++) {
            DeleteMessageBatchRequestEntry entry = request.entries().get(i);
            if (await(deletes.get(i), CALL_TIMEOUT).isLeft()) {
                failed.add(BatchResultErrorEntry.builder().id(entry.id()).senderFault(true).code("ReceiptHandleIsInvalid")
                        .message(invalidReceipt(entry.receiptHandle()).getMessage()).build());
            } else {
                successful.add(DeleteMessageBatchResultEntry.builder().id(entry.id()).build());
            }
        }
        return DeleteMessageBatchResponse.builder().successful(successful).failed(failed).build();
    }

    @Override
    public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
        askAboutReceipt(request.queueUrl(), request.receiptHandle(), new UpdateVisibilityTimeout(
                new DeliveryReceipt(request.receiptHandle()), MillisVisibilityTimeout.fromSeconds(request.visibilityTimeout())));
        return ChangeMessageVisibilityResponse.builder().build();
    }

    /**
     * Messages waiting in a queue to be received: visible and delayed, not those in flight. Asked of its actor, as
     * {@link QueueBacklog} does ten times a second while producers wait (the HTTP endpoint's attributes cost more).
     */
    long waitingMessages(String queueUrl) {
        QueueStatistics statistics = ask(queue(queueUrl), new GetQueueStatistics(System.currentTimeMillis()), CALL_TIMEOUT);
        return statistics.approximateNumberOfVisibleMessages() + statistics.approximateNumberOfMessagesDelayed();
    }

    /** ElasticMQ answers a call about a receipt that is not its message's latest (or of no message) with a Left. */
    private void askAboutReceipt(String queueUrl, String receiptHandle, Object message) {
        Either<?, ?> answer = ask(queue(queueUrl), message, CALL_TIMEOUT);
        if (answer.isLeft()) {
            throw invalidReceipt(receiptHandle);
        }
    }

    @Override
    public CreateQueueResponse createQueue(CreateQueueRequest request) {
        return http.createQueue(request);
    }

    @Override
    public DeleteQueueResponse deleteQueue(DeleteQueueRequest request) {
        DeleteQueueResponse deleted = http.deleteQueue(request);
        queues.byName().remove(queueName(request.queueUrl()));
        return deleted;
    }

    @Override
    public GetQueueUrlResponse getQueueUrl(GetQueueUrlRequest request) {
        return http.getQueueUrl(request);
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        return http.getQueueAttributes(request);
    }

    @Override
    public ListQueuesResponse listQueues(ListQueuesRequest request) {
        return http.listQueues(request);
    }

    @Override
    public SqsServiceClientConfiguration serviceClientConfiguration() {
        return http.serviceClientConfiguration();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /** Ends every call still waiting on ElasticMQ as a lost connection would: ElasticMQ stops, or this client closes. */
    void failWaitingCalls(String why) {
        for (CompletableFuture<?> call : waiting) {
            call.completeExceptionally(SdkClientException.create(why));
        }
    }

    @Override
    public void close() {
        closed = true;
        failWaitingCalls("the SQS client was closed");
        http.close();
    }

    private ActorRef queue(String queueUrl) {
        ActorRef current = runningManager();
        QueueActors known = queues;
        if (known.manager() != current) {
            known = new QueueActors(current);
            queues = known;
        }
        String name = queueName(queueUrl);
        ActorRef queue = known.byName().get(name);
        if (queue == null) {
            Option<ActorRef> found = ask(current, new LookupQueue(name), CALL_TIMEOUT);
            if (found.isEmpty()) {
                throw error(QueueDoesNotExistException.builder(), 400, "AWS.SimpleQueueService.NonExistentQueue",
                        "The specified queue does not exist: " + queueUrl);
            }
            queue = found.get();
            known.byName().put(name, queue);
        }
        return queue;
    }

    private static String queueName(String queueUrl) {
        return queueUrl == null ? "" : queueUrl.substring(queueUrl.lastIndexOf('/') + 1);
    }

    private ActorRef runningManager() {
        if (closed) {
            throw new IllegalStateException("the SQS client was closed");
        }
        ActorRef current = manager.get();
        if (current == null) {
            throw SdkClientException.create("Unable to execute the call: the embedded ElasticMQ is not running");
        }
        return current;
    }

    private <T> T ask(ActorRef actor, Object message, Duration timeout) {
        return await(send(actor, message), timeout);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> send(ActorRef actor, Object message) {
        CompletableFuture<T> call = new CompletableFuture<>();
        waiting.add(call);
        call.whenComplete((reply, failure) -> waiting.remove(call));
        if (closed) {
            call.completeExceptionally(new IllegalStateException("the SQS client was closed"));
            return call;
        }
        // Pekko's own timeout is a backstop: await's is the one that counts, and a stop of ElasticMQ ends the call first.
        Patterns.ask(actor, message, CALL_TIMEOUT.multipliedBy(2).plus(SqsEventSourceMapping.LONG_POLL))
                .whenComplete((reply, failure) -> {
                    if (failure != null) {
                        call.completeExceptionally(failure);
                    } else {
                        call.complete((T) reply);
                    }
                });
        return call;
    }

    private static <T> T await(CompletableFuture<T> call, Duration timeout) {
        try {
            return call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SdkClientException.create("interrupted while waiting for ElasticMQ", e);
        } catch (TimeoutException e) {
            throw SdkClientException.create("ElasticMQ did not answer within " + timeout.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime && (cause instanceof SdkClientException || cause instanceof SqsException
                    || cause instanceof IllegalStateException)) {
                throw runtime;
            }
            throw SdkClientException.create("ElasticMQ failed the call: " + cause, cause);
        }
    }

    private static NewMessageData newMessage(String body, Map<String, MessageAttributeValue> attributes, Integer delaySeconds) {
        if (delaySeconds != null && (delaySeconds < 0 || delaySeconds > 900)) {
            throw refused("InvalidParameterValue", "DelaySeconds must be >= 0 and <= 900");
        }
        NextDelivery delivery = delaySeconds == null ? ImmediateNextDelivery$.MODULE$
                : new AfterMillisNextDelivery(delaySeconds * 1000L);
        scala.collection.immutable.Map<String, MessageAttribute> converted = scala.collection.immutable.Map$.MODULE$.empty();
        for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
            converted = converted.updated(a.getKey(), attribute(a.getKey(), a.getValue()));
        }
        return new NewMessageData(Option.empty(), new MessageContent(body), converted, delivery, Option.empty(),
                Option.empty(), 0, Option.empty(), Option.empty(), Option.empty());
    }

    private static MessageAttribute attribute(String name, MessageAttributeValue value) {
        String dataType = value.dataType() == null ? "" : value.dataType();
        int dot = dataType.indexOf('.');
        String primary = dot < 0 ? dataType : dataType.substring(0, dot);
        Option<String> custom = dot < 0 ? Option.empty() : Option.apply(dataType.substring(dot + 1));
        return switch (primary) {
            case "String" -> new StringMessageAttribute(value.stringValue(), custom);
            case "Number" -> new NumberMessageAttribute(value.stringValue(), custom);
            case "Binary" -> BinaryMessageAttribute.fromByteBuffer(value.binaryValue().asByteBuffer(), custom);
            default -> throw refused("InvalidParameterValue", "The message attribute '" + name
                    + "' has an invalid message attribute type '" + dataType + "'");
        };
    }

    private static Message message(MessageData m, Set<String> systemAttributes, Set<String> messageAttributeNames) {
        Map<String, String> attributes = new HashMap<>();
        for (String name : systemAttributes) {
            String value = switch (name) {
                case "SenderId" -> "127.0.0.1";
                case "SentTimestamp" -> Long.toString(m.created().toInstant().toEpochMilli());
                case "ApproximateReceiveCount" -> Integer.toString(m.statistics().approximateReceiveCount());
                case "ApproximateFirstReceiveTimestamp" -> Long.toString(
                        m.statistics().approximateFirstReceive() instanceof OnDateTimeReceived r
                                ? r.when().toInstant().toEpochMilli() : 0);
                default -> null;
            };
            if (value != null) {
                attributes.put(name, value);
            }
        }
        TreeMap<String, MessageAttributeValue> messageAttributes = new TreeMap<>();
        for (var a : CollectionConverters.asJava(m.messageAttributes()).entrySet()) {
            if (messageAttributeNames == null || messageAttributeNames.contains(a.getKey())) {
                messageAttributes.put(a.getKey(), attributeValue(a.getValue()));
            }
        }
        String body = m.content().value();
        return Message.builder()
                .messageId(m.id().id())
                .receiptHandle(m.deliveryReceipt().get().receipt())
                .body(body)
                .md5OfBody(md5(body))
                .attributesWithStrings(attributes)
                .messageAttributes(messageAttributes)
                .md5OfMessageAttributes(messageAttributes.isEmpty() ? null : md5(messageAttributes))
                .build();
    }

    private static MessageAttributeValue attributeValue(MessageAttribute a) {
        MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(a.getDataType());
        if (a instanceof StringMessageAttribute s) {
            value.stringValue(s.stringValue());
        } else if (a instanceof NumberMessageAttribute n) {
            value.stringValue(n.stringValue());
        } else if (a instanceof BinaryMessageAttribute b) {
            value.binaryValue(SdkBytes.fromByteArray((byte[]) b.binaryValue().toArray(scala.reflect.ClassTag$.MODULE$.Byte())));
        }
        return value.build();
    }

    private static Set<String> systemAttributesAsked(ReceiveMessageRequest request) {
        Set<String> names = new HashSet<>(request.messageSystemAttributeNamesAsStrings());
        names.addAll(request.attributeNamesAsStrings());
        return names.contains("All") ? new HashSet<>(ALL_SYSTEM_ATTRIBUTES) : names;
    }

    private static void checkBatch(List<String> ids) {
        if (ids.isEmpty()) {
            throw error(EmptyBatchRequestException.builder(), 400, "AWS.SimpleQueueService.EmptyBatchRequest",
                    "There should be at least one entry in the request");
        }
        if (ids.size() > MAX_BATCH_ENTRIES) {
            throw error(TooManyEntriesInBatchRequestException.builder(), 400,
                    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
                    "Maximum number of entries per request are " + MAX_BATCH_ENTRIES + ", not " + ids.size());
        }
        if (new HashSet<>(ids).size() != ids.size()) {
            throw error(BatchEntryIdsNotDistinctException.builder(), 400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
                    "Two or more batch entries in the request have the same Id");
        }
    }

    private static ReceiptHandleIsInvalidException invalidReceipt(String receiptHandle) {
        return error(ReceiptHandleIsInvalidException.builder(), 404, "ReceiptHandleIsInvalid",
                "The receipt handle \"" + receiptHandle + "\" is not valid.");
    }

    private static SqsException refused(String code, String message) {
        return SqsBodyCheck.refused(code, message);
    }

    @SuppressWarnings("unchecked")
    private static <T extends SqsException> T error(SqsException.Builder builder, int status, String code, String message) {
        return (T) builder.statusCode(status).message(message).awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .serviceName("Sqs").errorMessage(message).build()).build();
    }

    private static String md5(String body) {
        return HexFormat.of().formatHex(md5Digest().digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** SQS's digest of message attributes: each, by name, as length-prefixed name, type, transport byte and value. */
    private static String md5(TreeMap<String, MessageAttributeValue> attributes) {
        MessageDigest digest = md5Digest();
        for (Map.Entry<String, MessageAttributeValue> a : attributes.entrySet()) {
            MessageAttributeValue value = a.getValue();
            lengthPrefixed(digest, a.getKey().getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(digest, value.dataType().getBytes(StandardCharsets.UTF_8));
            if (value.binaryValue() != null) {
                digest.update((byte) 2);
                lengthPrefixed(digest, value.binaryValue().asByteArray());
            } else {
                digest.update((byte) 1);
                lengthPrefixed(digest, value.stringValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void lengthPrefixed(MessageDigest digest, byte[] bytes) {
        digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest md5Digest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
