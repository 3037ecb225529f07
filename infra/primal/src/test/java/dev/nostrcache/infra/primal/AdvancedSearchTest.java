package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Primal's search page: {@code mega_feed_directive} with an {@code advsearch} spec, in Primal's search syntax. */
class AdvancedSearchTest {
    private static final long NOW = 1_900_000_000L; // 2030-03-17
    private static final long DAY = 86_400;

    @Test
    void theSyntaxIsReadIntoWordsExclusionsTagsAuthorsKindsAndTimes() throws Exception {
        String alice = TestKeys.signer(1).pubkey();
        SearchQuery q = SearchQuery.parse("bitcoin \"lightning network\" -scam #Nostr from:" + Nip19.npub(alice)
                + " kind:30023 since:2030-03-01 until:yesterday scope:myfollows", NOW);
        assertThat(q.words()).containsExactly("bitcoin", "lightning network");
        assertThat(q.excluded()).containsExactly("scam");
        assertThat(q.hashtags()).containsExactly("nostr");
        assertThat(q.authors()).containsExactly(alice);
        assertThat(q.kinds()).containsExactly(30023);
        assertThat(q.since()).isEqualTo(1_898_553_600L);
        assertThat(q.until()).isEqualTo(NOW - DAY);
        assertThat(q.ignored()).containsExactly("scope:myfollows");
        assertThat(SearchQuery.parse("hello", NOW).kinds()).as("notes by default").containsExactly(1);
        assertThatThrownBy(() -> SearchQuery.parse("from:nobody", NOW)).hasMessage("invalid pubkey");
        assertThatThrownBy(() -> SearchQuery.parse("since:someday", NOW)).hasMessage("invalid date: someday");
    }

    @Test
    void theSearchPageFindsWhatTheQuerySays() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner alice = TestKeys.signer(1);
            EventSigner bob = TestKeys.signer(2);
            Event money = alice.sign(NOW - 3 * DAY, 1, List.of(List.of("t", "Bitcoin")), "bitcoin is money");
            Event scam = bob.sign(NOW - 2 * DAY, 1, List.of(), "a bitcoin scam");
            Event other = alice.sign(NOW - DAY, 1, List.of(), "nostr only");
            Event article = alice.sign(NOW - DAY, 30023, List.of(List.of("d", "essay")), "on bitcoin, at length");
            new EventProcessor(ds).processAll(List.of(money, scam, other, article), NOW);
            PrimalApi api = TestApis.over(ds, NOW);

            assertThat(search(api, "bitcoin")).containsExactly(scam.id(), money.id());
            assertThat(search(api, "bitcoin -scam")).containsExactly(money.id());
            assertThat(search(api, "from:" + Nip19.npub(alice.pubkey()) + " bitcoin")).containsExactly(money.id());
            assertThat(search(api, "#bitcoin")).containsExactly(money.id());
            assertThat(search(api, "kind:30023 bitcoin")).containsExactly(article.id());
            assertThat(search(api, "bitcoin since:2030-03-15")).containsExactly(scam.id());
            assertThat(search(api, "from:" + alice.pubkey() + " scope:myfollows")).as("every note of the author")
                    .containsExactly(other.id(), money.id());
        }
    }

    private static List<String> search(PrimalApi api, String query) throws Exception {
        String spec = TestApis.JSON.writeValueAsString(TestApis.JSON.createObjectNode().put("id", "advsearch").put("query", query));
        return TestApis.call(api, "mega_feed_directive", TestApis.JSON.createObjectNode().put("spec", spec).put("limit", 20)
                .toString()).stream().filter(o -> o.get("kind").asInt() == 1 || o.get("kind").asInt() == 30023)
                .map(o -> o.get("id").asString()).toList();
    }
}
