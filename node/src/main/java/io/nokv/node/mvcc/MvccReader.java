package io.nokv.node.mvcc;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.VersionedValue;
import io.nokv.node.config.Keys;
import io.nokv.node.mvcc.ReadResults.GetResult;
import io.nokv.node.mvcc.ReadResults.KvPair;
import io.nokv.node.mvcc.ReadResults.LockInfo;
import io.nokv.node.mvcc.ReadResults.ScanResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Percolator reads over the engine's versioned column families. Every lookup goes to exactly the
 * key it asks about (point reads or iterators bounded to {@code [key, key\0)} or to the caller's
 * range), so an unrelated key next to it can never hide a committed write.
 *
 * <p>Reads see whatever the engine holds when they run; the MVCC commands call it before building
 * their batch, the leader calls it after a read barrier for get/scan.
 */
public final class MvccReader {

    /** "The current lock": the newest LOCK version (tombstone = none), see docs/node.md. */
    private static final long LATEST = Long.MAX_VALUE - 1;

    private final DB db;

    public MvccReader(DB db) {
        this.db = db;
    }

    /** The lock on {@code key}, or null. */
    public Lock currentLock(byte[] key) {
        VersionedValue v = db.getVersioned(ColumnFamily.LOCK, key, LATEST);
        return v == null || v.value() == null ? null : Lock.decode(v.value());
    }

    /** The newest write record of {@code key} at any version (including ROLLBACK and LOCK), or null. */
    public CommittedWrite mostRecentWrite(byte[] key) {
        return writeAt(key, LATEST);
    }

    /** The newest write record with commitTs <= {@code ts} (any kind), or null. */
    public CommittedWrite writeAt(byte[] key, long ts) {
        if (ts < 0) {
            return null;
        }
        VersionedValue v = db.getVersioned(ColumnFamily.WRITE, key, ts);
        return v == null || v.value() == null ? null : new CommittedWrite(Write.decode(v.value()), v.version());
    }

    /** The newest PUT or DELETE with commitTs <= {@code ts}, looking through ROLLBACK and LOCK records; or null. */
    public CommittedWrite valueWriteAt(byte[] key, long ts) {
        CommittedWrite w = writeAt(key, ts);
        if (w == null || w.write().changesValue()) {
            return w;
        }
        // Rollback/lock records seldom stack deep, but a bounded iterator walks them without a
        // lookup per version.
        try (DbIterator it = writeVersions(key, ts)) {
            for (it.seek(key); it.valid(); it.next()) {
                Write write = Write.decode(it.value());
                if (write.changesValue()) {
                    return new CommittedWrite(write, it.version());
                }
            }
        }
        return null;
    }

    /**
     * The write record (commit or rollback) of the transaction {@code startTs} on {@code key}, or
     * null. Walks WRITE versions newest first and stops below startTs: a record of that
     * transaction is stored at commitTs >= startTs.
     */
    public CommittedWrite txnWriteFor(byte[] key, long startTs) {
        try (DbIterator it = writeVersions(key, LATEST)) {
            for (it.seek(key); it.valid() && it.version() >= startTs; it.next()) {
                Write write = Write.decode(it.value());
                if (write.startTs() == startTs) {
                    return new CommittedWrite(write, it.version());
                }
            }
        }
        return null;
    }

    /**
     * The committed value of {@code key} at {@code ts}. A PUT/DELETE lock with lockTs <= ts blocks
     * the read (its transaction may commit below ts); a newer lock, or a LOCK-kind lock (which
     * never changes the value), does not.
     */
    public GetResult get(byte[] key, long ts) {
        KeyBounds.checkUserKey(key);
        Lock lock = currentLock(key);
        if (blocks(lock, ts)) {
            return new GetResult(null, KeyError.Locked.of(key, lock));
        }
        return new GetResult(valueAt(key, ts), null);
    }

    /** The committed value at ts ignoring locks (null when none or deleted). */
    byte[] valueAt(byte[] key, long ts) {
        CommittedWrite w = valueWriteAt(key, ts);
        if (w == null || w.kind() != Write.Kind.PUT) {
            return null;
        }
        VersionedValue v = db.getVersioned(ColumnFamily.DEFAULT, key, w.startTs());
        if (v == null || v.value() == null || v.version() != w.startTs()) {
            throw new IllegalStateException("key " + Keys.format(key) + ": PUT committed at " + w.commitTs()
                    + " has no data at startTs " + w.startTs());
        }
        return v.value();
    }

