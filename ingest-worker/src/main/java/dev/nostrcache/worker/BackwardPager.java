package dev.nostrcache.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The pages of one fetch job, newest first: NIP-01 relays answer a filter with its newest events up to a cap of their
 * own, so the next page asks again with {@code until} = the oldest {@code created_at} seen (inclusive: the events of
 * that second that did not fit come again, and duplicates are dropped downstream). {@code until} strictly decreases, so
 * a job always ends.
 *
 * <p>A page whose events all share one second may have been cut at the relay's cap inside that second; that second is
 * then read once per kind before moving below it. A relay holding more of one kind in one second than it answers at
 * once can still hide some; that is reported as a warning rather than looped on.
 */
final class BackwardPager {

    /** One request: {@code kinds} created in [{@code since}, {@code until}], both inclusive. */
    record Page(List<Integer> kinds, long since, long until) {
    }

    /** Answers smaller than this are never taken for a relay's cap (public relays cap at 100 or more). */
    static final int SMALLEST_CAP = 10;

    private final List<Integer> kinds;
    private final long since;
    private final Deque<Integer> sweep = new ArrayDeque<>();
    private long until;
    private int largestPage;
    private boolean done;

    /** A job of {@code kinds} from {@code since} up to {@code until}, both inclusive. */
    BackwardPager(List<Integer> kinds, long since, long until) {
        this.kinds = List.copyOf(kinds);
        this.since = since;
        this.until = until;
        this.done = until < since || kinds.isEmpty();
    }

    /** The next request, or null when the job is done. */
    Page next() {
        if (done) {
            return null;
        }
        Integer kind = sweep.peekFirst();
        return kind == null ? new Page(kinds, since, until) : new Page(List.of(kind), until, until);
    }

    /**
     * Takes the answer to {@link #next()}: how many events in its range came, and the oldest {@code created_at} among
     * them. Returns a warning when events may be missing (more in one second of one kind than the relay answers), else null.
     */
    String answered(int count, long oldest) {
        boolean sweeping = !sweep.isEmpty();
        long second = until;
        // As many as the largest answer so far: the relay may have cut it at its cap (on a first page, unknown). Only
        // an answer of some size is taken for a cap worth a warning: no relay caps at a handful.
        boolean mayBeCut = count > 0 && count >= largestPage;
        boolean capped = mayBeCut && largestPage > 0 && count >= SMALLEST_CAP;
        largestPage = Math.max(largestPage, count);
        if (sweeping) {
            int kind = sweep.removeFirst();
            if (sweep.isEmpty()) {
                below(until);
            }
            return capped ? warning(count, kind, second) : null;
        }
        if (count == 0) {
            done = true;
        } else if (oldest < until) {
            until = oldest;
        } else if (mayBeCut && kinds.size() > 1) {
            sweep.addAll(kinds);
        } else {
            below(until);
            if (capped) {
                return warning(count, kinds.getFirst(), second);
            }
        }
        return null;
    }

    private void below(long second) {
        until = second - 1;
        done = until < since;
    }

    private static String warning(int count, int kind, long second) {
        return "the relay answered " + count + " events of kind " + kind + " created at " + second
                + ", the most it answers at once: more of them may exist there that no filter by time can reach";
    }

    /**
     * Where a restart resumes: the {@code until} of the next whole-range page (during a sweep, the second being
     * swept, so the sweep is done again).
     */
    long resumeUntil() {
        return done ? since - 1 : until;
    }

    boolean done() {
        return done;
    }
}
