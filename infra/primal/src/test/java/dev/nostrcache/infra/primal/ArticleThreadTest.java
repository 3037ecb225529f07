package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.nip.Nip19;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An article's page: {@code events} by its naddr, {@code long_form_content_thread_view} (the notes answering it by id
 * or by address, then the article) and {@code get_highlights} (its NIP-84 highlights with their authors); and the
 * reads page's recommendations, topics and featured authors.
 */
class ArticleThreadTest {
    private static final long NOW = 1_900_000_000L;

    @Test
    void repliesByIdOrAddressThenTheArticleEnriched() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner alice = TestKeys.signer(1);
            EventSigner bob = TestKeys.signer(2);
            Event article = alice.sign(NOW - 100, 30023, List.of(List.of("d", "first-post"), List.of("title", "Hello"),
                    List.of("t", "Nostr")), "# Hello");
            String address = "30023:" + alice.pubkey() + ":first-post";
            Event reply = bob.sign(NOW - 50, 1, List.of(List.of("e", article.id(), "", "root")), "nice post");
            Event comment = bob.sign(NOW - 40, 1, List.of(List.of("a", address)), "commenting by address");
            Event elsewhere = bob.sign(NOW - 30, 1, List.of(List.of("a", "30023:" + alice.pubkey() + ":other")), "another article");
            Event like = bob.sign(NOW - 20, 7, List.of(List.of("e", article.id()), List.of("p", alice.pubkey())), "+");
            Event highlight = bob.sign(NOW - 10, 9802, List.of(List.of("a", address)), "the best sentence");
            Event otherHighlight = bob.sign(NOW - 10, 9802, List.of(List.of("a", "30023:" + alice.pubkey() + ":other")), "elsewhere");
            Event bobProfile = bob.sign(NOW - 200, 0, List.of(), "{\"name\":\"bob\"}");
            new EventProcessor(ds).processAll(List.of(alice.sign(NOW - 200, 0, List.of(), "{\"name\":\"alice\"}"),
                    bobProfile, article, reply, comment, elsewhere, like, highlight, otherHighlight), NOW);
            PrimalApi api = TestApis.over(ds, NOW);

            List<JsonNode> page = TestApis.call(api, "long_form_content_thread_view", "{\"pubkey\":\"" + alice.pubkey()
                    + "\",\"kind\":30023,\"identifier\":\"first-post\",\"limit\":20,\"user_pubkey\":\"" + bob.pubkey() + "\"}");
            List<String> notes = page.stream().filter(o -> o.get("kind").asInt() == 1 || o.get("kind").asInt() == 30023)
                    .map(o -> o.get("id").asString()).toList();
            assertThat(notes).containsExactly(comment.id(), reply.id(), article.id());
            assertThat(page).as("enriched: the authors' profiles and the events' statistics")
                    .anyMatch(o -> o.get("kind").asInt() == 0)
                    .anyMatch(o -> o.get("kind").asInt() == PrimalKinds.EVENT_STATS);
            assertThat(TestApis.call(api, "long_form_content_thread_view", "{\"pubkey\":\"" + alice.pubkey()
                    + "\",\"kind\":30023,\"identifier\":\"never-written\"}")).isEmpty();

            List<JsonNode> highlights = TestApis.call(api, "get_highlights", "{\"pubkey\":\"" + alice.pubkey()
                    + "\",\"kind\":30023,\"identifier\":\"first-post\",\"user_pubkey\":\"" + bob.pubkey() + "\"}");
            assertThat(highlights.stream().map(o -> o.get("id").asString()).toList())
                    .containsExactly(highlight.id(), bobProfile.id());

            // Opening /a/<naddr>: the client asks `events` for the article by its naddr (beside a plain id).
            String naddr = Nip19.naddr(new Nip19.Address(30023, alice.pubkey(), "first-post"));
            assertThat(TestApis.call(api, "events", "{\"event_ids\":[\"" + naddr + "\",\"" + reply.id() + "\"]}").stream()
                    .map(o -> o.get("id").asString())).containsExactly(article.id(), reply.id());
            assertThatThrownBy(() -> api.answer("events", TestApis.JSON.readTree("{\"event_ids\":[\"naddr1qqqq\"]}")))
                    .hasMessage("invalid event id");

            // The reads page: recommendations as [naddr, title] (then asked for by naddr), topics, featured authors.
            JsonNode reads = TestApis.onlyContent(TestApis.call(api, "get_recommended_reads", "{}"), PrimalKinds.RECOMMENDED_READS);
            assertThat(reads.get("reads").size()).isEqualTo(1);
            assertThat(Nip19.address(reads.get("reads").get(0).get(0).asString()).coordinate()).isEqualTo(address);
            assertThat(reads.get("reads").get(0).get(1).asString()).isEqualTo("Hello");
            assertThat(TestApis.onlyContent(TestApis.call(api, "get_reads_topics", "{}"), PrimalKinds.READS_TOPICS).toString())
                    .isEqualTo("[\"nostr\"]");
            assertThat(TestApis.onlyContent(TestApis.call(api, "get_featured_authors", "{}"), PrimalKinds.FEATURED_AUTHORS).toString())
                    .isEqualTo("[\"" + alice.pubkey() + "\"]");
        }
    }

    /** A profile's "reads" tab and an article page's "more from this author": that author's articles only. */
    @Test
    void aProfilesReadsAreItsOwnArticles() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner alice = TestKeys.signer(1);
            EventSigner bob = TestKeys.signer(2);
            Event first = alice.sign(NOW - 300, 30023, List.of(List.of("d", "one")), "first");
            Event second = alice.sign(NOW - 200, 30023, List.of(List.of("d", "two")), "second");
            Event bobs = bob.sign(NOW - 100, 30023, List.of(List.of("d", "bob")), "bob's");
            new EventProcessor(ds).processAll(List.of(first, second, bobs), NOW);
            PrimalApi api = TestApis.over(ds, NOW);
            String spec = "{\"id\":\"feed\",\"kind\":\"reads\",\"notes\":\"authored\",\"pubkey\":\"" + alice.pubkey()
                    + "\",\"minwords\":0}";
            assertThat(articles(TestApis.call(api, "mega_feed_directive", "{\"spec\":" + TestApis.JSON.writeValueAsString(spec)
                    + ",\"limit\":20}"))).containsExactly(second.id(), first.id());
            assertThat(articles(TestApis.call(api, "mega_feed_directive",
                    "{\"spec\":\"{\\\"kind\\\":\\\"reads\\\"}\",\"limit\":20}")))
                    .as("no pubkey: everyone's").containsExactly(bobs.id(), second.id(), first.id());
            List<JsonNode> more = TestApis.call(api, "long_form_content_feed", "{\"pubkey\":\"" + alice.pubkey()
                    + "\",\"limit\":10,\"notes\":\"authored\"}");
            assertThat(articles(more)).containsExactly(second.id(), first.id());
            assertThat(more.getLast().get("kind").asInt()).isEqualTo(PrimalKinds.RANGE);
            assertThat(articles(TestApis.call(api, "long_form_content_feed", "{\"pubkey\":\"" + alice.pubkey()
                    + "\",\"limit\":1,\"until\":" + (NOW - 250) + "}"))).containsExactly(first.id());
        }
    }

    private static List<String> articles(List<JsonNode> objects) {
        return objects.stream().filter(o -> o.get("kind").asInt() == 30023).map(o -> o.get("id").asString()).toList();
    }
}
