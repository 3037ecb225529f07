package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Primal's client shows on a self-hosted cache that holds no contact list of the viewer (logged out, the client
 * asks for the follows of Primal's own account) and whose last hours were quiet: notes, never grey skeletons.
 */
class QuietCacheTest {
    private static final long NOW = 1_900_000_000L;
    private static final long HOUR = 3_600;

    private static List<String> notes(PrimalApi api, String spec, String viewer) throws Exception {
        String params = "{\"spec\":" + TestApis.JSON.writeValueAsString(spec) + ",\"limit\":20"
                + (viewer == null ? "" : ",\"user_pubkey\":\"" + viewer + "\"") + "}";
        return TestApis.call(api, "mega_feed_directive", params).stream().filter(o -> o.get("kind").asInt() == 1)
                .map(o -> o.get("id").asString()).toList();
    }

    @Test
    void aViewerWithoutAStoredContactListGetsTheMostFollowedAccounts() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner popular = TestKeys.signer(1);
            EventSigner reader = TestKeys.signer(2);
            EventSigner other = TestKeys.signer(3);
            Event popularNote = popular.sign(NOW - HOUR, 1, List.of(), "from the most followed");
            Event otherNote = other.sign(NOW - HOUR, 1, List.of(), "from someone the reader does not follow");
            new EventProcessor(ds).processAll(List.of(reader.sign(NOW - 2 * HOUR, 3, List.of(List.of("p", popular.pubkey())), ""),
                    other.sign(NOW - 2 * HOUR, 3, List.of(List.of("p", popular.pubkey())), ""), popularNote, otherNote), NOW);
            PrimalApi api = TestApis.over(ds, NOW);
            String latest = "{\"id\":\"latest\",\"kind\":\"notes\"}";

