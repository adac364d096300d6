package io.nokv.engine.db;

import java.util.TreeMap;

/** Read versions of open iterators: compaction must keep what the oldest of them can see. */
final class LiveSnapshots {
    private final TreeMap<Long, Integer> counts = new TreeMap<>();

    synchronized void register(long readVersion) {
        counts.merge(readVersion, 1, Integer::sum);
    }

    synchronized void unregister(long readVersion) {
        counts.computeIfPresent(readVersion, (k, n) -> n == 1 ? null : n - 1);
    }

    /** The oldest live read version, or Long.MAX_VALUE when no iterator is open. */
    synchronized long oldest() {
        return counts.isEmpty() ? Long.MAX_VALUE : counts.firstKey();
    }
}
