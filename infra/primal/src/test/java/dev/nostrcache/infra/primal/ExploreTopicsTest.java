package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code explore_topics}: the hashtags of recent notes, the window widened while it holds none. */
class ExploreTopicsTest {
    private static final long NOW = 1_900_000_000L;
    private static final long DAY = 86_400;

    private static JsonNode topics(HikariDataSource ds) throws Exception {
        return TestApis.onlyContent(TestApis.call(TestApis.over(ds, NOW), "explore_topics", "{}"), PrimalKinds.TOPIC_STATS);
    }

    @Test
    void hashtagsOfTheLastWeekCountedByNotesCaseFolded() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner alice = TestKeys.signer(1);
            EventSigner bob = TestKeys.signer(2);
            EventProcessor processor = new EventProcessor(ds);
            processor.processAll(List.of(
                    alice.sign(NOW - DAY, 1, List.of(List.of("t", "nostr"), List.of("t", "Nostr")), "#nostr"),
                    bob.sign(NOW - 2 * DAY, 1, List.of(List.of("t", "NOSTR"), List.of("t", "bitcoin")), "#nostr #bitcoin"),
                    bob.sign(NOW - 3 * DAY, 1, List.of(List.of("t", "nostr")), "again"),
                    bob.sign(NOW - 20 * DAY, 1, List.of(List.of("t", "old")), "three weeks ago"),
                    alice.sign(NOW - DAY, 7, List.of(List.of("t", "reaction")), "+")), NOW);

            JsonNode week = topics(ds);
            assertThat(week.propertyNames()).as("notes of the last seven days only").containsExactly("nostr", "bitcoin");
            assertThat(week.get("nostr").asLong()).as("notes, not tags").isEqualTo(3);
            assertThat(week.get("bitcoin").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aQuietWeekWidensTheWindowRatherThanAnsweringNothing() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            assertThat(topics(ds).isEmpty()).as("no note at all: an empty object").isTrue();
            EventProcessor processor = new EventProcessor(ds);
            processor.process(TestKeys.signer(3).sign(NOW - 400 * DAY, 1, List.of(List.of("t", "history")), "#history"), NOW);
            assertThat(topics(ds).propertyNames()).as("nothing in 30 days: every stored note").containsExactly("history");
            processor.process(TestKeys.signer(3).sign(NOW - 20 * DAY, 1, List.of(List.of("t", "art")), "#art"), NOW);
            assertThat(topics(ds).propertyNames()).as("the last 30 days, and no wider").containsExactly("art");
        }
    }
}
