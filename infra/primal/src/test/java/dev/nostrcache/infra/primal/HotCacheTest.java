package dev.nostrcache.infra.primal;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class HotCacheTest {
    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.ofEpochSecond(1_000);

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void entriesLiveForTheTtlAndGoAtOnceWhenTheirPubkeyChanges() throws Exception {
        ManualClock clock = new ManualClock();
        HotCache<List<String>> cache = new HotCache<>(clock, Duration.ofSeconds(10), 100, List::size, 10);
        AtomicInteger loads = new AtomicInteger();
        HotCache.Loader<List<String>> loader = () -> List.of("answer " + loads.incrementAndGet());

        assertThat(cache.get("profile", "pk1", loader)).containsExactly("answer 1");
        assertThat(cache.get("profile", "pk1", loader)).as("cached").containsExactly("answer 1");
        clock.now = clock.now.plusSeconds(11);
        assertThat(cache.get("profile", "pk1", loader)).as("expired after the TTL").containsExactly("answer 2");
        cache.put("card", "pk1", List.of("card"));
        cache.put("card", "pk2", List.of("other"));
        cache.invalidate("pk1");
        assertThat(cache.peek("card", "pk1")).isNull();
        assertThat(cache.get("profile", "pk1", loader)).as("invalidated").containsExactly("answer 3");
        assertThat(cache.peek("card", "pk2")).containsExactly("other");
    }

    @Test
    void itStaysBounded() {
        HotCache<List<String>> cache = new HotCache<>(Clock.systemUTC(), Duration.ofMinutes(1), 10, List::size, 10);
        for (int i = 0; i < 25; i++) {
            cache.put("card", "pk" + i, List.of());
        }
        assertThat(cache.size()).isLessThanOrEqualTo(10);
    }

    @Test
    void aValueTooHeavyToKeepIsNotKeptAndForgetsTheOneItSupersedes() {
        HotCache<List<String>> cache = new HotCache<>(Clock.systemUTC(), Duration.ofMinutes(1), 10,
                objects -> objects.stream().mapToInt(String::length).sum(), 8);
        cache.put("profile", "pk1", List.of("small"));
        assertThat(cache.peek("profile", "pk1")).containsExactly("small");
        cache.put("profile", "pk1", List.of("much too large"));
        assertThat(cache.peek("profile", "pk1")).as("the large one is not kept, nor the older small one").isNull();
        assertThat(cache.size()).isZero();
    }
}
