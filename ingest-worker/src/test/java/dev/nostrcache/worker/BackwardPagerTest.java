package dev.nostrcache.worker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BackwardPagerTest {

    /** An event as the pager sees it: its number, second and kind. */
    private record Stored(int n, long createdAt, int kind) {
    }

    private record Run(Set<Integer> seen, int requests, List<String> warnings) {
    }

    /** Pages {@code events} the way a relay with {@code cap} answers: newest first, ties by number. */
    private static Run page(List<Stored> events, int cap, List<Integer> kinds, long since, long until) {
        BackwardPager pager = new BackwardPager(kinds, since, until);
        Set<Integer> seen = new HashSet<>();
        List<String> warnings = new ArrayList<>();
        int requests = 0;
        for (BackwardPager.Page page = pager.next(); page != null; page = pager.next()) {
            assertThat(requests++).as("pages end").isLessThan(100_000);
            BackwardPager.Page p = page;
            List<Stored> answer = events.stream()
                    .filter(e -> p.kinds().contains(e.kind()) && e.createdAt() >= p.since() && e.createdAt() <= p.until())
                    .sorted(Comparator.comparingLong(Stored::createdAt).reversed().thenComparingInt(Stored::n))
                    .limit(cap).toList();
            answer.forEach(e -> seen.add(e.n()));
            String warning = pager.answered(answer.size(), answer.stream().mapToLong(Stored::createdAt).min().orElse(0));
            if (warning != null) {
                warnings.add(warning);
            }
        }
        return new Run(seen, requests, warnings);
    }

    private static Set<Integer> within(List<Stored> events, List<Integer> kinds, long since, long until) {
        Set<Integer> out = new HashSet<>();
        events.stream().filter(e -> kinds.contains(e.kind()) && e.createdAt() >= since && e.createdAt() <= until)
                .forEach(e -> out.add(e.n()));
        return out;
    }

    @Test
    void everyEventInTheRangeIsReachedAcrossPagesAndCrowdedSeconds() {
        Random random = new Random(7);
        List<Stored> events = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 3_000; i++) {
            events.add(new Stored(n++, 1_000_000 + random.nextInt(5_000_000), List.of(1, 7, 6).get(random.nextInt(3))));
        }
        // Crowded seconds: more than a page at one second, mixed kinds, and one right at the range's ends.
        for (long second : List.of(2_000_000L, 3_333_333L, 1_000_000L, 6_000_000L)) {
            for (int i = 0; i < 150; i++) {
                events.add(new Stored(n++, second, List.of(1, 7, 6).get(i % 3)));
            }
        }
        Run run = page(events, 100, List.of(1, 6, 7), 1_000_000, 6_000_000);

        assertThat(run.seen()).isEqualTo(within(events, List.of(1, 6, 7), 1_000_000, 6_000_000));
        assertThat(run.warnings()).isEmpty();
        assertThat(run.requests()).as("about one page per cap of events, plus the crowded seconds")
                .isLessThan(3_600 / 50 + 4 * 4 + 10);
    }

    @Test
    void eventsOutsideTheRangeOrKindsAreNotAskedFor() {
        List<Stored> events = List.of(new Stored(0, 50, 1), new Stored(1, 150, 1), new Stored(2, 150, 7),
                new Stored(3, 250, 1));
        Run run = page(events, 10, List.of(1), 100, 200);
        assertThat(run.seen()).containsExactly(1);
    }

    @Test
    void oneKindCrowdedBeyondTheCapInOneSecondIsReportedNotLoopedOn() {
        List<Stored> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(new Stored(i, 500 + i, 1));
        }
        for (int i = 30; i < 60; i++) {
            events.add(new Stored(i, 400, 1));
        }
        Run run = page(events, 20, List.of(1), 0, 1_000);
        assertThat(run.warnings()).singleElement().asString().contains("20 events of kind 1 created at 400");
        assertThat(run.seen()).hasSize(50);
    }

    @Test
    void anEmptyRangeNeedsOneQuestion() {
        assertThat(page(List.of(), 100, List.of(0, 3), 0, 1_000).requests()).isEqualTo(1);
        assertThat(page(List.of(), 100, List.of(0), 10, 5).requests()).isZero();
    }
}
