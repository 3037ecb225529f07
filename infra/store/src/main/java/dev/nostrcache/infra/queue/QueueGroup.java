package dev.nostrcache.infra.queue;

import java.util.Arrays;

/**
 * The queues events travel through, one per group of kinds, so that a slow kind (contact lists) never holds up
 * the others and each group's function is sized for its work. Which kinds travel on which queue is said by
 * {@code KindRegistry} (ingest); kinds it does not name go to {@link #OTHER}.
 */
public enum QueueGroup {
    PROFILES("profiles", "ProfilesQueue", 100),
    NOTES("notes", "NotesQueue", 100),
    /**
     * Contact lists in batches of 100 messages, about 250 lists (a list is ~20 kB; a message of up to 64 KiB carries two
     * or three, SqsEventPublisher): about one transaction's worth (EventProcessor, up to 300 events), in which a
     * follower count changed by several lists is written once. Batches of a third of that took 12 % more PostgreSQL CPU
     * importing the benchmark's 5,000 lists (docs/benchmarks.md, tenth); batches of three times that (300 messages)
     * made the lists alone slower again (twelfth). Lambda cuts a batch at its 6 MB invocation payload, about 250 lists.
     */
    CONTACTS("contacts", "ContactsQueue", 100),
    REACTIONS("reactions", "ReactionsQueue", 100),
    REPOSTS("reposts", "RepostsQueue", 100),
    ZAPS("zaps", "ZapsQueue", 100),
    RELAY_LISTS("relay-lists", "RelayListsQueue", 100),
    DELETIONS("deletions", "DeletionsQueue", 100),
    OTHER("other", "OtherQueue", 100);

    /** Functions time out at 60 s; SQS wants the visibility timeout at six times that for batch retries. */
    private static final int VISIBILITY_TIMEOUT_SECONDS = 360;
    private static final int MAX_RECEIVE_COUNT = 5;

    private final QueueSpec spec;

    QueueGroup(String name, String logicalId, int batchSize) {
        this.spec = new QueueSpec(name, logicalId, VISIBILITY_TIMEOUT_SECONDS, MAX_RECEIVE_COUNT, batchSize, 1);
    }

    public QueueSpec spec() {
        return spec;
    }

    /** The name of the function bean that consumes this queue: {@code ingest} + the group in camel case. */
    public String functionName() {
        StringBuilder name = new StringBuilder("ingest");
        for (String part : spec.name().split("-")) {
            name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return name.toString();
    }

    /** The group whose function is named {@code functionName}. */
    public static QueueGroup forFunction(String functionName) {
        return Arrays.stream(values()).filter(g -> g.functionName().equals(functionName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue group has the function " + functionName));
    }
}
