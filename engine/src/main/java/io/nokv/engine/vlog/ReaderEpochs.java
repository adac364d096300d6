package io.nokv.engine.vlog;

import java.util.TreeMap;

/**
 * Which readers may still follow pointers into a segment GC has emptied. Long-lived readers
 * (iterators, which may hold pointers read before GC switched them) enter with the current epoch;
 * GC advances the epoch after switching a segment's pointers and deletes the segment once no
 * reader from an earlier epoch is left. Point reads need no entry: they retry on
 * {@link SegmentGoneException}.
 */
public final class ReaderEpochs {
    private final TreeMap<Long, Integer> active = new TreeMap<>();
    private long epoch;

    public synchronized long enter() {
        active.merge(epoch, 1, Integer::sum);
        return epoch;
    }

    public synchronized void exit(long enteredEpoch) {
        active.computeIfPresent(enteredEpoch, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Starts a new epoch and returns it: readers that entered before it may hold old pointers. */
    public synchronized long advance() {
        return ++epoch;
    }

    /** True while some reader that entered before {@code epoch} is still active. */
    public synchronized boolean anyBefore(long epoch) {
        return !active.isEmpty() && active.firstKey() < epoch;
    }
}
