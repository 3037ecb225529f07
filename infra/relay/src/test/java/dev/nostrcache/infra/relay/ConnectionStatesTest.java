package dev.nostrcache.infra.relay;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection's message budget is a token bucket in memory (no database write per message), and whether it asked
 * Primal's protocol for batches is kept on its row, so that another process (another Lambda container) reads it.
 */
class ConnectionStatesTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theBucketAllowsABurstThenTheSteadyRateWithoutGoingIntoDebt() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            AtomicLong now = new AtomicLong(0);
            ConnectionStates states = new ConnectionStates(new SubscriptionRepository(ds), now::get, 100);
            ConnectionStates.State busy = states.of("busy");
            int allowed = 0;
            for (int i = 0; i < 30; i++) {
                if (states.takeToken(busy, 5, 20)) {
                    allowed++;
                }
            }
            assertThat(allowed).as("the burst at once").isEqualTo(20);
            now.addAndGet(SECOND / 10);
            assertThat(states.takeToken(busy, 5, 20)).as("half a token came back").isFalse();
            now.addAndGet(SECOND / 10);
            assertThat(states.takeToken(busy, 5, 20)).as("refusals do not count against the client").isTrue();
            assertThat(states.takeToken(busy, 5, 20)).isFalse();
            now.addAndGet(60 * SECOND);
            int afterAMinute = 0;
            while (states.takeToken(busy, 5, 20)) {
                afterAMinute++;
            }
            assertThat(afterAMinute).as("never more than the burst").isEqualTo(20);
            assertThat(states.takeToken(states.of("other"), 5, 20)).as("each connection its own bucket").isTrue();
        }
    }

    @Test
    void theBatchingFlagIsOnTheConnectionsRowForEveryProcess() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            SubscriptionRepository subscriptions = new SubscriptionRepository(ds);
            subscriptions.openConnection("primal", "local/test", null, null);
            ConnectionStates here = new ConnectionStates(subscriptions);
            ConnectionStates otherContainer = new ConnectionStates(subscriptions);
            assertThat(here.of("primal").primalBatches()).isFalse();
            here.batchPrimalAnswers("primal");
            assertThat(here.of("primal").primalBatches()).isTrue();
            assertThat(otherContainer.of("primal").primalBatches()).as("read from the row").isTrue();
            assertThat(otherContainer.of("never-connected").primalBatches()).isFalse();
        }
    }

    @Test
    void pastItsBoundTheIdlestConnectionsAreForgotten() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            AtomicLong now = new AtomicLong(0);
            ConnectionStates states = new ConnectionStates(new SubscriptionRepository(ds), now::get, 10);
            for (int i = 0; i < 10; i++) {
                now.incrementAndGet();
                states.of("c" + i);
            }
            now.incrementAndGet();
            states.of("c9");
            states.of("new");
            assertThat(states.size()).isLessThanOrEqualTo(10);
            ConnectionStates.State kept = states.of("c9");
            assertThat(states.takeToken(kept, 1, 1)).isTrue();
            assertThat(states.takeToken(states.of("c9"), 1, 1)).as("the busiest kept its bucket").isFalse();
        }
    }

    @Test
    void whileTheDatabaseIsAwayTheBudgetStillHolds() throws Exception {
        HikariDataSource ds = TestDatabase.fresh();
        ConnectionStates states = new ConnectionStates(new SubscriptionRepository(ds), () -> 0L, 100);
        ds.close();
        int allowed = 0;
        for (int i = 0; i < 30; i++) {
            if (states.takeToken(states.of("flood"), 5, 20)) {
                allowed++;
            }
        }
        assertThat(allowed).as("one bucket, not a fresh one per message").isEqualTo(20);
        assertThat(states.of("flood").primalBatches()).isFalse();
    }
}
