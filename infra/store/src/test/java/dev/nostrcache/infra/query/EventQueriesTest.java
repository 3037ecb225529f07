package dev.nostrcache.infra.query;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.Expiration;
import dev.nostrcache.core.filter.Filter;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.testing.RandomFilters;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQL path against core's in-memory matcher, over what is actually stored (strfry's differential test, in small). */
class EventQueriesTest {
    private static final long NOW = 1_900_000_000L;
    private static final int DEFAULT_LIMIT = Limits.DEFAULTS.maxLimit();
    private static final EventQueries.Precondition HOLDS = new EventQueries.Precondition("? = 'open'", List.of("open"));
    private static final EventQueries.Precondition FAILS = new EventQueries.Precondition("? = 'open'", List.of("closed"));
    private static HikariDataSource ds;
    private static EventQueries queries;
    private static List<Event> stored;

    @BeforeAll
    static void load() throws Exception {
        ds = TestDatabase.withWorkload(NOW - 100_000_000L);
        EventProcessor processor = new EventProcessor(ds);
        EventParser parser = new EventParser(Limits.DEFAULTS);
        // A few events with a NIP-40 expiration between the ingest time and NOW: stored, but never to be served.
        processor.process(TestKeys.signer(1).sign(NOW - 200_000_000L, 1, List.of(List.of("expiration",
                Long.toString(NOW - 1)), List.of("t", "expiring")), "soon gone"), NOW - 100_000_000L);
        stored = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT json FROM events");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                stored.add(parser.parse(rs.getString(1)));
            }
        }
        queries = new EventQueries(ds, DEFAULT_LIMIT);
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    private static List<String> expected(List<Filter> filters) {
        Set<String> ids = new HashSet<>();
        List<Event> out = new ArrayList<>();
        for (Filter f : filters) {
            if (f.limit() != null && f.limit() == 0) {
                continue;
            }
            stored.stream().filter(e -> !Expiration.isExpired(e, NOW)).filter(f::matches)
                    .sorted(Comparator.comparingLong(Event::createdAt).reversed().thenComparing(Event::id))
                    .limit(f.limit() == null ? DEFAULT_LIMIT : f.limit())
                    .filter(e -> ids.add(e.id())).forEach(out::add);
        }
        out.sort(Comparator.comparingLong(Event::createdAt).reversed().thenComparing(Event::id));
        return out.stream().map(Event::id).toList();
    }

    @Test
    void randomFiltersGiveWhatTheInMemoryMatcherGives() throws Exception {
        Random random = new Random(20261122);
        int nonEmpty = 0;
        for (int round = 0; round < 400; round++) {
            List<Filter> filters = new ArrayList<>();
            int count = 1 + (random.nextInt(4) == 0 ? random.nextInt(3) : 0);
            for (int i = 0; i < count; i++) {
                filters.add(RandomFilters.of(random, stored, DEFAULT_LIMIT));
            }
            List<String> sql = queries.find(filters, NOW).stream().map(EventQueries.Row::id).toList();
            List<String> memory = expected(filters);
            assertThat(sql).as("filters %s", filters).isEqualTo(memory);
            if (filters.stream().anyMatch(f -> f.limit() == null || f.limit() > 0)) {
                assertThat(queries.findIf(HOLDS, filters, NOW)).as("filters %s, a precondition that holds", filters)
                        .hasValueSatisfying(rows -> assertThat(rows.stream().map(EventQueries.Row::id).toList()).isEqualTo(memory));
                assertThat(queries.findIf(FAILS, filters, NOW)).as("filters %s, one that fails", filters).isEmpty();
            }
            if (filters.size() == 1 && filters.get(0).limit() == null) {
                assertThat(queries.count(filters, NOW)).as("COUNT %s", filters)
                        .isEqualTo(stored.stream().filter(e -> !Expiration.isExpired(e, NOW)).filter(filters.get(0)::matches).count());
            }
            if (!memory.isEmpty()) {
                nonEmpty++;
            }
        }
        assertThat(nonEmpty).as("most random filters match something").isGreaterThan(200);
    }

    /**
     * A client repeating a REQ (as clients do, polling or reconnecting) costs no planning after the first few: the
     * statement's generic plan is kept. With the limit or the kinds bound as parameters PostgreSQL planned every call
     * (its generic plan looked dearer than the custom ones), a third of a REQ's database time.
     */
    @Test
    void aRepeatedRequestIsPlannedOnce() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(ds.getJdbcUrl());
        config.setUsername(ds.getUsername());
        config.setPassword(ds.getPassword());
        config.setMaximumPoolSize(1);
        try (HikariDataSource oneConnection = new HikariDataSource(config)) {
            EventQueries repeated = new EventQueries(oneConnection, DEFAULT_LIMIT);
            List<Filter> notes = List.of(new Filter(null, null, Set.of(1), null, null, null, 10, null));
            for (int i = 0; i < 12; i++) {
                assertThat(repeated.find(notes, NOW)).hasSize(10);
            }
            try (Connection c = oneConnection.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%FROM events e%'");
                 ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("the driver prepares a statement it runs repeatedly").isTrue();
                assertThat(rs.getLong(1)).as("generic plans (custom plans: %d)", rs.getLong(2)).isGreaterThan(0);
            }
        }
    }

    @Test
    void neverServesExpiredEventsAndCountsAcrossFilters() throws Exception {
        Filter expiring = new Filter(null, null, null, Map.of("t", Set.of("expiring")), null, null, null, null);
        assertThat(queries.find(List.of(expiring), NOW)).isEmpty();
        assertThat(queries.find(List.of(expiring), NOW - 10)).hasSize(1);
        Filter notes = new Filter(null, null, Set.of(1), null, null, null, null, null);
        Filter reactions = new Filter(null, null, Set.of(7), null, null, null, null, null);
        long both = queries.count(List.of(notes, reactions, notes), NOW);
        assertThat(both).isEqualTo(queries.count(List.of(notes), NOW) + queries.count(List.of(reactions), NOW));
        assertThat(queries.find(List.of(new Filter(null, null, null, null, null, null, null, null)), NOW)).hasSize(DEFAULT_LIMIT);
    }

    /**
     * A contact list's p tags live in follows only: #p filters on kind 3, alone and beside other kinds, still give
     * exactly what the matcher gives, for the most-followed pubkey and one followed once.
     */
    @Test
    void contactListsMatchPFiltersThroughTheirFollows() throws Exception {
        Map<String, Long> followers = stored.stream().filter(e -> e.kind() == 3)
                .flatMap(e -> ContactList.follows(e).stream())
                .collect(Collectors.groupingBy(p -> p, Collectors.counting()));
        String popular = followers.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String once = followers.entrySet().stream().filter(f -> f.getValue() == 1).findFirst().orElseThrow().getKey();
        assertThat(followers.get(popular)).as("a pubkey several stored lists follow").isGreaterThan(2);
        for (String pubkey : List.of(popular, once)) {
            for (Set<Integer> kinds : Arrays.asList(null, Set.of(3), Set.of(1, 3), Set.of(3, 7, 9735), Set.of(1))) {
                for (Integer limit : Arrays.asList(null, 2)) {
                    List<Filter> filters = List.of(new Filter(null, null, kinds, Map.of("p", Set.of(pubkey)), null, null, limit, null));
                    assertThat(queries.find(filters, NOW).stream().map(EventQueries.Row::id).toList())
                            .as("filters %s", filters).isEqualTo(expected(filters));
                    if (limit == null) {
                        assertThat(queries.count(filters, NOW)).as("COUNT %s", filters).isEqualTo(expected(filters).size());
                    }
                }
            }
            Filter lists = new Filter(null, null, Set.of(3), Map.of("p", Set.of(pubkey)), null, null, null, null);
            assertThat(queries.find(List.of(lists), NOW)).hasSize(followers.get(pubkey).intValue());
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM event_tags WHERE kind = 3 AND name = 'p'"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1)).as("p tag rows of contact lists").isZero();
        }
    }
}
