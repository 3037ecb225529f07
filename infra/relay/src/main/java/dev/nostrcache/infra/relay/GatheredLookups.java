package dev.nostrcache.infra.relay;

import dev.nostrcache.infra.storage.EventRepository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link KnownEvents#gathered}: the ids asked while no lookup runs start one on the executor; those asked meanwhile wait
 * for it to end and go together in the next, so there is at most one lookup at a time and it carries everything that
 * waited (at most {@link #MAX_IDS} ids per statement).
 */
final class GatheredLookups implements KnownEvents {
    static final int MAX_IDS = 1000;

    private final EventRepository events;
    private final Executor executor;
    private final Object lock = new Object();
    private Map<String, List<CompletableFuture<Boolean>>> waiting = new LinkedHashMap<>();
    private boolean looking;

    GatheredLookups(EventRepository events, Executor executor) {
        this.events = events;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Boolean> isStored(String id) {
        CompletableFuture<Boolean> answer = new CompletableFuture<>();
        boolean start;
        synchronized (lock) {
            waiting.computeIfAbsent(id, any -> new ArrayList<>(1)).add(answer);
            start = !looking;
            looking = true;
        }
        if (start) {
            try {
                executor.execute(this::lookWhileWaiting);
            } catch (RuntimeException e) {
                failWaiting(e);
            }
        }
        return answer;
    }

    private void lookWhileWaiting() {
        while (true) {
            Map<String, List<CompletableFuture<Boolean>>> batch = new LinkedHashMap<>();
            synchronized (lock) {
                var ids = waiting.entrySet().iterator();
                while (ids.hasNext() && batch.size() < MAX_IDS) {
                    var next = ids.next();
                    batch.put(next.getKey(), next.getValue());
                    ids.remove();
                }
                if (batch.isEmpty()) {
                    looking = false;
                    return;
                }
            }
            try {
                Set<String> stored = events.storedIds(batch.keySet());
                batch.forEach((id, answers) -> answers.forEach(answer -> answer.complete(stored.contains(id))));
            } catch (Exception e) {
                batch.values().forEach(answers -> answers.forEach(answer -> answer.completeExceptionally(e)));
            }
        }
    }

    /** The executor refused the lookup: everything waiting fails, and the next question starts afresh. */
    private void failWaiting(RuntimeException cause) {
        Map<String, List<CompletableFuture<Boolean>>> failed;
        synchronized (lock) {
            failed = waiting;
            waiting = new LinkedHashMap<>();
            looking = false;
        }
        failed.values().forEach(answers -> answers.forEach(answer -> answer.completeExceptionally(cause)));
    }
}