    /**
     * Committed pairs in {@code [start, end)} at {@code ts}, at most {@code limit} of them, clipped to
     * the region's range {@code [regionStart, regionEnd)} (null or empty = unbounded) and below the
     * reserved prefix. Forward scans ascend from start; reverse scans descend from end. The scan
     * stops at the first blocking lock and returns it with the pairs before it.
     */
    public ScanResult scan(byte[] start, byte[] end, int limit, long ts, boolean reverse,
                           byte[] regionStart, byte[] regionEnd) {
        if (start != null && start.length > 0) {
            KeyBounds.checkUserKey(start);
        }
        if (limit <= 0) {
            throw new IllegalArgumentException("scan limit must be positive, got " + limit);
        }
        byte[] lower = KeyBounds.maxLower(start, regionStart);
        byte[] upper = KeyBounds.userUpper(KeyBounds.minUpper(end, regionEnd));
        List<KvPair> pairs = new ArrayList<>();
        if (lower != null && upper != null && Arrays.compareUnsigned(lower, upper) >= 0) {
            return new ScanResult(pairs, null);
        }
        // Two cursors merged by key: the newest write at or below ts per key, and the current lock per key.
        try (DbIterator writes = db.newIterator(bounded(ColumnFamily.WRITE, lower, upper).readVersion(ts));
             DbIterator locks = db.newIterator(bounded(ColumnFamily.LOCK, lower, upper).readVersion(LATEST))) {
            if (reverse) {
                writes.seekToLast();
                locks.seekToLast();
            } else {
                writes.seekToFirst();
                locks.seekToFirst();
            }
            while (pairs.size() < limit && (writes.valid() || locks.valid())) {
                byte[] key = nextKey(writes, locks, reverse);
                if (locks.valid() && Arrays.equals(locks.key(), key)) {
                    Lock lock = Lock.decode(locks.value());
                    if (blocks(lock, ts)) {
                        return new ScanResult(pairs, KeyError.Locked.of(key, lock));
                    }
                    step(locks, reverse);
                }
                if (writes.valid() && Arrays.equals(writes.key(), key)) {
                    Write newest = Write.decode(writes.value());
                    byte[] value = newest.kind() == Write.Kind.PUT ? dataAt(key, newest.startTs())
                            : newest.changesValue() ? null : valueAt(key, writes.version() - 1);
                    if (value != null) {
                        pairs.add(new KvPair(key, value));
                    }
                    step(writes, reverse);
                }
            }
        }
        return new ScanResult(pairs, null);
    }

    /** Forward, unbounded by the region: {@code scan(start, end, limit, ts, false, null, null)}. */
    public ScanResult scan(byte[] start, byte[] end, int limit, long ts) {
        return scan(start, end, limit, ts, false, null, null);
    }

    /** Current locks with lockTs <= maxTs in {@code [start, end)} (null/empty = unbounded), at most limit. */
    public List<LockInfo> scanLock(long maxTs, byte[] start, byte[] end, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("scanLock limit must be positive, got " + limit);
        }
        List<LockInfo> out = new ArrayList<>();
        forEachLock(start, end, (key, lock) -> {
            if (lock.startTs() <= maxTs) {
                out.add(new LockInfo(key, lock));
            }
            return out.size() < limit;
        });
        return out;
    }

    interface LockVisitor {
        /** @return false to stop */
        boolean visit(byte[] key, Lock lock);
    }

    /** Visits the current lock of every key in {@code [start, end)}, below the reserved prefix. */
    void forEachLock(byte[] start, byte[] end, LockVisitor visitor) {
        byte[] lower = start == null || start.length == 0 ? null : start;
        try (DbIterator it = db.newIterator(bounded(ColumnFamily.LOCK, lower, KeyBounds.userUpper(end)).readVersion(LATEST))) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                if (!visitor.visit(it.key(), Lock.decode(it.value()))) {
                    return;
                }
            }
        }
    }

    private byte[] dataAt(byte[] key, long startTs) {
        VersionedValue v = db.getVersioned(ColumnFamily.DEFAULT, key, startTs);
        if (v == null || v.value() == null || v.version() != startTs) {
            throw new IllegalStateException("key " + Keys.format(key) + ": committed PUT has no data at startTs " + startTs);
        }
        return v.value();
    }

    private static boolean blocks(Lock lock, long ts) {
        return lock != null && lock.kind() != Lock.Kind.LOCK && lock.startTs() <= ts;
    }

    private static byte[] nextKey(DbIterator writes, DbIterator locks, boolean reverse) {
        if (!writes.valid()) {
            return locks.key();
        }
        if (!locks.valid()) {
            return writes.key();
        }
        int c = Arrays.compareUnsigned(writes.key(), locks.key());
        return (reverse ? c >= 0 : c <= 0) ? writes.key() : locks.key();
    }

    private static void step(DbIterator it, boolean reverse) {
        if (reverse) {
            it.prev();
        } else {
            it.next();
        }
    }

    /** Every WRITE version of exactly {@code key} at or below {@code ts}, newest first. */
    private DbIterator writeVersions(byte[] key, long ts) {
        return db.newIterator(bounded(ColumnFamily.WRITE, key, KeyBounds.successor(key)).readVersion(ts).allVersions(true));
    }

    private static IteratorOptions bounded(ColumnFamily cf, byte[] lower, byte[] upper) {
        return IteratorOptions.defaults().columnFamily(cf).lowerBound(lower).upperBound(upper);
    }
}
