package dev.nostrcache.infra.relay;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.testing.TestKeys;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The duplicate lookup of published events: asked at once, or gathered into one statement while another runs. */
class KnownEventsTest {
    private static HikariDataSource ds;
    private static List<Event> workload;

    private final AtomicInteger statements = new AtomicInteger();
    private final List<Runnable> started = new ArrayList<>();
    /** Runs inside each lookup, as a client's question arriving while the statement is on its way. */
    private Runnable duringLookup = () -> { };

    @BeforeAll
    static void load() throws Exception {
        ds = TestDatabase.withWorkload(System.currentTimeMillis() / 1000);
        workload = TestDatabase.workload();
    }

    @AfterAll
    static void close() {
        ds.close();
    }

    private DataSource counted() {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[]{DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        statements.incrementAndGet();
                        Runnable hook = duringLookup;
                        duringLookup = () -> { };
                        hook.run();
                    }
                    try {
                        return method.invoke(ds, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String unknownId(int seed) {
        return TestKeys.signer(seed).sign(1_700_000_000L + seed, 1, List.of(), "never stored " + seed).id();
    }

    @Test
    void directAnswersBeforeReturning() {
        KnownEvents known = KnownEvents.direct(new EventRepository(ds));
        assertThat(known.isStored(workload.getFirst().id())).isCompletedWithValue(true);
        assertThat(known.isStored(unknownId(1))).isCompletedWithValue(false);
    }

    @Test
    void questionsAskedBeforeTheLookupStartsGoInOneStatement() {
        KnownEvents known = KnownEvents.gathered(new EventRepository(counted()), started::add);
        List<String> ids = new ArrayList<>(workload.subList(0, 5).stream().map(Event::id).toList());
        ids.add(unknownId(2));
        ids.add(workload.getFirst().id());
        List<CompletableFuture<Boolean>> answers = ids.stream().map(known::isStored).toList();

        assertThat(answers).as("nothing answered before the lookup runs").noneMatch(CompletableFuture::isDone);
        assertThat(started).as("one lookup started for all of them").hasSize(1);
        started.getFirst().run();
        assertThat(statements).hasValue(1);
        assertThat(answers.stream().map(CompletableFuture::join).toList())
                .containsExactly(true, true, true, true, true, false, true);

        known.isStored(unknownId(3));
        assertThat(started).as("a question after the lookup ended starts the next").hasSize(2);
    }

    @Test
    void aStatementCarriesAtMostItsCapOfIds() {
        KnownEvents known = KnownEvents.gathered(new EventRepository(counted()), started::add);
        List<CompletableFuture<Boolean>> answers = new ArrayList<>();
        answers.add(known.isStored(workload.getFirst().id()));
        for (int i = 1; i <= GatheredLookups.MAX_IDS; i++) {
            answers.add(known.isStored(String.format("%064x", i)));
        }
        started.getFirst().run();
        assertThat(statements).as("%d ids in statements of at most %d", answers.size(), GatheredLookups.MAX_IDS)
                .hasValue(2);
        assertThat(answers).allMatch(CompletableFuture::isDone);
        assertThat(answers.getFirst()).isCompletedWithValue(true);
        assertThat(answers.getLast()).isCompletedWithValue(false);
    }

    @Test
    void questionsAskedDuringALookupGoTogetherInTheNextByTheSameRunner() {
        KnownEvents known = KnownEvents.gathered(new EventRepository(counted()), started::add);
        List<CompletableFuture<Boolean>> meanwhile = new ArrayList<>();
        duringLookup = () -> IntStream.range(0, 3).forEach(i -> meanwhile.add(known.isStored(
                i == 0 ? workload.get(1).id() : unknownId(10 + i))));
        CompletableFuture<Boolean> first = known.isStored(workload.getFirst().id());
        started.getFirst().run();

        assertThat(first).isCompletedWithValue(true);
        assertThat(started).as("no second runner while one is looking").hasSize(1);
        assertThat(statements).as("the first question, then the three asked meanwhile together").hasValue(2);
        assertThat(meanwhile.stream().map(CompletableFuture::join).toList()).containsExactly(true, false, false);
    }

    @Test
    void aFailedLookupFailsItsQuestionsAndTheNextOnesAreAskedAgain() throws Exception {
        AtomicInteger failures = new AtomicInteger(1);
        DataSource flaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[]{DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection") && failures.getAndDecrement() > 0) {
                        throw new SQLException("the database went away");
                    }
                    try {
                        return method.invoke(ds, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        KnownEvents known = KnownEvents.gathered(new EventRepository(flaky), Runnable::run);
        assertThat(known.isStored(workload.getFirst().id())).isCompletedExceptionally();
        assertThat(known.isStored(workload.getFirst().id())).isCompletedWithValue(true);
    }

    @Test
    void aRefusedRunnerFailsTheQuestionAndTheNextStartsAfresh() {
        AtomicInteger refusals = new AtomicInteger(1);
        KnownEvents known = KnownEvents.gathered(new EventRepository(ds), lookup -> {
            if (refusals.getAndDecrement() > 0) {
                throw new java.util.concurrent.RejectedExecutionException("shutting down");
            }
            lookup.run();
        });
        assertThat(known.isStored(workload.getFirst().id())).isCompletedExceptionally();
        assertThat(known.isStored(workload.getFirst().id())).isCompletedWithValue(true);
    }
}
