package dev.nostrcache.infra.ingest;

import dev.nostrcache.core.event.Event;
import dev.nostrcache.infra.ingest.StatDeltas.EventStat;
import dev.nostrcache.infra.ingest.StatDeltas.UserStat;
import dev.nostrcache.infra.queue.QueueGroup;
import dev.nostrcache.infra.storage.EventColumns;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the cache knows about a kind, in one place: the queue its events travel on, what storing one does
 * beyond its row ({@link KindProjection}), and how {@code verify-stats} recomputes the counts it feeds from the
 * stored data ({@link Recount}). The queue catalog ({@link #queueOf}), {@link EventProcessor} and
 * {@link StatsVerifier} all read it. Kinds in no entry travel on {@link QueueGroup#OTHER} and are stored by their
 * class only.
 *
 * <p>Adding a counted kind: an entry here (its kinds, queue, projection and recounts), its projection class, and a
 * migration when it feeds a counter that does not exist yet (a column of {@code user_stats} or {@code event_stats},
 * named in {@link StatDeltas}).
 */
public final class KindRegistry {

    /**
     * One recomputation for {@code verify-stats}: {@code sql} selects {@code (key, amount)} rows, a pubkey for a user
     * counter or an event id for an event counter; {@code %s} in it stands for the entry's kinds. The
     * {@code recomputed_follows} relation (follower, followed) is the follow graph recomputed from the stored lists.
     */
    public record Recount(String table, String counter, String sql) {
        static Recount user(UserStat counter, String sql) {
            return new Recount("user_stats", counter.name(), sql);
        }

        static Recount event(EventStat counter, String sql) {
            return new Recount("event_stats", counter.name(), sql);
        }
    }

    /** One family of kinds handled alike. */
    public record Entry(String name, Set<Integer> kinds, QueueGroup queue, KindProjection projection, List<Recount> recounts) {
        public Entry {
            kinds = Set.copyOf(kinds);
            recounts = List.copyOf(recounts);
        }

        /** The recount SQL with this entry's kinds in it. */
        String sql(Recount recount) {
            return recount.sql().replace("%s", String.join(", ", kinds.stream().sorted().map(String::valueOf).toList()));
        }
    }

    public static final KindRegistry STANDARD = new KindRegistry(List.of(
            new Entry("profiles", Set.of(0), QueueGroup.PROFILES, new ProfileProjection(), List.of()),
            new Entry("notes", Set.of(1), QueueGroup.NOTES, new NoteProjection(), List.of(
                    Recount.user(UserStat.note_count, "SELECT pubkey, 1 FROM events WHERE kind IN (%s) AND reply_to IS NULL"),
                    Recount.user(UserStat.reply_count, "SELECT pubkey, 1 FROM events WHERE kind IN (%s) AND reply_to IS NOT NULL"),
                    Recount.event(EventStat.replies, "SELECT reply_to, 1 FROM events WHERE kind IN (%s) AND reply_to IS NOT NULL"),
                    Recount.event(EventStat.quotes, "SELECT decode(value, 'hex'), 1 FROM event_tags WHERE name = 'q' AND kind IN (%s) AND value ~ '^[0-9a-f]{64}$'"))),
            new Entry("long-form", Set.of(30023), QueueGroup.NOTES, new LongFormProjection(), List.of(
                    Recount.user(UserStat.long_form_note_count, "SELECT pubkey, 1 FROM events WHERE kind IN (%s)"))),
            new Entry("contacts", Set.of(3), QueueGroup.CONTACTS, new ContactListProjection(), List.of(
                    Recount.user(UserStat.followers_count, "SELECT followed, 1 FROM recomputed_follows"),
                    Recount.user(UserStat.follows_count, "SELECT follower, 1 FROM recomputed_follows"))),
            new Entry("reactions", Set.of(7), QueueGroup.REACTIONS, ReferenceProjection.reactions(), List.of(
                    Recount.user(UserStat.reactions_received, "SELECT ref_pubkey, 1 FROM events WHERE kind IN (%s) AND ref_pubkey IS NOT NULL"),
                    Recount.event(EventStat.reactions, "SELECT ref_event, 1 FROM events WHERE kind IN (%s) AND ref_event IS NOT NULL"))),
            new Entry("reposts", Set.of(6, 16), QueueGroup.REPOSTS, ReferenceProjection.reposts(), List.of(
                    Recount.user(UserStat.reposts_received, "SELECT ref_pubkey, 1 FROM events WHERE kind IN (%s) AND ref_pubkey IS NOT NULL"),
                    Recount.event(EventStat.reposts, "SELECT ref_event, 1 FROM events WHERE kind IN (%s) AND ref_event IS NOT NULL"))),
            new Entry("zaps", Set.of(9735), QueueGroup.ZAPS, new ZapProjection(), List.of(
                    Recount.user(UserStat.zaps_received, "SELECT recipient, 1 FROM zaps"),
                    Recount.user(UserStat.zapped_msats, "SELECT recipient, amount_msats FROM zaps"),
                    Recount.event(EventStat.zaps, "SELECT target_event, 1 FROM zaps WHERE target_event IS NOT NULL"),
                    Recount.event(EventStat.zapped_msats, "SELECT target_event, amount_msats FROM zaps WHERE target_event IS NOT NULL"))),
            new Entry("relay-lists", Set.of(10002), QueueGroup.RELAY_LISTS, new RelayListProjection(), List.of()),
            new Entry("deletions", Set.of(5), QueueGroup.DELETIONS, new DeletionProjection(), List.of())));

    private final List<Entry> entries;
    private final Map<Integer, Entry> byKind = new HashMap<>();

    KindRegistry(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry entry : entries) {
            for (int kind : entry.kinds()) {
                if (byKind.put(kind, entry) != null) {
                    throw new IllegalArgumentException("kind " + kind + " is in two entries");
                }
            }
        }
    }

    /** This registry and {@code entry}; the entry's kinds must be in none of this registry's entries. */
    KindRegistry with(Entry entry) {
        List<Entry> all = new ArrayList<>(entries);
        all.add(entry);
        return new KindRegistry(all);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The queue events of {@code kind} travel on. */
    public QueueGroup queueOf(int kind) {
        Entry entry = byKind.get(kind);
        return entry == null ? QueueGroup.OTHER : entry.queue();
    }

    /** The kinds that travel on {@code queue} by an entry (OTHER: none named; it takes every other kind). */
    public Set<Integer> kindsOf(QueueGroup queue) {
        Set<Integer> kinds = new LinkedHashSet<>();
        entries.stream().filter(e -> e.queue() == queue).forEach(e -> kinds.addAll(e.kinds()));
        return kinds;
    }

    /** The columns of {@code event}'s row, as its kind's projection reads them. */
    public EventColumns columnsOf(Event event) {
        return projectionOf(event.kind()).read(event).columns();
    }

    KindProjection projectionOf(int kind) {
        Entry entry = byKind.get(kind);
        return entry == null ? KindProjection.STORED_ONLY : entry.projection();
    }
}
