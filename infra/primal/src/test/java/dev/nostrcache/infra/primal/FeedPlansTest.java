package dev.nostrcache.infra.primal;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.primal.PrimalQueries.Authors;
import dev.nostrcache.infra.primal.PrimalQueries.EventStats;
import dev.nostrcache.infra.primal.PrimalQueries.FollowsBy;
import dev.nostrcache.infra.primal.PrimalQueries.Replies;
import dev.nostrcache.infra.primal.PrimalQueries.Row;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A feed of follows reads the same notes whichever way it finds them: the follow set as an array in the statement,
 * or read by PostgreSQL from {@code follow_lists} while it walks the notes by time; and with the notes, in the same
 * statement, their counters as the bundle's own query of them reads them. Authors of notes, replies, reposts,
 * reactions and expired notes with ties in time; follow sets of a few, of many (with pubkeys that never posted), and
 * of everyone; every reply mode, kinds, since/until windows, offsets and limits.
 */
class FeedPlansTest {
    private static final long NOW = 1_700_100_000L;
    private static final int AUTHORS = 80;
    private static HikariDataSource ds;
    private static PrimalQueries queries;
    private static final List<String> followers = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        ds = TestDatabase.fresh();
        EventProcessor processor = new EventProcessor(ds);
        List<Event> roots = new ArrayList<>();
        for (int a = 0; a < AUTHORS; a++) {
            var author = TestKeys.signer(1_000 + a);
            for (int n = 0; n < a % 7 * 2; n++) {
                // Times repeat across authors, so the order also rests on the id.
                long at = NOW - 10_000 + (a * 13L + n * 7L) % 500;
                Event note = author.sign(at, 1, List.of(), "note " + n + " of " + a);
                processor.process(note, NOW);
                roots.add(note);
                if (n % 3 == 1 && roots.size() > 1) {
                    Event parent = roots.get(roots.size() / 2);
                    processor.process(author.sign(at + 1, 1, List.of(List.of("e", parent.id(), "", "reply")), "reply " + n), NOW);
                }
                if (n % 4 == 2) {
                    Event reposted = roots.get((a * 31 + n) % roots.size());
                    processor.process(author.sign(at + 2, 6, List.of(List.of("e", reposted.id()), List.of("p", reposted.pubkey())), ""), NOW);
                }
                if (n % 5 == 3) {
                    processor.process(author.sign(at + 3, 7, List.of(List.of("e", note.id())), "+"), NOW);
                }
                if (n % 6 == 4) {
                    processor.process(author.sign(at + 4, 1, List.of(List.of("expiration", Long.toString(NOW - 1))), "gone"), NOW);
                }
            }
        }
        follow(2_000, 0, 5, 0);
        follow(2_001, 3, 40, 10);
        follow(2_002, 0, AUTHORS, 0);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("ANALYZE events");
        }
        queries = new PrimalQueries(ds, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));
    }

    /** A contact list of {@code count} authors from {@code first} on, and {@code strangers} who never posted. */
    private static void follow(int key, int first, int count, int strangers) throws Exception {
        List<List<String>> tags = new ArrayList<>();
        for (int a = first; a < first + count; a++) {
            tags.add(List.of("p", TestKeys.signer(1_000 + a).pubkey()));
        }
        for (int s = 0; s < strangers; s++) {
            tags.add(List.of("p", TestKeys.signer(5_000 + s).pubkey()));
        }
        Event list = TestKeys.signer(key).sign(NOW - 100, 3, tags, "");
        new EventProcessor(ds).process(list, NOW);
        followers.add(list.pubkey());
    }

    @AfterAll
    static void tearDown() {
        ds.close();
    }

    @Test
    void bothWaysOfFindingTheFollowsReadTheSameNotes() throws Exception {
        int nonEmpty = 0;
        int counted = 0;
        for (String follower : followers) {
            List<byte[]> followed = followedOf(follower);
            for (Replies replies : Replies.values()) {
                for (List<Integer> kinds : List.of(List.of(1, 6), List.of(1), List.of(6, 7), List.<Integer>of())) {
                    for (Params.Page page : List.of(new Params.Page(0, NOW, 0), new Params.Page(0, NOW - 9_700, 0),
                            new Params.Page(NOW - 9_800, NOW - 9_600, 3), new Params.Page(0, NOW, 25))) {
                        for (int limit : List.of(1, 7, 20, 500)) {
                            List<Row> arrayRows = queries.feed(Authors.FOLLOWS_OF, follower, followed,
                                    FollowsBy.FOLLOW_ARRAY, kinds, replies, page, limit, NOW);
                            List<Row> walkRows = queries.feed(Authors.FOLLOWS_OF, follower, followed,
                                    FollowsBy.TIME_WALK, kinds, replies, page, limit, NOW);
                            List<String> byArray = ids(arrayRows);
                            assertThat(ids(walkRows)).as("%s %s %s %s limit %d", follower, replies, kinds, page, limit)
                                    .containsExactlyElementsOf(byArray);
                            Map<String, EventStats> stats = queries.eventStats(byArray);
                            for (Row row : Stream.concat(arrayRows.stream(), walkRows.stream()).toList()) {
                                assertThat(row.stats()).as("the counters of %s", row.id())
                                        .isEqualTo(stats.getOrDefault(row.id(), EventStats.NONE));
                                counted += row.stats().equals(EventStats.NONE) ? 0 : 1;
                            }
                            nonEmpty += byArray.isEmpty() ? 0 : 1;
                        }
                    }
                }
            }
        }
        assertThat(nonEmpty).as("most of the pages hold notes").isGreaterThan(200);
        assertThat(counted).as("many of their notes have counters").isGreaterThan(500);
    }

    @Test
    void theWalkStartsAtTheSquareRootOfTheAuthors() throws Exception {
        long authors;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(DISTINCT pubkey) FROM events")) {
            rs.next();
            authors = rs.getLong(1);
        }
        // A table this small is analysed whole: PostgreSQL's estimate is the exact count.
        assertThat(queries.timeWalkFollows()).isEqualTo((int) Math.ceil(Math.sqrt(authors)));
        List<Row> everyone = queries.feed(Authors.FOLLOWS_OF, followers.getLast(), List.of(1, 6), Replies.EXCLUDE,
                new Params.Page(0, NOW, 0), 20, NOW);
        assertThat(ids(everyone)).containsExactlyElementsOf(ids(queries.feed(Authors.FOLLOWS_OF, followers.getLast(),
                followedOf(followers.getLast()), FollowsBy.FOLLOW_ARRAY, List.of(1, 6), Replies.EXCLUDE,
                new Params.Page(0, NOW, 0), 20, NOW))).hasSize(20);
    }

    private static List<byte[]> followedOf(String follower) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT unnest(followed) FROM follow_lists WHERE follower = '\\x" + follower + "'")) {
            List<byte[]> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getBytes(1));
            }
            assertThat(out).isNotEmpty();
            return out;
        }
    }

    private static List<String> ids(List<Row> rows) {
        return rows.stream().map(Row::id).toList();
    }
}
