package io.nokv.engine.db;

import io.nokv.engine.NoKVException;
import io.nokv.engine.WriteBatch;
import io.nokv.engine.memtable.Memtable;

import java.util.ArrayList;
import java.util.List;

/**
 * The write path: group commit through the {@link WriteQueue}, the write throttle, memtable
 * rotation, version assignment, one WAL payload per batch and the memtable insert. Everything
 * below {@link #write} runs on the group leader's thread, one group at a time.
 */
final class WritePath {
    private final DbImpl db;
    private final WriteQueue queue = new WriteQueue();
    /** WAL bytes appended since the last fsync (leader only); past this, the fsync is done ahead in the background. */
    private static final long PRESYNC_BYTES = 4L << 20;
    private long unsyncedWalBytes;
    /** Highest version assigned; only the leader changes it. */
    private long lastVersion;
    /** Highest version whose whole write group is in the memtable: what readers see. */
    private volatile long visibleVersion;

    WritePath(DbImpl db, long lastVersion) {
        this.db = db;
        this.lastVersion = lastVersion;
        this.visibleVersion = lastVersion;
    }

    long visibleVersion() {
        return visibleVersion;
    }

    /** Waits for the group in flight by queueing behind it (at close; later leaders see the store closed). */
    void drain() {
        List<Writer> group = queue.enter(Writer.batch(new WriteBatch(), false));
        if (group != null) {
            queue.leave(group, group.size() > 1 ? new NoKVException("store " + db.dir + " is closed") : null);
        }
    }

