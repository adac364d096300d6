package io.nokv.engine.txn;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.WriteBatch;

import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A transaction's uncommitted writes, per column family, sorted by user key (unsigned bytes, the
 * engine's order) so iterators can merge them over the snapshot. The newest write of a key wins.
 */
final class PendingWrites {
    /** Marks a delete; compared by identity, so a put of an empty value is not mistaken for it. */
    static final byte[] DELETED = new byte[0];
    /** Per-entry bookkeeping the size limit charges on top of key and value bytes. */
    private static final int ENTRY_OVERHEAD = 16;

    @SuppressWarnings("unchecked")
    private final NavigableMap<byte[], byte[]>[] byCf = new NavigableMap[ColumnFamily.values().length];
    private final int maxEntries;
    private final long maxBytes;
    private int entries;
    private long bytes;

    PendingWrites(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** @param value the value, or {@link #DELETED} */
    void put(ColumnFamily cf, byte[] key, byte[] value) {
        NavigableMap<byte[], byte[]> map = map(cf);
        byte[] old = map.get(key);
        long newBytes = bytes + charge(key, value) - (old == null ? 0 : charge(key, old));
        int newEntries = entries + (old == null ? 1 : 0);
        if (newEntries > maxEntries) {
            throw new TransactionTooLargeException("transaction would hold " + newEntries
                    + " entries, over TxnOptions.maxEntries = " + maxEntries + "; commit and continue in a new transaction");
        }
        if (newBytes > maxBytes) {
            throw new TransactionTooLargeException("transaction would hold " + newBytes
                    + " bytes, over TxnOptions.maxBytes = " + maxBytes + "; commit and continue in a new transaction");
        }
        // The key is copied: a caller reusing its buffer must not reorder the map under us.
        map.put(old == null ? key.clone() : key, value);
        entries = newEntries;
        bytes = newBytes;
    }

    /** @return the pending value, {@link #DELETED}, or null when the transaction did not write the key */
    byte[] get(ColumnFamily cf, byte[] key) {
        NavigableMap<byte[], byte[]> map = byCf[cf.ordinal()];
        return map == null ? null : map.get(key);
    }

    /** The pending writes of {@code cf} in [lower, upper) (null = unbounded); a live view. */
    NavigableMap<byte[], byte[]> range(ColumnFamily cf, byte[] lower, byte[] upper) {
        NavigableMap<byte[], byte[]> map = map(cf);
        if (lower != null && upper != null) {
            if (Arrays.compareUnsigned(lower, upper) >= 0) {
                return map.subMap(lower, true, lower, false);
            }
            return map.subMap(lower, true, upper, false);
        }
        if (lower != null) {
            return map.tailMap(lower, true);
        }
        if (upper != null) {
            return map.headMap(upper, false);
        }
        return map;
    }

    boolean isEmpty() {
        return entries == 0;
    }

    int entries() {
        return entries;
    }

    /** Fingerprints of every written key, sorted and distinct. */
    long[] fingerprints() {
        LongList out = new LongList();
        for (ColumnFamily cf : ColumnFamily.values()) {
            NavigableMap<byte[], byte[]> map = byCf[cf.ordinal()];
            if (map != null) {
                for (byte[] key : map.keySet()) {
                    out.add(Fingerprint.of(cf.id(), key));
                }
            }
        }
        return out.toSortedSet();
    }

    /** Appends every write; {@code version} is {@link WriteBatch#UNVERSIONED} to let the engine pick one. */
    WriteBatch toBatch(long version) {
        WriteBatch batch = new WriteBatch();
        for (ColumnFamily cf : ColumnFamily.values()) {
            NavigableMap<byte[], byte[]> map = byCf[cf.ordinal()];
            if (map == null) {
                continue;
            }
            for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
                boolean delete = e.getValue() == DELETED;
                if (version == WriteBatch.UNVERSIONED) {
                    if (delete) {
                        batch.delete(cf, e.getKey());
                    } else {
                        batch.put(cf, e.getKey(), e.getValue());
                    }
                } else if (delete) {
                    batch.delete(cf, e.getKey(), version);
                } else {
                    batch.put(cf, e.getKey(), version, e.getValue());
                }
            }
        }
        return batch;
    }

    private NavigableMap<byte[], byte[]> map(ColumnFamily cf) {
        NavigableMap<byte[], byte[]> map = byCf[cf.ordinal()];
        if (map == null) {
            map = new TreeMap<>(Arrays::compareUnsigned);
            byCf[cf.ordinal()] = map;
        }
        return map;
    }

    private static long charge(byte[] key, byte[] value) {
        return key.length + value.length + ENTRY_OVERHEAD;
    }
}
