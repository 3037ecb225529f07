package dev.nostrcache.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the most recent events seen, bounded: the same event arrives from every relay that has it, and only
 * the first copy needs to travel further. Forgetting an old id only costs a duplicate message downstream, where
 * storage is idempotent anyway.
 */
public final class RecentIds {
    private final Map<String, Boolean> ids;

    public RecentIds(int capacity) {
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** True the first time an id is seen (within the remembered window). */
    public synchronized boolean firstSeen(String id) {
        return ids.putIfAbsent(id, Boolean.TRUE) == null;
    }

    public synchronized int size() {
        return ids.size();
    }
}
