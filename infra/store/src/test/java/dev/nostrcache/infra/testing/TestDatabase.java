package dev.nostrcache.infra.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.nostrcache.core.Limits;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.testing.TestData;
import dev.nostrcache.infra.db.DataSources;
import dev.nostrcache.infra.ingest.EventProcessor;
import dev.nostrcache.infra.db.Migrations;
import dev.nostrcache.infra.ingest.KindRegistry;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.storage.StoreResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One embedded PostgreSQL per test JVM (started on first use, stopped at exit) and a fresh, migrated database for
 * each caller, so test classes never see each other's rows.
 */
public final class TestDatabase {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabase() {
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
        }
        return server;
    }

    /** A new empty database with the schema applied. Close the pool when done. */
    public static HikariDataSource fresh() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        createDatabase(name);
        HikariDataSource ds = DataSources.forLocal(server().getJdbcUrl("postgres", name), "postgres", null);
        Migrations.migrate(ds);
        return ds;
    }

    /** A new database holding the shared workload, processed as ingest would at {@code nowSeconds}. */
    public static HikariDataSource withWorkload(long nowSeconds) throws Exception {
        HikariDataSource ds = fresh();
        EventProcessor processor = new EventProcessor(ds);
        for (Event event : workload()) {
            processor.process(event, nowSeconds);
        }
        return ds;
    }

    /** The shared workload's events, parsed, in file order. */
    public static List<Event> workload() throws Exception {
        EventParser parser = new EventParser(Limits.DEFAULTS);
        List<Event> events = new ArrayList<>();
        for (String line : TestData.lines("workload-events.jsonl")) {
            events.add(parser.parse(line));
        }
        return events;
    }

    /**
     * Stores only {@code event}'s row (no profile, follows or counts), in its own transaction: for tests that need
     * an event present without what ingest derives from it.
     */
    public static StoreResult storeRow(DataSource ds, Event event) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            StoreResult result = new EventRepository(ds).store(c, event, KindRegistry.STANDARD.columnsOf(event));
            c.commit();
            return result;
        }
    }

    /** A new empty database without the schema. */
    public static String freshJdbcUrl() {
        String name = "empty_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        createDatabase(name);
        return server().getJdbcUrl("postgres", name);
    }

    private static void createDatabase(String name) {
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
    }

    /**
     * Makes the database refuse to store an event whose row matches {@code condition} (SQL over {@code NEW}, e.g.
     * {@code NEW.json LIKE '%poison%'}), with the error {@code this event is refused}: a failure of the database
     * itself, for the tests of what the ingest path does with one.
     */
    public static void refuseEventsWhere(DataSource ds, String condition) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF " + condition
                    + " THEN RAISE EXCEPTION 'this event is refused'; END IF; RETURN NEW; END $$");
            s.execute("CREATE TRIGGER refuse_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_event()");
        }
    }

    /** Takes back {@link #refuseEventsWhere}. */
    public static void acceptEventsAgain(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TRIGGER refuse_event ON events");
            s.execute("DROP FUNCTION refuse_event()");
        }
    }
}
