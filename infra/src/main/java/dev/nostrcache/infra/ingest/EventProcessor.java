package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.Hex;
import dev.nostrcache.core.event.Event;
import dev.nostrcache.core.event.EventParser;
import dev.nostrcache.core.event.Expiration;
import dev.nostrcache.core.event.InvalidEventException;
import dev.nostrcache.core.event.KindClass;
import dev.nostrcache.core.event.ReplacementKey;
import dev.nostrcache.core.event.ThreadRefs;
import dev.nostrcache.core.crypto.Sha256;
import dev.nostrcache.core.nip.ContactList;
import dev.nostrcache.core.nip.DeletionRequest;
import dev.nostrcache.core.nip.EventRefs;
import dev.nostrcache.core.nip.Profile;
import dev.nostrcache.core.nip.RelayList;
import dev.nostrcache.core.nip.ZapReceipt;
import dev.nostrcache.infra.ingest.StatDeltas.EventStat;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;
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
 * Turns verified events into PostgreSQL state: the event itself (idempotent, newest-wins), the projections of its
 * kind (profile, follow graph, relay list, zap, deletions) and every statistic it feeds. One event is one
 * transaction; a queue batch is a few ({@link #processAll}), since a commit costs more than most events.
 *
 * <p>Every count is a function of the contributing event alone: a reaction counts for the event and author named by
 * its own last {@code e} and {@code p} tags, a zap for its receipt's {@code e} and {@code p}, a reply for its NIP-10
 * parent. Storing an event adds its contribution, removing it (a newer version, a deletion) subtracts it, and a
 * duplicate changes nothing. That makes the counts independent of duplication and arrival order, and equal to a
 * recomputation from the stored events ({@link StatsVerifier}).
 *
 * <p>An event and a deletion request naming it may be processed at the same moment; both take a transaction-scoped
 * advisory lock on the target's id (and its address), so one of them always sees the other.
 */
public final class EventProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(EventProcessor.class);
    private static final int MAX_ATTEMPTS = 5;
    /** Keeps a transaction's advisory locks (one or two per event) far below PostgreSQL's shared lock table. */
    static final int EVENTS_PER_TRANSACTION = 100;
    /**
     * Tags a transaction may carry, roughly the rows it writes: a few contact lists of hundreds of follows each lock
     * that many counter rows, and other transactions must not wait on them for long.
     */
    static final int TAGS_PER_TRANSACTION = 2_000;

    private final DataSource dataSource;
    private final EventRepository events;
    private final EventParser storedEvents = EventParser.forStoredEvents();

    public EventProcessor(DataSource dataSource) {
        this.dataSource = dataSource;
        this.events = new EventRepository(dataSource);
    }

    /**
     * Processes {@code event} (already verified) in its own transaction, retrying deadlocks. Any other database
     * failure is thrown: the caller reports the message as failed so that the queue delivers it again.
     */
    public ProcessResult process(Event event, long nowSeconds) throws SQLException {
        return inTransaction(c -> {
            StatDeltas deltas = new StatDeltas();
            ProcessResult result = process(c, new HeldLocks(), event, nowSeconds, deltas);
            deltas.write(c);
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
                    HeldLocks locks = new HeldLocks();
                    locks.takeAll(c, chunk.stream().flatMap(e -> lockKeys(e).stream()).toList());
                    StatDeltas deltas = new StatDeltas();
                    List<ProcessResult> done = new ArrayList<>(chunk.size());
                    for (Event e : chunk) {
                        done.add(process(c, locks, e, nowSeconds, deltas));
                    }
                    deltas.write(c);
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
                HeldLocks locks = new HeldLocks();
                locks.take(c, idLock(id));
                Event target = findStored(c, "SELECT json FROM events WHERE id = ? FOR UPDATE", Hex.decode(id));
                if (target == null) {
                    return false;
                }
                if (target.replacementKey() != null) {
                    locks.take(c, addressLock(target.replacementKey()));
                }
                StatDeltas deltas = new StatDeltas();
                remove(c, locks, target, deltas);
                deltas.write(c);
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

    /** Stores {@code event} in the caller's transaction, its counter changes added to {@code deltas}. */
    private ProcessResult process(Connection c, HeldLocks locks, Event event, long nowSeconds, StatDeltas deltas)
            throws SQLException {
        if (event.kindClass() == KindClass.EPHEMERAL) {
            return ProcessResult.of(ProcessResult.Outcome.EPHEMERAL);
        }
        if (Expiration.isExpired(event, nowSeconds)) {
            return ProcessResult.of(ProcessResult.Outcome.EXPIRED);
        }
        ReplacementKey key = event.replacementKey();
        locks.take(c, idLock(event.id()));
        if (key != null) {
            locks.take(c, addressLock(key));
        }
        if (event.kind() != 5 && isDeleted(c, event, key)) {
            return ProcessResult.of(ProcessResult.Outcome.DELETED);
        }
        StoreResult stored = events.store(c, event);
        if (!stored.changedState()) {
            return ProcessResult.of(switch (stored.outcome()) {
                case DUPLICATE -> ProcessResult.Outcome.DUPLICATE;
                case STALE -> ProcessResult.Outcome.STALE;
                default -> ProcessResult.Outcome.EPHEMERAL;
            });
        }
        String newPicture = null;
        String note = null;
        switch (event.kind()) {
            case 0 -> newPicture = upsertProfile(c, event);
            case 3 -> applyContactList(c, event.pubkey(), ContactList.follows(event), deltas);
            case 10002 -> replaceRelayList(c, event.pubkey(), RelayList.of(event));
            case 5 -> applyDeletion(c, locks, event, deltas);
            default -> {
                if (stored.replacedJson() != null) {
                    contribute(c, parseStored(stored.replacedJson()), -1, deltas);
                }
                note = contribute(c, event, +1, deltas);
            }
        }
        if (event.kind() == 1 || event.kind() == 30023) {
            deltas.note(event.id(), event.pubkey(), event.createdAt());
        }
        return new ProcessResult(stored.outcome() == StoreResult.Outcome.REPLACED
                ? ProcessResult.Outcome.REPLACED : ProcessResult.Outcome.STORED, newPicture, note);
    }

    /** Adds (sign +1) or takes back (-1) what a counted event contributes; returns why it does not count, if so. */
    private String contribute(Connection c, Event e, int sign, StatDeltas deltas) throws SQLException {
        switch (e.kind()) {
            case 1 -> {
                ThreadRefs thread = ThreadRefs.of(e);
                if (thread.isReply()) {
                    deltas.user(e.pubkey(), UserStat.reply_count, sign);
                    deltas.event(thread.replyTo(), EventStat.replies, sign);
                } else {
                    deltas.user(e.pubkey(), UserStat.note_count, sign);
                }
            }
            case 30023 -> deltas.user(e.pubkey(), UserStat.long_form_note_count, sign);
            case 7 -> {
                EventRefs refs = EventRefs.ofReaction(e);
                deltas.event(refs.event(), EventStat.reactions, sign);
                deltas.user(refs.author(), UserStat.reactions_received, sign);
            }
            case 6, 16 -> {
                EventRefs refs = EventRefs.ofRepost(e);
                deltas.event(refs.event(), EventStat.reposts, sign);
                deltas.user(refs.author(), UserStat.reposts_received, sign);
            }
            case 9735 -> {
                ZapReceipt zap;
                try {
                    zap = ZapReceipt.parse(e);
                } catch (ZapReceipt.MalformedZapException malformed) {
                    if (sign > 0) {
                        LOG.info("zap receipt {} stored without counts: {}", e.id(), malformed.getMessage());
                    }
                    return "malformed zap receipt: " + malformed.getMessage();
                }
                if (sign > 0) {
                    insertZap(c, e, zap);
                }
                deltas.event(zap.targetEvent(), EventStat.zaps, sign);
                deltas.event(zap.targetEvent(), EventStat.zapped_msats, sign * zap.amountMsats());
                deltas.user(zap.recipient(), UserStat.zaps_received, sign);
                deltas.user(zap.recipient(), UserStat.zapped_msats, sign * zap.amountMsats());
            }
            default -> {
                // other kinds are stored by their class and feed no statistic
            }
        }
        return null;
    }

    /** Takes an event out of the state: its projection or contributions, then the row itself. */
    private void remove(Connection c, HeldLocks locks, Event target, StatDeltas deltas) throws SQLException {
        switch (target.kind()) {
            case 0 -> execute(c, "DELETE FROM profiles WHERE pubkey = ? AND event_id = ?",
                    Hex.decode(target.pubkey()), Hex.decode(target.id()));
            case 3 -> applyContactList(c, target.pubkey(), Set.of(), deltas);
            case 10002 -> replaceRelayList(c, target.pubkey(), List.of());
            default -> contribute(c, target, -1, deltas);
        }
        EventRepository.delete(c, target.id());
    }

    private String upsertProfile(Connection c, Event event) throws SQLException {
        byte[] pubkey = Hex.decode(event.pubkey());
        String oldPicture = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT picture FROM profiles WHERE pubkey = ?")) {
            ps.setBytes(1, pubkey);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    oldPicture = rs.getString(1);
                }
            }
        }
        Profile p = Profile.of(event);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO profiles (pubkey, event_id, created_at, name, display_name, picture, about, nip05, lud16,
                                      banner, website, content_is_json, search, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, to_tsvector('simple', ?), now())
                ON CONFLICT (pubkey) DO UPDATE SET event_id = EXCLUDED.event_id, created_at = EXCLUDED.created_at,
                    name = EXCLUDED.name, display_name = EXCLUDED.display_name, picture = EXCLUDED.picture,
                    about = EXCLUDED.about, nip05 = EXCLUDED.nip05, lud16 = EXCLUDED.lud16, banner = EXCLUDED.banner,
                    website = EXCLUDED.website, content_is_json = EXCLUDED.content_is_json, search = EXCLUDED.search,
                    updated_at = now()""")) {
            ps.setBytes(1, pubkey);
            ps.setBytes(2, Hex.decode(event.id()));
            ps.setLong(3, event.createdAt());
            ps.setString(4, p.name());
            ps.setString(5, p.displayName());
            ps.setString(6, p.picture());
            ps.setString(7, p.about());
            ps.setString(8, p.nip05());
            ps.setString(9, p.lud16());
            ps.setString(10, p.banner());
            ps.setString(11, p.website());
            ps.setBoolean(12, p.contentIsJson());
            ps.setString(13, String.join(" ", nonNull(p.name()), nonNull(p.displayName()), nonNull(p.nip05())));
            ps.executeUpdate();
        }
        return p.picture() != null && !p.picture().equals(oldPicture) ? p.picture() : null;
    }

    /** Makes the stored follow graph of {@code follower} equal {@code follows}, counting only what changed. */
    private void applyContactList(Connection c, String follower, Set<String> follows, StatDeltas deltas)
            throws SQLException {
        byte[] followerBytes = Hex.decode(follower);
        Set<String> old = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT followed FROM follows WHERE follower = ?")) {
            ps.setBytes(1, followerBytes);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    old.add(Hex.encode(rs.getBytes(1)));
                }
            }
        }
        Set<String> added = new TreeSet<>(follows);
        added.removeAll(old);
        Set<String> removed = new TreeSet<>(old);
        removed.removeAll(follows);
        batch(c, "DELETE FROM follows WHERE follower = ? AND followed = ?", followerBytes, removed);
        batch(c, "INSERT INTO follows (follower, followed) VALUES (?, ?) ON CONFLICT DO NOTHING", followerBytes, added);
        for (String pubkey : added) {
            deltas.user(pubkey, UserStat.followers_count, 1);
        }
        for (String pubkey : removed) {
            deltas.user(pubkey, UserStat.followers_count, -1);
        }
        deltas.user(follower, UserStat.follows_count, (long) follows.size() - old.size());
    }

    private static void batch(Connection c, String sql, byte[] first, Set<String> seconds) throws SQLException {
        if (seconds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (String second : seconds) {
                ps.setBytes(1, first);
                ps.setBytes(2, Hex.decode(second));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void replaceRelayList(Connection c, String pubkey, List<RelayList.Entry> entries) throws SQLException {
        byte[] key = Hex.decode(pubkey);
        execute(c, "DELETE FROM user_relays WHERE pubkey = ?", key);
        if (entries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_relays (pubkey, url, read, write) VALUES (?, ?, ?, ?)")) {
            for (RelayList.Entry entry : entries) {
                ps.setBytes(1, key);
                ps.setString(2, entry.url());
                ps.setBoolean(3, entry.read());
                ps.setBoolean(4, entry.write());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void applyDeletion(Connection c, HeldLocks locks, Event deletion, StatDeltas deltas) throws SQLException {
        DeletionRequest request = DeletionRequest.of(deletion);
        byte[] requester = Hex.decode(deletion.pubkey());
        byte[] deletionId = Hex.decode(deletion.id());
        for (String id : new TreeSet<>(request.eventIds())) {
            locks.take(c, idLock(id));
            execute(c, "INSERT INTO deletions_by_id (target_id, pubkey, deletion_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    Hex.decode(id), requester, deletionId);
            Event target = findStored(c, "SELECT json FROM events WHERE id = ? AND pubkey = ? FOR UPDATE",
                    Hex.decode(id), requester);
            if (target != null && target.kind() != 5) {
                remove(c, locks, target, deltas);
            }
        }
        for (ReplacementKey address : request.addresses()) {
            locks.take(c, addressLock(address));
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO deletions_by_address (pubkey, kind, d_tag, deleted_up_to, deletion_id)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (pubkey, kind, d_tag) DO UPDATE
                    SET deleted_up_to = GREATEST(deletions_by_address.deleted_up_to, EXCLUDED.deleted_up_to),
                        deletion_id = CASE WHEN EXCLUDED.deleted_up_to > deletions_by_address.deleted_up_to
                                           THEN EXCLUDED.deletion_id ELSE deletions_by_address.deletion_id END""")) {
                ps.setBytes(1, requester);
                ps.setInt(2, address.kind());
                ps.setString(3, address.dTag());
                ps.setLong(4, deletion.createdAt());
                ps.setBytes(5, deletionId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT json FROM events WHERE pubkey = ? AND kind = ? AND d_tag = ? AND created_at <= ? FOR UPDATE")) {
                ps.setBytes(1, requester);
                ps.setInt(2, address.kind());
                ps.setString(3, address.dTag());
                ps.setLong(4, deletion.createdAt());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        remove(c, locks, parseStored(rs.getString(1)), deltas);
                    }
                }
            }
        }
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

    private static void insertZap(Connection c, Event receipt, ZapReceipt zap) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO zaps (receipt_id, target_event, recipient, sender, amount_msats, created_at)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
            ps.setBytes(1, Hex.decode(receipt.id()));
            ps.setBytes(2, zap.targetEvent() == null ? null : Hex.decode(zap.targetEvent()));
            ps.setBytes(3, Hex.decode(zap.recipient()));
            ps.setBytes(4, zap.sender() == null ? null : Hex.decode(zap.sender()));
            ps.setLong(5, zap.amountMsats());
            ps.setLong(6, receipt.createdAt());
            ps.executeUpdate();
        }
    }

    private Event findStored(Connection c, String sql, byte[]... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setBytes(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? parseStored(rs.getString(1)) : null;
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

    private static void execute(Connection c, String sql, byte[]... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setBytes(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Every advisory lock processing {@code event} takes: its id, its address, and a deletion's targets. */
    private static List<Long> lockKeys(Event event) {
        List<Long> keys = new ArrayList<>();
        keys.add(idLock(event.id()));
        if (event.replacementKey() != null) {
            keys.add(addressLock(event.replacementKey()));
        }
        if (event.kind() == 5) {
            DeletionRequest request = DeletionRequest.of(event);
            request.eventIds().forEach(id -> keys.add(idLock(id)));
            request.addresses().forEach(address -> keys.add(addressLock(address)));
        }
        return keys;
    }

    /**
     * The transaction-scoped advisory locks one transaction holds, each taken once. A batch takes all of its locks
     * in one statement in key order, so two batches never wait for each other in a cycle.
     */
    private static final class HeldLocks {
        private final Set<Long> held = new HashSet<>();

        void take(Connection c, long key) throws SQLException {
            if (held.add(key)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    ps.setLong(1, key);
                    ps.execute();
                }
            }
        }

        void takeAll(Connection c, List<Long> keys) throws SQLException {
            Long[] sorted = new TreeSet<>(keys).stream().filter(held::add).toArray(Long[]::new);
            if (sorted.length == 0) {
                return;
            }
            // unnest yields the array in order, and each row takes its lock as it is produced
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(k) FROM unnest(?) AS k")) {
                ps.setArray(1, c.createArrayOf("bigint", sorted));
                ps.execute();
            }
        }
    }

    private static long idLock(String id) {
        return ByteBuffer.wrap(Hex.decode(id.substring(0, 16))).getLong();
    }

    private static long addressLock(ReplacementKey key) {
        return ByteBuffer.wrap(Sha256.digest(("a:" + key.address()).getBytes(StandardCharsets.UTF_8))).getLong();
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
