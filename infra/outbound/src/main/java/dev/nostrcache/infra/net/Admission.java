package dev.nostrcache.infra.net;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * At most so many pieces of work at once, admitted in the order they arrived (a fair semaphore). The local gateway
 * runs its WebSocket invocations through one: with a hundred clients and an invocation each, they no longer all run
 * at once on two cores, each taking and waiting for database connections in whatever order the pool hands them out
 * (which left a few requests waiting many times the average); each waits once, in line, then runs with the machine
 * to itself. Measured on the benchmark's feed at 100 clients (two cores): p99 295-587 ms without, 150-180 ms with eight
 * turns.
 * <p>
 * Work that waits on another machine for a while (the upstream relays asked for a profile) calls
 * {@link #awayWhile}: its turn goes to the next in line meanwhile, and it queues again when the wait is over. Without
 * an admission (on Lambda, where every invocation is alone in its container), {@code awayWhile} just waits.
 */
public final class Admission {
    /** The admission whose turn the current thread holds, if any. */
    private static final ThreadLocal<Admission> HELD = new ThreadLocal<>();

    private final Semaphore turns;

    /** @param turns how many pieces of work run at once (at least one) */
    public Admission(int turns) {
        if (turns < 1) {
            throw new IllegalArgumentException("an admission needs at least one turn, not " + turns);
        }
        this.turns = new Semaphore(turns, true);
    }

    /** Runs {@code work} once its turn comes. */
    public <T> T run(Supplier<T> work) {
        turns.acquireUninterruptibly();
        HELD.set(this);
        try {
            return work.get();
        } finally {
            HELD.remove();
            turns.release();
        }
    }

    /** A wait that needs no CPU here. */
    @FunctionalInterface
    public interface Wait {
        void await() throws InterruptedException;
    }

    /**
     * Waits outside the current thread's turn, if it holds one: the turn is given back for the wait and taken again
     * (behind whoever came meanwhile) after it.
     */
    public static void awayWhile(Wait wait) throws InterruptedException {
        Admission held = HELD.get();
        if (held == null) {
            wait.await();
            return;
        }
        held.turns.release();
        HELD.remove();
        try {
            wait.await();
        } finally {
            held.turns.acquireUninterruptibly();
            HELD.set(held);
        }
    }

    /** Turns free now (tests check that every turn comes back). */
    public int freeTurns() {
        return turns.availablePermits();
    }
}
