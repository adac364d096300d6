package io.nokv.engine.memtable;

import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;

/**
 * The in-memory table: internal key → entry value in {@link InternalKey#COMPARATOR} order, kept in
 * an {@link ArenaSkipList}. One thread at a time inserts (the write-group leader, or recovery);
 * any number read concurrently. Once rotated out it is immutable and only read until its flush
 * is installed.
 */
public final class Memtable {
    private final ArenaSkipList list;
    private final PrefixFilter filter;
    private final long firstWalSegment;
    /** Writer-only scratch for encoding internal keys without allocating. */
    private byte[] scratch = new byte[64];
    private volatile long entries;
    private volatile long maxVersion = -1;
    /** The first WAL segment that holds none of this table's records; set when it is rotated out. */
    private volatile long endWalSegment = -1;

    /** @param expectedBytes about how much it will hold before rotation ({@code Options.memtableBytes}) */
    public Memtable(long firstWalSegment, long expectedBytes) {
        this.firstWalSegment = firstWalSegment;
        this.list = new ArenaSkipList(expectedBytes);
        this.filter = new PrefixFilter(expectedBytes);
    }

    /** Inserts (or replaces) one entry; a null value is a tombstone. Single inserting thread only. */
    public void add(int cfId, byte[] userKey, long version, byte[] valueOrNull) {
        if (valueOrNull == null) {
            insert(cfId, userKey, version, EntryValue.KIND_DELETE, EMPTY, 0, 0);
        } else {
            insert(cfId, userKey, version, EntryValue.KIND_VALUE, valueOrNull, 0, valueOrNull.length);
        }
    }

    /** Inserts (or replaces) one entry given as a whole entry value (value-log pointers, entries with an expiry). */
    public void addEntry(int cfId, byte[] userKey, long version, byte[] entryValue) {
        insert(cfId, userKey, version, entryValue[0], entryValue, 1, entryValue.length - 1);
    }

    private void insert(int cfId, byte[] userKey, long version, byte kind, byte[] payload, int payloadOff, int payloadLen) {
        int keyLen = 1 + userKey.length + InternalKey.TRAILER_BYTES;
        if (scratch.length < keyLen) {
            scratch = new byte[Math.max(keyLen, scratch.length * 2)];
        }
        byte[] k = scratch;
        k[0] = (byte) cfId;
        System.arraycopy(userKey, 0, k, 1, userKey.length);
        long inverted = Long.MAX_VALUE - version;
        for (int i = keyLen - 1; i >= keyLen - InternalKey.TRAILER_BYTES; i--) {
            k[i] = (byte) inverted;
            inverted >>>= 8;
        }
        filter.add(k, keyLen - InternalKey.TRAILER_BYTES);
        boolean added = list.put(k, keyLen, kind, payload, payloadOff, payloadLen);
        if (added) {
            entries++;
        }
        if (version > maxVersion) {
            maxVersion = version;
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * The newest entry of the lookup key's (cf, user key) at or below its version: a handle for
     * {@link #version}, {@link #isTombstone} and {@link #payload}, or 0 when there is none.
     *
     * @param lookupKey an internal key whose version is the read version
     */
    public int find(byte[] lookupKey) {
        if (entries == 0 || !filter.mayContain(lookupKey, lookupKey.length - InternalKey.TRAILER_BYTES)) {
            return 0;
        }
        int node = list.seekGreaterOrEqual(lookupKey);
        if (node == 0 || !list.samePrefix(node, lookupKey)) {
            return 0;
        }
        return node;
    }

    public long version(int handle) {
        return list.version(handle);
    }

    public boolean isTombstone(int handle) {
        return list.kind(handle) == EntryValue.KIND_DELETE;
    }

    public byte[] payload(int handle) {
        return list.payload(handle);
    }

    /** The whole entry value ([kind][expiry?][payload]) as a fresh array. */
    public byte[] entry(int handle) {
        return list.value(handle);
    }


    public InternalIterator iterator() {
        return new MemtableIterator(list);
    }

    public boolean isEmpty() {
        return list.first() == 0;
    }

    /** Bytes of arena used: keys, values and skip-list links. */
    public long approximateBytes() {
        return list.arenaBytes();
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

    /** The value-log end when this table was rotated out: every value it points to lies before it. */
    private volatile long vlogEndSegment = -1;
    private volatile long vlogEndOffset = -1;

    public void markVlogEnd(long segment, long offset) {
        this.vlogEndSegment = segment;
        this.vlogEndOffset = offset;
    }

    public long vlogEndSegment() {
        return vlogEndSegment;
    }

    public long vlogEndOffset() {
        return vlogEndOffset;
    }
}
