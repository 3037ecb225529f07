package dev.nostrcache.infra.net;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionTest {

    @Test
    void noMoreRunAtOnceThanItHasTurns() throws Exception {
        Admission admission = new Admission(3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            threads.add(Thread.startVirtualThread(() -> admission.run(() -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                sleep(5);
                return running.decrementAndGet();
            })));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(most.get()).isEqualTo(3);
        assertThat(admission.freeTurns()).isEqualTo(3);
    }

    @Test
    void thoseWaitingAreAdmittedInTheOrderTheyCameAndOneComingBackQueuesBehindThem() throws Exception {
        Admission admission = new Admission(1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> admitted = Collections.synchronizedList(new ArrayList<>());
        Thread holder = Thread.startVirtualThread(() -> {
            admission.run(() -> {
                holding.countDown();
                await(release);
                return null;
            });
            // Straight back for more, as a connection's next message would: a pool that lets it barge in starves
            // the others (the tail this admission exists to cut).
            admission.run(() -> admitted.add(-1));
        });
        holding.await();
        List<Thread> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            waiting.add(Thread.startVirtualThread(() -> admission.run(() -> admitted.add(n))));
            // The next one comes only once this one waits in line.
            while (waiting.get(i).getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        release.countDown();
        holder.join();
        for (Thread t : waiting) {
            t.join();
        }
        List<Integer> expected = new ArrayList<>(IntStream.range(0, 20).boxed().toList());
        expected.add(-1);
        assertThat(admitted).containsExactlyElementsOf(expected);
    }

    @Test
    void workWaitingOnAnotherMachineLetsTheNextRunMeanwhile() throws Exception {
        Admission admission = new Admission(1);
        CountDownLatch upstreamAnswers = new CountDownLatch(1);
        CountDownLatch away = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        Thread asking = Thread.startVirtualThread(() -> admission.run(() -> {
            try {
                Admission.awayWhile(() -> {
                    away.countDown();
                    upstreamAnswers.await();
                });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            order.add("asking done");
            return null;
        }));
        away.await();
        Thread other = Thread.startVirtualThread(() -> admission.run(() -> order.add("other done")));
        assertThat(other.join(java.time.Duration.ofSeconds(10))).as("ran while the first waited upstream").isTrue();
        upstreamAnswers.countDown();
        asking.join();
        assertThat(order).containsExactly("other done", "asking done");
        assertThat(admission.freeTurns()).isEqualTo(1);
    }

    @Test
    void awayWhileOutsideAnAdmissionJustWaits() throws Exception {
        AtomicInteger waited = new AtomicInteger();
        Admission.awayWhile(waited::incrementAndGet);
        assertThat(waited.get()).isEqualTo(1);
    }

    @Test
    void aTurnIsGivenBackWhenTheWorkFails() {
        Admission admission = new Admission(1);
        assertThatThrownBy(() -> admission.run(() -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(admission.freeTurns()).isEqualTo(1);
        assertThat(admission.run(() -> "next")).isEqualTo("next");
    }

    @Test
    void atLeastOneTurn() {
        assertThatThrownBy(() -> new Admission(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
