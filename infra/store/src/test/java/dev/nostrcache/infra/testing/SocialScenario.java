package dev.nostrcache.infra.testing;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventSigner;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small social graph with every kind of interaction a client shows, signed with test keys, for the Primal API's
 * tests: four people (dave has no profile), follows, a relay list, notes, a reply chain, reactions, a repost, a quote,
 * a mute list, bookmarks and an article. Times are fixed (500 for the follows, 1000-1800 for the rest).
 */
public final class SocialScenario {
    public final EventSigner alice = TestKeys.signer(201);
    public final EventSigner bob = TestKeys.signer(202);
    public final EventSigner carol = TestKeys.signer(203);
    public final EventSigner dave = TestKeys.signer(204);
    public final Event aliceProfile;
    public final Event bobProfile;
    public final Event carolProfile;
    /** Bob's notes, carol's note, alice's note. */
    public final Event n1;
    public final Event n2;
    public final Event n3;
    public final Event n4;
    /** Alice replies to n1; carol replies to alice's reply. */
    public final Event r1;
    public final Event r2;
    public final Event carolLikesN1;
    public final Event aliceLikesN1;
    public final Event daveRepostsN1;
    /** Carol quotes n1 (a {@code q} tag): a mention of it. */
    public final Event quote;
    public final Event bobMutes;
    public final Event bobBookmarks;
    public final Event article;
    private final List<Event> events = new ArrayList<>();

    public SocialScenario() {
        aliceProfile = add(alice.sign(900, 0, List.of(), "{\"name\":\"alice\",\"about\":\"first of the test people\",\"picture\":\"https://pictures.example/alice.png\"}"));
        bobProfile = add(bob.sign(900, 0, List.of(), "{\"name\":\"bob\",\"display_name\":\"Bob Builder\",\"nip05\":\"bob@example.com\"}"));
        carolProfile = add(carol.sign(900, 0, List.of(), "{\"name\":\"carol\",\"about\":\"writes articles\"}"));
        add(alice.sign(500, 3, List.of(p(bob), p(carol)), ""));
        add(bob.sign(500, 3, List.of(p(alice)), ""));
        add(carol.sign(500, 3, List.of(p(alice), p(bob)), ""));
        add(dave.sign(500, 3, List.of(p(bob)), ""));
        add(bob.sign(600, 10002, List.of(List.of("r", "wss://read.example", "read"), List.of("r", "wss://both.example")), ""));
        n1 = add(bob.sign(1000, 1, List.of(), "hello nostr, first note of bob"));
        n2 = add(carol.sign(1100, 1, List.of(), "carol says hello too"));
        n3 = add(bob.sign(1200, 1, List.of(), "second note of bob"));
        n4 = add(alice.sign(1300, 1, List.of(), "alice has something to say"));
        r1 = add(alice.sign(1400, 1, List.of(List.of("e", n1.id(), "", "root"), p(bob)), "alice answers bob"));
        r2 = add(carol.sign(1500, 1, List.of(List.of("e", n1.id(), "", "root"), List.of("e", r1.id(), "", "reply"), p(alice)),
                "carol answers alice"));
        carolLikesN1 = add(carol.sign(1600, 7, List.of(List.of("e", n1.id()), p(bob)), "+"));
        aliceLikesN1 = add(alice.sign(1610, 7, List.of(List.of("e", n1.id()), p(bob)), "🤙"));
        daveRepostsN1 = add(dave.sign(1700, 6, List.of(List.of("e", n1.id()), p(bob)), n1.toJson()));
        quote = add(carol.sign(1800, 1, List.of(List.of("q", n1.id()), p(bob)), "look at this nostr:note"));
        bobMutes = add(bob.sign(700, 10000, List.of(p(dave)), ""));
        bobBookmarks = add(bob.sign(700, 10003, List.of(List.of("e", n2.id())), ""));
        article = add(carol.sign(1750, 30023, List.of(List.of("d", "on-caching"), List.of("title", "On caching")),
                "A long article about caching nostr events."));
    }

    private static List<String> p(EventSigner who) {
        return List.of("p", who.pubkey());
    }

    private Event add(Event e) {
        events.add(e);
        return e;
    }

    /** Every event, in the order written above. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Processes every event as ingest would. */
    public void store(DataSource dataSource, long nowSeconds) throws SQLException {
        EventProcessor processor = new EventProcessor(dataSource);
        for (Event e : events) {
            processor.process(e, nowSeconds);
        }
    }
}