    void write(Writer w) {
        db.checkOpen();
        List<Writer> group = queue.enter(w);
        if (group == null) {
            if (w.error != null) {
                throw w.error;
            }
            return;
        }
        RuntimeException failure = null;
        try {
            applyGroup(group);
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            failure = new NoKVException("write failed: " + e, e);
        }
        queue.leave(group, failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** Leader only: throttle, make room, assign versions, one WAL append, memtable insert, publish. */
    private void applyGroup(List<Writer> group) {
        if (db.isClosed()) {
            throw new NoKVException("store " + db.dir + " is closed");
        }
        db.throwIfBackgroundFailed();
        boolean forceRotate = false;
        boolean sync = false;
        int withOps = 0;
        for (int i = 0; i < group.size(); i++) {
            Writer w = group.get(i);
            forceRotate |= w.rotate;
            sync |= w.sync;
            if (w.hasOps()) {
                withOps++;
            }
        }
        if (withOps > 0) {
            throttle();
        }
        makeRoom(forceRotate);
        if (withOps == 0) {
            return;
        }
        long version = lastVersion;
        long[] batchVersions = new long[group.size()];
        List<byte[]> payloads = new ArrayList<>(withOps);
        for (int i = 0; i < group.size(); i++) {
            Writer w = group.get(i);
            if (!w.hasOps()) {
                continue;
            }
            version = assignVersion(w, version);
            batchVersions[i] = version;
            w.assignedVersion = version;
            payloads.add(encode(w, version));
        }
        db.wal.append(payloads);
        if (sync) {
            unsyncedWalBytes = 0;
        } else {
            for (byte[] p : payloads) {
                unsyncedWalBytes += p.length;
            }
            if (unsyncedWalBytes >= PRESYNC_BYTES) {
                unsyncedWalBytes = 0;
                db.background.presyncWal();
            }
        }
        try {
            if (sync) {
                db.wal.sync();
            }
            Memtable mem = db.view.mutable();
            for (int i = 0; i < group.size(); i++) {
                Writer w = group.get(i);
                if (w.hasOps()) {
                    insert(mem, w, batchVersions[i]);
                }
            }
        } catch (RuntimeException | Error e) {
            // The WAL now holds records the memtable may lack, under versions the next group would
            // reuse: refuse further writes; reopening replays the WAL into a consistent state.
            db.writeFailedAfterWal(e);
            throw e;
        }
        lastVersion = version;
        visibleVersion = version;
    }

    /**
     * Plain ops of a batch share one fresh version above everything written so far (including the
     * batch's own versioned ops); versioned ops keep theirs but push the counter up to them.
     * @return the new last version
     */
    private static long assignVersion(Writer w, long last) {
        boolean plain = false;
        if (w.batch == null) {
            if (w.version == WriteBatch.UNVERSIONED) {
                plain = true;
            } else {
                last = Math.max(last, w.version);
            }
        } else {
            for (WriteBatch.Op op : w.batch.ops()) {
                if (op.version() == WriteBatch.UNVERSIONED) {
                    plain = true;
                } else {
                    last = Math.max(last, op.version());
                }
            }
        }
        if (plain) {
            if (last >= Long.MAX_VALUE - 1) {
                throw new NoKVException("version space exhausted: last version is " + last);
            }
            last++;
        }
        return last;
    }

    private static byte[] encode(Writer w, long plainVersion) {
        if (w.batch == null) {
            long v = w.version == WriteBatch.UNVERSIONED ? plainVersion : w.version;
            byte[] buf = new byte[1 + BatchCodec.opBytes(w.key, w.value)];
            int pos = BatchCodec.putVarint(buf, 0, 1);
            BatchCodec.putOp(buf, pos, w.cf.id(), w.key, v, w.value);
            return buf;
        }
        List<WriteBatch.Op> ops = w.batch.ops();
        int size = BatchCodec.varintBytes(ops.size());
        for (WriteBatch.Op op : ops) {
            size += BatchCodec.opBytes(op.key(), op.delete() ? null : op.value());
        }
        byte[] buf = new byte[size];
        int pos = BatchCodec.putVarint(buf, 0, ops.size());
        for (WriteBatch.Op op : ops) {
            long v = op.version() == WriteBatch.UNVERSIONED ? plainVersion : op.version();
            pos = BatchCodec.putOp(buf, pos, op.cf().id(), op.key(), v, op.delete() ? null : op.value());
        }
        assert pos == buf.length;
        return buf;
    }

    private static void insert(Memtable mem, Writer w, long plainVersion) {
        if (w.batch == null) {
            long v = w.version == WriteBatch.UNVERSIONED ? plainVersion : w.version;
            insertOp(mem, w.cf.id(), w.key, v, w.value);
            return;
        }
        for (WriteBatch.Op op : w.batch.ops()) {
            long v = op.version() == WriteBatch.UNVERSIONED ? plainVersion : op.version();
            insertOp(mem, op.cf().id(), op.key(), v, op.delete() ? null : op.value());
        }
    }

    static void insertOp(Memtable mem, int cfId, byte[] key, long version, byte[] valueOrNull) {
        mem.add(cfId, key, version, valueOrNull);
    }

    /** Slows writers while L0 backs up and blocks them at the stop trigger, so L0 cannot grow without bound. */
    private void throttle() {
        int l0 = db.versions.current().l0Count();
        if (l0 >= db.options.l0StopTrigger()) {
            long t0 = System.nanoTime();
            db.counters.writeStalls.incrementAndGet();
            db.background.kick();
            synchronized (db.bg) {
                while (db.versions.current().l0Count() >= db.options.l0StopTrigger()) {
                    db.waitForBackground();
                }
            }
            db.counters.writeStallNanos.addAndGet(System.nanoTime() - t0);
        } else if (l0 >= db.options.l0SlowdownTrigger()) {
            long t0 = System.nanoTime();
            db.counters.writeStalls.incrementAndGet();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            db.counters.writeStallNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    /** Leader only: rotates a full (or, for a flush, non-empty) memtable, waiting if too many wait for flush. */
    private void makeRoom(boolean force) {
        Memtable mem = db.view.mutable();
        boolean full = mem.approximateBytes() >= db.options.memtableBytes();
        if (!(full || (force && !mem.isEmpty()))) {
            return;
        }
        if (db.view.immutables().length >= DbImpl.MAX_IMMUTABLES) {
            long t0 = System.nanoTime();
            db.counters.writeStalls.incrementAndGet();
            synchronized (db.bg) {
                while (db.view.immutables().length >= DbImpl.MAX_IMMUTABLES) {
                    db.waitForBackground();
                }
            }
            db.counters.writeStallNanos.addAndGet(System.nanoTime() - t0);
        }
        long segment = db.wal.rotate();
        mem.markRotated(segment);
        synchronized (db.bg) {
            db.view = db.view.withRotated(new Memtable(segment, db.options.memtableBytes()));
            db.bg.notifyAll();
        }
    }
}
