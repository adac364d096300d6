package io.nokv.engine.memtable;

import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.InternalKey;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The in-memory table: internal key → entry value, sorted by {@link InternalKey#COMPARATOR}.
 * Exactly one thread (the write-group leader, or recovery) inserts; any number read concurrently.
 * Once rotated out it is immutable and only read until its flush is installed.
 */
public final class Memtable {
    /** Rough per-entry cost of a skip-list node plus two array headers, so sizing tracks the heap. */
    private static final int ENTRY_OVERHEAD = 64;

    private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(InternalKey.COMPARATOR);
    private final long firstWalSegment;
    /** Written only by the single inserting thread; volatile so stats and readers see it. */
    private volatile long approximateBytes;
    private volatile long entries;
    private volatile long maxVersion = -1;
    /** The first WAL segment that holds none of this table's records; set when it is rotated out. */
    private volatile long endWalSegment = -1;

    public Memtable(long firstWalSegment) {
        this.firstWalSegment = firstWalSegment;
    }

    /** Inserts (or replaces) one entry. Single inserting thread only. */
    public void add(byte[] internalKey, byte[] entryValue, long version) {
        byte[] previous = map.put(internalKey, entryValue);
        if (previous == null) {
            approximateBytes += internalKey.length + entryValue.length + ENTRY_OVERHEAD;
            entries++;
        } else {
            approximateBytes += entryValue.length - previous.length;
        }
        if (version > maxVersion) {
            maxVersion = version;
        }
    }

    /**
     * The newest entry of the lookup key's (cf, user key) at or below its version, or null.
     *
     * @param lookupKey an internal key whose version is the read version
     */
    public Map.Entry<byte[], byte[]> get(byte[] lookupKey) {
        Map.Entry<byte[], byte[]> e = map.ceilingEntry(lookupKey);
        if (e == null || !InternalKey.sameLookupPrefix(e.getKey(), lookupKey)) {
            return null;
        }
        return e;
    }

    public InternalIterator iterator() {
        return new MemtableIterator(map);
    }

    public boolean isEmpty() {
        return map.isEmpty();
    }

    public long approximateBytes() {
        return approximateBytes;
    }

    public long entries() {
        return entries;
    }

    /** Highest version inserted, -1 when empty; lets a point read skip tables that cannot hold newer data. */
    public long maxVersion() {
        return maxVersion;
    }

    public long firstWalSegment() {
        return firstWalSegment;
    }

    public long endWalSegment() {
        return endWalSegment;
    }

    public void markRotated(long nextSegment) {
        this.endWalSegment = nextSegment;
    }
}
