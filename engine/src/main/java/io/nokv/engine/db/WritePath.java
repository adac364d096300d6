package io.nokv.engine.db;

import io.nokv.engine.NoKVException;
import io.nokv.engine.WriteBatch;
import io.nokv.engine.key.EntryValue;
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

    /** Where the vlog stood when the mutable memtable started (leader only). */
    private long memVlogStartSegment;
    private long memVlogStartOffset;

    WritePath(DbImpl db, long lastVersion) {
        this.db = db;
        this.memVlogStartSegment = db.vlog.activeSegment();
        this.memVlogStartOffset = db.vlog.activeOffset();
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
        for (int i = 0; i < group.size(); i++) {
            Writer w = group.get(i);
            if (w.hasOps()) {
                version = assignVersion(w, version);
                batchVersions[i] = version;
                w.assignedVersion = version;
            }
        }
        // Large values go to the value log first: its write lands before the WAL record that
        // points at it, so no WAL record (and no memtable entry) can name bytes not yet written.
        boolean relocating = false;
        try {
            for (int i = 0; i < group.size(); i++) {
                Writer w = group.get(i);
                if (w.hasOps()) {
                    w.entries = w.relocations != null ? prepareRelocations(w) : prepareEntries(w, batchVersions[i]);
                    relocating |= w.relocations != null;
                }
            }
            db.vlog.write();
        } catch (RuntimeException | Error e) {
            db.vlog.discardBuffered();
            throw e;
        }
        if (relocating) {
            CrashPoints.hit(CrashPoints.GC_AFTER_REWRITE);
        }
        List<byte[]> payloads = new ArrayList<>(withOps);
        for (int i = 0; i < group.size(); i++) {
            Writer w = group.get(i);
            if (w.hasOps() && hasLiveOps(w)) {
                payloads.add(encode(w, batchVersions[i]));
            }
        }
        if (payloads.isEmpty()) {
            return; // only relocations, none of them live any more
        }
        db.wal.append(payloads); // the WAL syncs the vlog before any fsync of its own (Wal.open's durableFirst)
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

    /** Per op: a pointer entry for values at or above the threshold, an entry with expiry for TTL puts; null when all are plain. */
    private byte[][] prepareEntries(Writer w, long plainVersion) {
        int threshold = db.options.valueThreshold();
        if (w.batch == null) {
            if (w.value == null || w.value.length < threshold) {
                return null;
            }
            long v = w.version == WriteBatch.UNVERSIONED ? plainVersion : w.version;
            byte[] ptr = db.vlog.add(w.cf.id(), w.key, v, 0, w.value);
            return new byte[][] {EntryValue.encode(EntryValue.KIND_VALUE_POINTER, 0, ptr)};
        }
        List<WriteBatch.Op> ops = w.batch.ops();
        byte[][] entries = null;
        long now = -1;
        for (int j = 0; j < ops.size(); j++) {
            WriteBatch.Op op = ops.get(j);
            if (op.delete() || (op.value().length < threshold && op.ttlMillis() == 0)) {
                continue;
            }
            if (entries == null) {
                entries = new byte[ops.size()][];
            }
            long expiresAt = 0;
            if (op.ttlMillis() > 0) {
                if (now < 0) {
                    now = db.options.clock().millis();
                }
                expiresAt = saturatingAdd(now, op.ttlMillis());
            }
            long v = op.version() == WriteBatch.UNVERSIONED ? plainVersion : op.version();
            entries[j] = op.value().length >= threshold
                    ? EntryValue.encode(EntryValue.KIND_VALUE_POINTER, expiresAt, db.vlog.add(op.cf().id(), op.key(), v, expiresAt, op.value()))
                    : EntryValue.encode(EntryValue.KIND_VALUE, expiresAt, op.value());
        }
        return entries;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < a ? Long.MAX_VALUE : r;
    }

    /** Checks each relocation against the LSM now (no write can interleave) and appends the live ones to the vlog. */
    private byte[][] prepareRelocations(Writer w) {
        byte[][] entries = new byte[w.relocations.size()][];
        for (int j = 0; j < entries.length; j++) {
            Relocation r = w.relocations.get(j);
            r.outcome = db.relocationOutcome(r);
            if (r.outcome == Relocation.Outcome.MOVED) {
                byte[] ptr = db.vlog.add(r.cf, r.key, r.version, r.expiresAt, r.value);
                entries[j] = EntryValue.encode(EntryValue.KIND_VALUE_POINTER, r.expiresAt, ptr);
            }
        }
        return entries;
    }

    private static boolean hasLiveOps(Writer w) {
        if (w.relocations == null) {
            return true;
        }
        for (byte[] e : w.entries) {
            if (e != null) {
                return true;
            }
        }
        return false;
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
        byte[][] entries = w.entries;
        if (w.relocations != null) {
            int live = 0;
            int size = 0;
            for (int j = 0; j < entries.length; j++) {
                if (entries[j] != null) {
                    live++;
                    size += BatchCodec.opBytes(w.relocations.get(j).key, entries[j]);
                }
            }
            byte[] buf = new byte[BatchCodec.varintBytes(live) + size];
            int pos = BatchCodec.putVarint(buf, 0, live);
            for (int j = 0; j < entries.length; j++) {
                if (entries[j] != null) {
                    Relocation r = w.relocations.get(j);
                    pos = BatchCodec.putOp(buf, pos, r.cf, BatchCodec.KIND_ENTRY, r.key, r.version, entries[j]);
                }
            }
            return buf;
        }
        if (w.batch == null) {
            long v = w.version == WriteBatch.UNVERSIONED ? plainVersion : w.version;
            byte[] value = entries == null ? w.value : entries[0];
            byte[] buf = new byte[1 + BatchCodec.opBytes(w.key, value)];
            int pos = BatchCodec.putVarint(buf, 0, 1);
            if (entries == null) {
                BatchCodec.putOp(buf, pos, w.cf.id(), w.key, v, w.value);
            } else {
                BatchCodec.putOp(buf, pos, w.cf.id(), BatchCodec.KIND_ENTRY, w.key, v, entries[0]);
            }
            return buf;
        }
        List<WriteBatch.Op> ops = w.batch.ops();
        int size = BatchCodec.varintBytes(ops.size());
        for (int j = 0; j < ops.size(); j++) {
            WriteBatch.Op op = ops.get(j);
            byte[] value = entries != null && entries[j] != null ? entries[j] : op.delete() ? null : op.value();
            size += BatchCodec.opBytes(op.key(), value);
        }
        byte[] buf = new byte[size];
        int pos = BatchCodec.putVarint(buf, 0, ops.size());
        for (int j = 0; j < ops.size(); j++) {
            WriteBatch.Op op = ops.get(j);
            long v = op.version() == WriteBatch.UNVERSIONED ? plainVersion : op.version();
            if (entries != null && entries[j] != null) {
                pos = BatchCodec.putOp(buf, pos, op.cf().id(), BatchCodec.KIND_ENTRY, op.key(), v, entries[j]);
            } else {
                pos = BatchCodec.putOp(buf, pos, op.cf().id(), op.key(), v, op.delete() ? null : op.value());
            }
        }
        assert pos == buf.length;
        return buf;
    }

    private static void insert(Memtable mem, Writer w, long plainVersion) {
        byte[][] entries = w.entries;
        w.entries = null;
        if (w.relocations != null) {
            for (int j = 0; j < entries.length; j++) {
                if (entries[j] != null) {
                    Relocation r = w.relocations.get(j);
                    mem.addEntry(r.cf, r.key, r.version, entries[j]);
                }
            }
            return;
        }
        if (w.batch == null) {
            long v = w.version == WriteBatch.UNVERSIONED ? plainVersion : w.version;
            if (entries == null) {
                mem.add(w.cf.id(), w.key, v, w.value);
            } else {
                mem.addEntry(w.cf.id(), w.key, v, entries[0]);
            }
            return;
        }
        List<WriteBatch.Op> ops = w.batch.ops();
        for (int j = 0; j < ops.size(); j++) {
            WriteBatch.Op op = ops.get(j);
            long v = op.version() == WriteBatch.UNVERSIONED ? plainVersion : op.version();
            if (entries != null && entries[j] != null) {
                mem.addEntry(op.cf().id(), op.key(), v, entries[j]);
            } else {
                mem.add(op.cf().id(), op.key(), v, op.delete() ? null : op.value());
            }
        }
    }

    /** Replay: one decoded WAL op into the memtable. */
    static void insertOp(Memtable mem, int cfId, byte[] key, long version, byte kind, byte[] value) {
        if (kind == BatchCodec.KIND_ENTRY) {
            mem.addEntry(cfId, key, version, value);
        } else {
            mem.add(cfId, key, version, kind == BatchCodec.KIND_DELETE ? null : value);
        }
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
        // Pointers are small, so a memtable of large values would fill slowly while the vlog
        // grows: bound the vlog a memtable spans, which bounds recovery's vlog tail check.
        boolean full = mem.approximateBytes() >= db.options.memtableBytes()
                || db.vlog.bytesSince(memVlogStartSegment, memVlogStartOffset) >= db.options.vlogSegmentBytes();
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
        memVlogStartSegment = db.vlog.activeSegment();
        memVlogStartOffset = db.vlog.activeOffset();
        mem.markVlogEnd(memVlogStartSegment, memVlogStartOffset);
        synchronized (db.bg) {
            db.view = db.view.withRotated(new Memtable(segment, db.options.memtableBytes()));
            db.bg.notifyAll();
        }
    }
}
