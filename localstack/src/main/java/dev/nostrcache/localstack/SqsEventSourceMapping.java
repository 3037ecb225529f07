package dev.nostrcache.localstack;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.nostrcache.infra.queue.QueueSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What Lambda's SQS event-source mapping does, for one queue and one function: {@code concurrency} pollers each
 * gather up to {@code batchSize} messages within the batching window, invoke the function with the SQS event
 * Lambda sends (as an object: no JSON in between in one process), delete the messages the function did not report
 * in {@code batchItemFailures}, and leave the failed ones to come back (a function that throws fails the whole
 * batch). After {@code maxReceiveCount} receives SQS itself moves a message to the dead-letter queue.
 *
 * <p>Three deviations, for a laptop: a failed message becomes visible again after an exponential delay (base
 * {@code retryBase}, doubling per receive, capped at the visibility timeout) instead of the full visibility timeout;
 * a batch's messages stay hidden while its function runs for at most {@code visibility} (the functions' timeout)
 * rather than the queue's six minutes, so that messages whose receive answer was lost (the queues restarted
 * meanwhile) come back soon; and they are hidden a {@code lease} at a time, renewed while the function runs.
 * ElasticMQ drops a deleted message from its heap only when its receive's visibility has run out (it stays in the
 * queue's priority queue until then): hidden for the whole minute, the messages deleted in the last minute, most of
 * what an import sent, filled the runtime's heap (docs/benchmarks.md, nineteenth).
 *
 * <p>With a {@code deadLetterUrl} (the embedded ElasticMQ), the mapping moves a message that failed its last receive
 * to the dead-letter queue itself, as a new message there and a delete here: ElasticMQ's message store does not
 * record its own dead-letter moves, so after a restart such a message was back in its queue, and one moved back by
 * a redrive came back a second time.
 *
 * <p>An idle queue is long-polled for {@code listen} at a time (Lambda's pollers wait the SQS maximum, 20 s) by one
 * poller, through an SQS client of the mapping's own that {@link #stopPolling} closes, so that waiting receives end
 * at once instead of holding a shutdown for their wait.
 */
final class SqsEventSourceMapping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsEventSourceMapping.class);
    /** What Lambda's pollers wait for an idle queue: the SQS maximum. */
    static final Duration LONG_POLL = Duration.ofSeconds(20);
    /**
     * How long a receive hides its messages, renewed every half of it while the batch is processed: long enough for
     * a batching window (1 s) and a late renewal, short enough that ElasticMQ lets go of deleted messages soon. Each
     * renewal is a write to ElasticMQ's H2 store per message: renewed every 2 s of a 6 s lease, the batches of an
     * import renewed 3,750 messages per 100,000 events, and the JVM's CPU rose by a tenth.
     */
    static final Duration LEASE = Duration.ofSeconds(10);

    private final SqsClient sqs;
    private final SqsClient receiver;
    private final int listenSeconds;
    private final String queueUrl;
    private final String queueArn;
    private final String deadLetterUrl;
    private final QueueSpec spec;
    private final String functionName;
    private final Function<SQSEvent, SQSBatchResponse> function;
    private final Duration retryBase;
    private final int visibilitySeconds;
    private final int leaseSeconds;
    private final ScheduledExecutorService renewals;
    private final List<Thread> pollers = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong receives = new AtomicLong();
    private final AtomicLong failedMessages = new AtomicLong();
    private volatile boolean running = true;
    /** Guards the three counts below: which pollers listen, which wait for a turn. */
    private final Object turns = new Object();
    private boolean listening;
    private int parked;
    private int wakeups;

    /**
     * @param sqs           a client of the local SQS: deletes and dead-letter moves go through it
     * @param receiver      a client of the same SQS for the receives, the mapping's own: {@link #stopPolling} closes it
     * @param deadLetterUrl where this mapping moves a message after its last failed receive; null: SQS does it
     * @param visibility    how long a batch's messages stay hidden while its function runs, at most
     * @param lease         how long a receive, and each renewal while the function runs, hides them (whole seconds)
     * @param listen        how long a receive waits on an idle queue (whole seconds, at most 20)
     */
    SqsEventSourceMapping(SqsClient sqs, SqsClient receiver, String queueUrl, String queueArn, String deadLetterUrl, QueueSpec spec,
                          String functionName, Function<SQSEvent, SQSBatchResponse> function, int concurrency, Duration retryBase,
                          Duration visibility, Duration lease, Duration listen) {
        this.sqs = sqs;
        this.receiver = receiver;
        this.listenSeconds = (int) Math.min(Math.max(1, listen.toSeconds()), LONG_POLL.toSeconds());
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.deadLetterUrl = deadLetterUrl;
        this.spec = spec;
        this.functionName = functionName;
        this.function = function;
        this.retryBase = retryBase;
        this.visibilitySeconds = (int) Math.min(visibility.toSeconds(), spec.visibilityTimeoutSeconds());
        this.leaseSeconds = (int) Math.max(1, Math.min(lease.toSeconds(), visibilitySeconds));
        this.renewals = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("esm-" + spec.name() + "-leases").factory());
        for (int i = 0; i < concurrency; i++) {
            Thread poller = new Thread(this::pollLoop, "esm-" + spec.name() + "-" + i);
            poller.setDaemon(true);
            pollers.add(poller);
            poller.start();
        }
    }

    /** True when no batch is being gathered or processed right now. */
    boolean idle() {
        return busy.get() == 0;
    }

    long invocations() {
        return invocations.get();
    }

    /** Receive calls made so far, empty ones included. */
    long receives() {
        return receives.get();
    }

    long failedMessages() {
        return failedMessages.get();
    }

    /**
     * One poller at a time listens: it long-polls the queue. The others look for a backlog (a receive that does not
     * wait) and, finding none, wait for their turn, so that an idle or slow queue is polled by one poller instead of
     * all of them (profiled: the idle polls of the 32 pollers cost an eighth of the runtime's CPU, and pollers that
     * all waited on a slow queue split its messages into many small invocations). A poller that receives messages
     * wakes a waiting one before it delivers them, so with a backlog every poller soon works, as Lambda's pollers
     * scale up.
     */
    private void pollLoop() {
        while (running) {
            try {
                boolean listener = startListening();
                List<Message> first;
                try {
                    first = receive(Math.min(10, spec.batchSize()), listener ? listenSeconds : 0);
                } finally {
                    if (listener) {
                        stopListening();
                    }
                }
                if (first.isEmpty()) {
                    if (!listener) {
                        awaitTurnWhileAnotherListens();
                    }
                    continue;
                }
                wakeOne();
                busy.incrementAndGet();
                try {
                    deliver(fill(new ArrayList<>(first)));
                } finally {
                    busy.decrementAndGet();
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("{}: polling {} failed: {}", functionName, spec.name(), e.toString());
                    sleep(Duration.ofSeconds(1));
                }
            }
        }
    }

    /** True if this poller is now the one listening; false if another one is. */
    private boolean startListening() {
        synchronized (turns) {
            if (listening) {
                return false;
            }
            listening = true;
            return true;
        }
    }

    private void stopListening() {
        synchronized (turns) {
            listening = false;
        }
    }

    /** Waits until woken, unless nobody listens now (then this poller goes to listen itself). */
    private void awaitTurnWhileAnotherListens() {
        synchronized (turns) {
            if (!listening || !running) {
                return;
            }
            parked++;
            try {
                while (wakeups == 0 && running) {
                    turns.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (wakeups > 0) {
                    wakeups--;
                }
                parked--;
            }
        }
    }

    private void wakeOne() {
        synchronized (turns) {
            if (parked > wakeups) {
                wakeups++;
                turns.notify();
            }
        }
    }

    /** Keeps receiving until the batch is full or the batching window closes. */
    private List<Message> fill(List<Message> batch) {
        long windowEnds = System.nanoTime() + Duration.ofSeconds(spec.batchWindowSeconds()).toNanos();
        while (batch.size() < spec.batchSize() && System.nanoTime() < windowEnds && running) {
            List<Message> more;
            try {
                more = receive(Math.min(10, spec.batchSize() - batch.size()), 0);
            } catch (RuntimeException e) {
                if (running) {
                    throw e;
                }
                break; // stopped meanwhile: the batch so far is still delivered
            }
            if (more.isEmpty()) {
                sleep(Duration.ofMillis(20));
            }
            batch.addAll(more);
        }
        return batch;
    }

    private List<Message> receive(int max, int waitSeconds) {
        receives.incrementAndGet();
        return receiver.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(max).waitTimeSeconds(waitSeconds)
                .visibilityTimeout(leaseSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
    }

    private void deliver(List<Message> batch) {
        invocations.incrementAndGet();
        Set<String> failed = new HashSet<>();
        LeaseRenewal renewing = renewLeases(batch);
        try {
            SQSBatchResponse response = function.apply(event(batch));
            if (response != null && response.getBatchItemFailures() != null) {
                response.getBatchItemFailures().forEach(failure -> failed.add(failure.getItemIdentifier()));
            }
        } catch (Exception e) {
            LOG.warn("{}: invocation failed, the whole batch of {} will be retried: {}", functionName, batch.size(), e.toString());
            batch.forEach(m -> failed.add(m.messageId()));
        } finally {
            renewing.stop();
        }
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (Message m : batch) {
            if (failed.contains(m.messageId())) {
                retryLater(m);
            } else {
                done.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(done.size())).receiptHandle(m.receiptHandle()).build());
            }
        }
        failedMessages.addAndGet(failed.size());
        for (int i = 0; i < done.size(); i += 10) {
            List<DeleteMessageBatchRequestEntry> chunk = done.subList(i, Math.min(done.size(), i + 10));
            sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(chunk));
        }
    }

    /**
     * Hides the batch's messages for another lease every half of one while its function runs, until the batch has
     * been hidden for {@code visibility} in all: then they come back, as after a function's timeout.
     */
    private LeaseRenewal renewLeases(List<Message> batch) {
        LeaseRenewal renewal = new LeaseRenewal(batch, System.nanoTime() + TimeUnit.SECONDS.toNanos(visibilitySeconds - leaseSeconds));
        long period = Math.max(1, TimeUnit.SECONDS.toMillis(leaseSeconds) / 2);
        renewal.schedule = renewals.scheduleAtFixedRate(renewal, period, period, TimeUnit.MILLISECONDS);
        return renewal;
    }

    /** One batch's renewals; once stopped none is under way, so none overwrites a failed message's retry delay. */
    private final class LeaseRenewal implements Runnable {
        private final List<Message> batch;
        private final long lastRenewal;
        private ScheduledFuture<?> schedule;
        private boolean stopped;

        LeaseRenewal(List<Message> batch, long lastRenewal) {
            this.batch = batch;
            this.lastRenewal = lastRenewal;
        }

        @Override
        public synchronized void run() {
            if (stopped || System.nanoTime() - lastRenewal > 0) {
                return;
            }
            for (Message m : batch) {
                try {
                    sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout(leaseSeconds));
                } catch (RuntimeException e) {
                    LOG.debug("{}: could not renew the lease of {}: {}", functionName, m.messageId(), e.toString());
                }
            }
        }

        synchronized void stop() {
            stopped = true;
            schedule.cancel(false);
        }
    }

    private void retryLater(Message m) {
        int receives = Integer.parseInt(m.attributes().getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
        if (deadLetterUrl != null && receives >= spec.maxReceiveCount()) {
            try {
                sqs.sendMessage(r -> r.queueUrl(deadLetterUrl).messageBody(m.body()).messageAttributes(m.messageAttributes()));
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                LOG.warn("{}: message {} failed {} times and went to the dead-letter queue", functionName, m.messageId(), receives);
            } catch (RuntimeException e) {
                LOG.warn("{}: could not move message {} to the dead-letter queue: {}", functionName, m.messageId(), e.toString());
            }
            return;
        }
        long delay = Math.min(retryBase.toSeconds() << Math.min(receives - 1, 20), spec.visibilityTimeoutSeconds());
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(m.receiptHandle()).visibilityTimeout((int) delay));
        } catch (RuntimeException e) {
            LOG.debug("could not shorten the visibility of {}: {}", m.messageId(), e.toString());
        }
    }

    /** The event Lambda sends (its JSON form is tested against the Lambda artifact; here it is handed over as is). */
    private SQSEvent event(List<Message> batch) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (Message m : batch) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(m.messageId());
            record.setReceiptHandle(m.receiptHandle());
            record.setBody(m.body());
            record.setMd5OfBody(m.md5OfBody());
            record.setMd5OfMessageAttributes(m.md5OfMessageAttributes());
            Map<String, String> attributes = new HashMap<>();
            m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
            record.setAttributes(attributes);
            Map<String, SQSEvent.MessageAttribute> messageAttributes = new HashMap<>();
            m.messageAttributes().forEach((k, v) -> {
                SQSEvent.MessageAttribute a = new SQSEvent.MessageAttribute();
                a.setStringValue(v.stringValue());
                a.setDataType(v.dataType());
                messageAttributes.put(k, a);
            });
            record.setMessageAttributes(messageAttributes);
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queueArn);
            record.setAwsRegion(LocalAws.REGION);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the pollers finish their current receive and stop; {@link #close} then waits for them. */
    void stopPolling() {
        running = false;
        synchronized (turns) {
            turns.notifyAll();
        }
        // Closing the receiver ends its waiting receives at once.
        receiver.close();
    }

    @Override
    public void close() throws InterruptedException {
        stopPolling();
        for (Thread poller : pollers) {
            poller.join(5_000);
        }
        renewals.shutdownNow();
    }
}
