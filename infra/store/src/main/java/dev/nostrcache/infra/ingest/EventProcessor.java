package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.Expiration;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.infra.db.DatabaseFailures;
import dev.nostrcache.infra.storage.EventRepository;
import dev.nostrcache.infra.storage.StoreResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns verified events into PostgreSQL state: the event itself (idempotent, newest-wins), then what its kind's
 * entry in the {@link KindRegistry} projects from it (profile, follow graph, relay list, deletions, counts). One
 * event is one transaction; a queue batch is a few ({@link #processAll}), since a commit costs more than most events.
 *
 * <p>Every count is a function of the contributing event alone ({@link CountedKind}), which makes the counts
 * independent of duplication and arrival order, and equal to a recomputation from the stored events
 * ({@link StatsVerifier}).
 *
 * <p>An event and a deletion request naming it may be processed at the same moment; both take a transaction-scoped
 * advisory lock on the target's id (and its address), so one of them always sees the other.
 */
public final class EventProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(EventProcessor.class);
    private static final int MAX_ATTEMPTS = 5;
    /**
     * Keeps a transaction's advisory locks (one or two per event: up to 600) well inside PostgreSQL's shared lock
     * table (64 per allowed connection: 6,400 at 100 connections). Should the table still fill, the transaction fails
     * and is done again one event per transaction ({@link #processAll}), so nothing is lost.
     */
    static final int EVENTS_PER_TRANSACTION = 300;
    /**
     * Tags a transaction may carry, roughly the counter rows it writes: about 350 contact lists. A follower count
     * changed by several lists of one transaction is written once, and that write was the database's biggest cost
     * importing contact lists: at 2,000 tags (seven lists) 1.34 million row updates for the benchmark's 5,000 lists,
     * at 30,000 0.89 million (13.6 s of statement time against 9.9 s); at 100,000, with the contact lists' batches
     * of 300, 12 % less PostgreSQL CPU again. Those rows stay locked only from the transaction's one counter
     * statement, at its end and in key order, to its commit: a few tenths of a second.
     */
    static final int TAGS_PER_TRANSACTION = 100_000;

    private final DataSource dataSource;
    private final KindRegistry kinds;
    private final EventRepository events;
    private final EventParser storedEvents = EventParser.forStoredEvents();

    public EventProcessor(DataSource dataSource) {
        this(dataSource, KindRegistry.STANDARD);
    }

    EventProcessor(DataSource dataSource, KindRegistry kinds) {
        this.dataSource = dataSource;
        this.kinds = kinds;
        this.events = new EventRepository(dataSource);
    }

    /**
     * Processes {@code event} (already verified) in its own transaction, retrying deadlocks. Any other database
     * failure is thrown: the caller reports the message as failed so that the queue delivers it again.
     */
    public ProcessResult process(Event event, long nowSeconds) throws SQLException {
        return inTransaction(c -> {
            Tx tx = new Tx(c);
            ProcessResult result = process(tx, event, nowSeconds);
            tx.deltas.write(c);
            return result;
        });
    }

    /** What {@link #processAll} did with one event: its result, or the failure that kept it out (to be retried). */
    public record Processed(Event event, ProcessResult result, Exception failure) {
    }

    /**
     * Processes {@code events} (already verified) in transactions of up to {@value #EVENTS_PER_TRANSACTION} events
     * and {@value #TAGS_PER_TRANSACTION} tags (an event alone may have more): the advisory
     * locks of a whole transaction are taken at its start in key order, and its counter changes are summed and
     * written once at its end. A transaction that fails for any other reason than a deadlock is done again one event
     * per transaction, so that one event the database refuses keeps only itself out; when the database is away,
     * that transaction's events and all after it fail at once. The results are in the order
     * of {@code events}.
     */
    public List<Processed> processAll(List<Event> events, long nowSeconds) {
        List<Processed> processed = new ArrayList<>(events.size());
        for (int from = 0, to; from < events.size(); from = to) {
            to = from + 1;
            for (int tags = events.get(from).tags().size(); to < events.size() && to - from < EVENTS_PER_TRANSACTION
                    && tags + events.get(to).tags().size() <= TAGS_PER_TRANSACTION; to++) {
                tags += events.get(to).tags().size();
            }
            List<Event> chunk = events.subList(from, to);
            try {
                List<ProcessResult> results = inTransaction(c -> {
                    Tx tx = new Tx(c);
                    tx.lockAll(chunk.stream().flatMap(e -> lockKeys(e).stream()).toList());
                    List<ProcessResult> done = process(tx, chunk, nowSeconds);
                    tx.deltas.write(c);
                    return done;
                });
                for (int i = 0; i < chunk.size(); i++) {
                    processed.add(new Processed(chunk.get(i), results.get(i), null));
                }
            } catch (SQLException | RuntimeException e) {
                if (DatabaseFailures.isUnreachable(e)) {
                    // Nothing else would get through either: fail the rest at once, for the queue to deliver again.
                    for (Event event : events.subList(from, events.size())) {
                        processed.add(new Processed(event, null, e));
                    }
                    return processed;
                }
                LOG.warn("a transaction of {} events failed ({}); storing them one by one", chunk.size(), e.toString());
                for (Event event : chunk) {
                    try {
                        processed.add(new Processed(event, process(event, nowSeconds), null));
                    } catch (SQLException | RuntimeException failure) {
                        processed.add(new Processed(event, null, failure));
                    }
                }
            }
        }
        return processed;
    }

    /**
     * Removes up to {@code max} stored events whose NIP-40 expiration has passed, each in its own transaction, taking
     * back what it contributed to the statistics (queries already hide them; this frees the space). Returns how many
     * were removed.
     */
    public int removeExpired(long nowSeconds, int max) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT encode(id, 'hex') FROM events WHERE expires_at <= ? ORDER BY expires_at LIMIT ?")) {
            ps.setLong(1, nowSeconds);
            ps.setInt(2, max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        int removed = 0;
        for (String id : ids) {
            boolean gone = inTransaction(c -> {
                Tx tx = new Tx(c);
                tx.lock(idLock(id));
                Event target = tx.findStored("SELECT json FROM events WHERE id = ? FOR UPDATE", Hex.decode(id));
                if (target == null) {
                    return false;
                }
                if (target.replacementKey() != null) {
                    tx.lock(addressLock(target.replacementKey()));
                }
                tx.remove(target);
                tx.deltas.write(c);
                return true;
            });
            removed += gone ? 1 : 0;
        }
        return removed;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction, again on a deadlock or serialisation failure. */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    if (attempt < MAX_ATTEMPTS && e instanceof SQLException sql && isTransient(sql)) {
                        continue;
                    }
                    throw e;
                }
            }
        }
    }

    /** A deadlock or serialisation failure, also when a batched statement reports it as the batch's next exception. */
    private static boolean isTransient(SQLException e) {
        for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
            if ("40P01".equals(cause.getSQLState()) || "40001".equals(cause.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Stores {@code chunk} in {@code tx}: the events it can store together ({@link #storeTogether}: regular,
     * replaceable and addressable ones, not expired) with one statement per table, the others (ephemeral, expired,
     * and a replaceable one whose address already holds a version) one by one. A chunk with a deletion request goes
     * one by one in its order, so that the events after the request see it.
     */
    private List<ProcessResult> process(Tx tx, List<Event> chunk, long nowSeconds) throws SQLException {
        ProcessResult[] results = new ProcessResult[chunk.size()];
        if (chunk.stream().allMatch(e -> kinds.projectionOf(e.kind()).deletable())) {
            List<Integer> together = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                Event e = chunk.get(i);
                if (e.kindClass() != KindClass.EPHEMERAL && !Expiration.isExpired(e, nowSeconds)) {
                    together.add(i);
                }
            }
            if (together.size() > 1) {
                storeTogether(tx, chunk, together, results);
            }
        }
        for (int i = 0; i < chunk.size(); i++) {
            if (results[i] == null) {
                results[i] = process(tx, chunk.get(i), nowSeconds);
            }
        }
        return List.of(results);
    }

    /**
     * The set-based path for the storable events of a chunk (their locks already held): the deletion requests that
     * keep some of them out in two queries, the rows in one statement per table, then each stored event's projection
     * (counts gathered in the transaction's deltas). A regular event not inserted is a duplicate; a replaceable or
     * addressable one is left without a result, for {@link #process(Tx, Event, long)} to apply newest-wins against
     * the version its address holds (which may be one inserted here). Equal in effect to that method on each.
     */
    private void storeTogether(Tx tx, List<Event> chunk, List<Integer> storable, ProcessResult[] results)
            throws SQLException {
        List<Event> storableEvents = storable.stream().map(chunk::get).toList();
        Set<String> deleted = deletedById(tx.connection, storableEvents);
        deleted.addAll(deletedByAddress(tx.connection, storableEvents));
        List<Integer> candidates = new ArrayList<>();
        List<Reading> readings = new ArrayList<>();
        for (int i : storable) {
            Event e = chunk.get(i);
            if (deleted.contains(e.id())) {
                results[i] = ProcessResult.of(ProcessResult.Outcome.DELETED);
            } else {
                candidates.add(i);
                readings.add(kinds.projectionOf(e.kind()).read(e));
            }
        }
        boolean[] inserted = events.insertAbsent(tx.connection, candidates.stream().map(chunk::get).toList(),
                readings.stream().map(Reading::columns).toList());
        for (int k = 0; k < candidates.size(); k++) {
            int i = candidates.get(k);
            Event e = chunk.get(i);
            if (!inserted[k]) {
                if (e.kindClass() == KindClass.REGULAR) {
                    results[i] = ProcessResult.of(ProcessResult.Outcome.DUPLICATE);
                }
                continue;
            }
            KindProjection.Applied applied = kinds.projectionOf(e.kind()).apply(tx, e, readings.get(k), null);
            results[i] = new ProcessResult(ProcessResult.Outcome.STORED, applied.newPicture(), applied.notCounted());
        }
    }

    /**
     * Which of {@code events} (ids) a stored deletion request of their author names by address with a time at or
     * after theirs: NIP-09's {@code a} deletions, for replaceable and addressable events.
     */
    private static Set<String> deletedByAddress(Connection c, List<Event> events) throws SQLException {
        List<Event> addressed = events.stream().filter(e -> e.replacementKey() != null).toList();
        Set<String> deleted = new HashSet<>();
        if (addressed.isEmpty()) {
            return deleted;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT u.i FROM deletions_by_address d
                JOIN unnest(?::bytea[], ?::integer[], ?::text[], ?::bigint[]) WITH ORDINALITY AS u(pubkey, kind, d_tag,
                     created_at, i)
                  ON d.pubkey = u.pubkey AND d.kind = u.kind AND d.d_tag = u.d_tag
                WHERE u.created_at <= d.deleted_up_to""")) {
            ps.setArray(1, c.createArrayOf("bytea",
                    addressed.stream().map(e -> Hex.decode(e.replacementKey().pubkey())).toArray(byte[][]::new)));
            ps.setArray(2, c.createArrayOf("integer", addressed.stream().map(Event::kind).toArray(Integer[]::new)));
            ps.setArray(3, c.createArrayOf("text",
                    addressed.stream().map(e -> e.replacementKey().dTag()).toArray(String[]::new)));
            ps.setArray(4, c.createArrayOf("bigint", addressed.stream().map(Event::createdAt).toArray(Long[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(addressed.get((int) rs.getLong(1) - 1).id());
                }
            }
        }
        return deleted;
    }

    /** Which of {@code events} a stored deletion request of their own author names by id. */
    private static Set<String> deletedById(Connection c, List<Event> events) throws SQLException {
        Set<String> deleted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT encode(d.target_id, 'hex') FROM deletions_by_id d
                JOIN unnest(?::bytea[], ?::bytea[]) AS u(id, pubkey) ON d.target_id = u.id AND d.pubkey = u.pubkey""")) {
            ps.setArray(1, c.createArrayOf("bytea", events.stream().map(e -> Hex.decode(e.id())).toArray(byte[][]::new)));
            ps.setArray(2, c.createArrayOf("bytea", events.stream().map(e -> Hex.decode(e.pubkey())).toArray(byte[][]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    deleted.add(rs.getString(1));
                }
            }
        }
        return deleted;
    }

    /** Stores {@code event} in {@code tx}, its counter changes added to the transaction's deltas. */
    private ProcessResult process(Tx tx, Event event, long nowSeconds) throws SQLException {
        if (event.kindClass() == KindClass.EPHEMERAL) {
            return ProcessResult.of(ProcessResult.Outcome.EPHEMERAL);
        }
        if (Expiration.isExpired(event, nowSeconds)) {
            return ProcessResult.of(ProcessResult.Outcome.EXPIRED);
        }
        ReplacementKey key = event.replacementKey();
        tx.lock(idLock(event.id()));
        if (key != null) {
            tx.lock(addressLock(key));
        }
        KindProjection projection = kinds.projectionOf(event.kind());
        if (projection.deletable() && isDeleted(tx.connection, event, key)) {
            return ProcessResult.of(ProcessResult.Outcome.DELETED);
        }
        Reading reading = projection.read(event);
        StoreResult stored = events.store(tx.connection, event, reading.columns());
        if (!stored.changedState()) {
            return ProcessResult.of(switch (stored.outcome()) {
                case DUPLICATE -> ProcessResult.Outcome.DUPLICATE;
                case STALE -> ProcessResult.Outcome.STALE;
                default -> ProcessResult.Outcome.EPHEMERAL;
            });
        }
        KindProjection.Applied applied = projection.apply(tx, event, reading, stored.replacedJson());
        return new ProcessResult(stored.outcome() == StoreResult.Outcome.REPLACED
                ? ProcessResult.Outcome.REPLACED : ProcessResult.Outcome.STORED, applied.newPicture(), applied.notCounted());
    }

    private static boolean isDeleted(Connection c, Event event, ReplacementKey key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM deletions_by_id WHERE target_id = ? AND pubkey = ?")) {
            ps.setBytes(1, Hex.decode(event.id()));
            ps.setBytes(2, Hex.decode(event.pubkey()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        if (key == null) {
            return false;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT deleted_up_to FROM deletions_by_address WHERE pubkey = ? AND kind = ? AND d_tag = ?")) {
            ps.setBytes(1, Hex.decode(key.pubkey()));
            ps.setInt(2, key.kind());
            ps.setString(3, key.dTag());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && event.createdAt() <= rs.getLong(1);
            }
        }
    }

    private Event parseStored(String json) throws SQLException {
        try {
            return storedEvents.parse(json);
        } catch (InvalidEventException e) {
            throw new SQLException("a stored event does not parse: " + e.reason());
        }
    }

    /** Every advisory lock processing {@code event} takes: its id, its address, and a deletion's targets. */
    private List<Long> lockKeys(Event event) {
        List<Long> keys = new ArrayList<>();
        keys.add(idLock(event.id()));
        if (event.replacementKey() != null) {
            keys.add(addressLock(event.replacementKey()));
        }
        kinds.projectionOf(event.kind()).addLockKeys(event, keys);
        return keys;
    }

    /**
     * One transaction of the processor: its connection, its counter changes, and the transaction-scoped advisory
     * locks it holds, each taken once. A batch takes all of its locks in one statement in key order, so two batches
     * never wait for each other in a cycle.
     */
    private final class Tx implements IngestTransaction {
        private final Connection connection;
        private final StatDeltas deltas = new StatDeltas();
        private final Set<Long> held = new HashSet<>();

        Tx(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public StatDeltas deltas() {
            return deltas;
        }

        @Override
        public void lock(long key) throws SQLException {
            if (held.add(key)) {
                try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, key);
                    ps.execute();
                }
            }
        }

        void lockAll(List<Long> keys) throws SQLException {
            Long[] sorted = new TreeSet<>(keys).stream().filter(held::add).toArray(Long[]::new);
            if (sorted.length == 0) {
                return;
            }
            // unnest yields the array in order, and each row takes its lock as it is produced
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_xact_lock(k) FROM unnest(?) AS k")) {
                ps.setArray(1, connection.createArrayOf("bigint", sorted));
                ps.execute();
            }
        }

        @Override
        public boolean deletable(Event target) {
            return kinds.projectionOf(target.kind()).deletable();
        }

        @Override
        public void remove(Event target) throws SQLException {
            kinds.projectionOf(target.kind()).remove(this, target);
            EventRepository.delete(connection, target.id());
        }

        @Override
        public Event parseStored(String json) throws SQLException {
            return EventProcessor.this.parseStored(json);
        }

        @Override
        public Event findStored(String sql, byte[]... params) throws SQLException {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setBytes(i + 1, params[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? parseStored(rs.getString(1)) : null;
                }
            }
        }
    }

    static long idLock(String id) {
        return ByteBuffer.wrap(Hex.decode(id.substring(0, 16))).getLong();
    }

    static long addressLock(ReplacementKey key) {
        return ByteBuffer.wrap(Sha256.digest(("a:" + key.address()).getBytes(StandardCharsets.UTF_8))).getLong();
    }
}