            assertThat(notes(api, latest, reader.pubkey())).as("a stored contact list: its follows").containsExactly(popularNote.id());
            String primalsOwnAccount = TestKeys.signer(99).pubkey();
            assertThat(notes(api, latest, primalsOwnAccount)).as("no stored contact list: the most-followed accounts")
                    .contains(popularNote.id());
        }
    }

    /** {@code home_latest_of}: an operator names whose follows "Latest" shows a visitor without a contact list. */
    @Test
    void theConfiguredAccountsFollowsAreLatestForAVisitorWithoutAContactList() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner curator = TestKeys.signer(1);
            EventSigner picked = TestKeys.signer(2);
            EventSigner popular = TestKeys.signer(3);
            Event pickedNote = picked.sign(NOW - HOUR, 1, List.of(), "followed by the curator");
            Event popularNote = popular.sign(NOW - HOUR, 1, List.of(), "most followed, not by the curator");
            List<Event> events = new java.util.ArrayList<>(List.of(pickedNote, popularNote,
                    curator.sign(NOW - 2 * HOUR, 3, List.of(List.of("p", picked.pubkey())), "")));
            for (int i = 10; i < 13; i++) {
                events.add(TestKeys.signer(i).sign(NOW - 2 * HOUR, 3, List.of(List.of("p", popular.pubkey())), ""));
            }
            new EventProcessor(ds).processAll(events, NOW);
            java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.ofEpochSecond(NOW), java.time.ZoneOffset.UTC);
            String visitor = TestKeys.signer(99).pubkey();
            String latest = "{\"id\":\"latest\",\"kind\":\"notes\"}";

            PrimalApi curated = new PrimalApi(ds, TestApis.NOTHING_SUBMITTED, List.of(), null, clock, null, curator.pubkey());
            assertThat(notes(curated, latest, visitor)).containsExactly(pickedNote.id());
            assertThat(notes(TestApis.over(ds, NOW), latest, visitor)).as("unset: the most-followed accounts")
                    .contains(popularNote.id(), pickedNote.id());
            PrimalApi unknownCurator = new PrimalApi(ds, TestApis.NOTHING_SUBMITTED, List.of(), null, clock, null,
                    TestKeys.signer(98).pubkey());
            assertThat(notes(unknownCurator, latest, visitor)).as("a curator without a stored list: the most-followed")
                    .contains(popularNote.id());
        }
    }

    /** The home page's sidebar ({@code scored}) widens like the feeds rather than staying empty. */
    @Test
    void theTrendingSidebarWidensToo() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            Event old = TestKeys.signer(1).sign(NOW - 48 * HOUR, 1, List.of(), "two days ago");
            new EventProcessor(ds).process(old, NOW);
            new TrendingScores(ds).recompute(NOW);
            assertThat(TestApis.call(TestApis.over(ds, NOW), "scored", "{\"selector\":\"trending_4h\"}").stream()
                    .filter(o -> o.get("kind").asInt() == 1).map(o -> o.get("id").asString())).containsExactly(old.id());
        }
    }

    @Test
    void aQuietWindowWidensThenFallsBackToTheNewestNotes() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner author = TestKeys.signer(1);
            EventSigner fan = TestKeys.signer(2);
            Event engaged = author.sign(NOW - 10 * HOUR, 1, List.of(), "liked ten hours ago");
            new EventProcessor(ds).processAll(List.of(engaged, fan.sign(NOW - 10 * HOUR, 7,
                    List.of(List.of("e", engaged.id()), List.of("p", author.pubkey())), "+")), NOW);
            new TrendingScores(ds).recompute(NOW);
            PrimalApi api = TestApis.over(ds, NOW);
            assertThat(notes(api, "{\"id\":\"global-trending\",\"kind\":\"notes\",\"hours\":4}", null))
                    .as("nothing in 4 hours: the 12-hour ranking").containsExactly(engaged.id());

            Event old = author.sign(NOW - 48 * HOUR, 1, List.of(), "two days ago, never engaged with");
            try (HikariDataSource quiet = TestDatabase.fresh()) {
                new EventProcessor(quiet).process(old, NOW);
                new TrendingScores(quiet).recompute(NOW);
                assertThat(notes(TestApis.over(quiet, NOW), "{\"id\":\"global-trending\",\"kind\":\"notes\"}", null))
                        .as("no ranking at all: the newest notes").containsExactly(old.id());
            }
        }
    }

    /** Explore's media tab: notes linking pictures or videos, newest first. */
    @Test
    void exploreMediaIsTheNotesLinkingPicturesOrVideos() throws Exception {
        try (HikariDataSource ds = TestDatabase.fresh()) {
            EventSigner author = TestKeys.signer(1);
            Event picture = author.sign(NOW - 3 * HOUR, 1, List.of(), "look https://pictures.example/cat.JPG nice");
            Event video = author.sign(NOW - 2 * HOUR, 1, List.of(), "https://videos.example/clip.mp4");
            Event text = author.sign(NOW - HOUR, 1, List.of(), "just words, and a page https://example.com/post.html");
            new EventProcessor(ds).processAll(List.of(picture, video, text), NOW);
            List<String> media = TestApis.call(TestApis.over(ds, NOW), "explore_media", "{\"limit\":20}").stream()
                    .filter(o -> o.get("kind").asInt() == 1).map(o -> o.get("id").asString()).toList();
            assertThat(media).containsExactly(video.id(), picture.id());

            Event othersPicture = TestKeys.signer(2).sign(NOW - HOUR, 1, List.of(), "https://pictures.example/dog.png");
            new EventProcessor(ds).process(othersPicture, NOW);
            String profileMedia = "{\"id\":\"feed\",\"kind\":\"notes\",\"notes\":\"user_media_thumbnails\",\"pubkey\":\""
                    + author.pubkey() + "\"}";
            assertThat(notes(TestApis.over(ds, NOW), profileMedia, null)).as("a profile's media tab: its own only")
                    .containsExactly(video.id(), picture.id());
        }
    }
}
