package dev.nostrcache.infra.queue;

import java.util.ArrayList;
import java.util.List;

/** Every queue of the system: the single list that the template test and the local runtime both read. */
public final class Queues {
    /**
     * Avatar download jobs: a small batch (each may take 10 s on its origin, plus an upstream look-up); the visibility
     * timeout covers six of the avatar function's 30-second timeouts.
     */
    public static final QueueSpec AVATARS = new QueueSpec("avatars", "AvatarsQueue", 180, 3, 5, 0);

    private Queues() {
    }

    public static List<QueueSpec> all() {
        List<QueueSpec> all = new ArrayList<>();
        for (QueueGroup group : QueueGroup.values()) {
            all.add(group.spec());
        }
        all.add(AVATARS);
        return List.copyOf(all);
    }
}
