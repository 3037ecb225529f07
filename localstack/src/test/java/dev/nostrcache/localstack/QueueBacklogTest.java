package dev.nostrcache.localstack;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The producers' hold: room at once under the limit, held at it, let go when the queues drain or the runtime stops. */
class QueueBacklogTest {
    private static final long WAIT_MS = 20 * QueueBacklog.POLL.toMillis();

    @Test
    void producersAreHeldWhileTheQueuesHoldTheLimitAndLetGoWhenTheyDrain() throws Exception {
        AtomicLong waiting = new AtomicLong();
        try (QueueBacklog backlog = new QueueBacklog(waiting::get, 1_000)) {
            assertThat(backlog.room()).as("under the limit").isDone();

            waiting.set(1_000);
            awaitHeld(backlog);
            CompletableFuture<Void> held = backlog.room();
            Thread.sleep(5 * QueueBacklog.POLL.toMillis());
            assertThat(held).as("still at the limit").isNotDone();

            waiting.set(999);
            held.get(WAIT_MS, TimeUnit.MILLISECONDS);
            assertThat(backlog.held()).isZero();
            assertThat(backlog.room()).isDone();
        }
    }

    @Test
    void whileTheDepthCannotBeMeasuredProducersStayHeldAndClosingLetsThemGo() throws Exception {
        AtomicLong waiting = new AtomicLong(5_000);
        AtomicBoolean failing = new AtomicBoolean();
        QueueBacklog backlog = new QueueBacklog(() -> {
            if (failing.get()) {
                throw new IllegalStateException("ElasticMQ is restarting");
            }
            return waiting.get();
        }, 1_000);
        awaitHeld(backlog);
        failing.set(true);
        waiting.set(0);
        CompletableFuture<Void> held = backlog.room();
        Thread.sleep(5 * QueueBacklog.POLL.toMillis());
        assertThat(held).as("the depth is unknown: the producer keeps waiting").isNotDone();

        backlog.close();
        assertThat(held).as("a stop lets every producer go").isDone();
        assertThat(backlog.room()).as("and holds no one after it").isDone();
    }

    /** Asks until a measurement has found the limit reached and a producer is held. */
    private static void awaitHeld(QueueBacklog backlog) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (backlog.room().isDone()) {
            assertThat(System.currentTimeMillis()).as("the limit was never seen").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
