package dev.nostrcache.infra.queue;

import java.util.Arrays;
import java.util.Set;

/**
 * The queues events travel through, one per group of kinds, so that a slow kind (contact lists) never holds up
 * the others and each group's function is sized for its work. Kinds in no group go to {@link #OTHER}.
 */
public enum QueueGroup {
    PROFILES("profiles", "ProfilesQueue", Set.of(0)),
    NOTES("notes", "NotesQueue", Set.of(1, 30023)),
    CONTACTS("contacts", "ContactsQueue", Set.of(3)),
    REACTIONS("reactions", "ReactionsQueue", Set.of(7)),
    REPOSTS("reposts", "RepostsQueue", Set.of(6, 16)),
    ZAPS("zaps", "ZapsQueue", Set.of(9735)),
    RELAY_LISTS("relay-lists", "RelayListsQueue", Set.of(10002)),
    DELETIONS("deletions", "DeletionsQueue", Set.of(5)),
    OTHER("other", "OtherQueue", Set.of());

    /** Functions time out at 60 s; SQS wants the visibility timeout at six times that for batch retries. */
    private static final int VISIBILITY_TIMEOUT_SECONDS = 360;
    private static final int MAX_RECEIVE_COUNT = 5;

    private final QueueSpec spec;
    private final Set<Integer> kinds;

    QueueGroup(String name, String logicalId, Set<Integer> kinds) {
        this.spec = new QueueSpec(name, logicalId, VISIBILITY_TIMEOUT_SECONDS, MAX_RECEIVE_COUNT, 100, 1);
        this.kinds = kinds;
    }

    public QueueSpec spec() {
        return spec;
    }

    public Set<Integer> kinds() {
        return kinds;
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

    public static QueueGroup forKind(int kind) {
        return Arrays.stream(values()).filter(g -> g.kinds.contains(kind)).findFirst().orElse(OTHER);
    }
}
