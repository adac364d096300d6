package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.VersionedValue;
import io.nokv.engine.WriteBatch;
import io.nokv.engine.compaction.CompactionPicker;
import io.nokv.engine.iterator.Entry;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.VersionEdit;
import io.nokv.engine.memtable.Memtable;
import io.nokv.engine.sst.BlockCache;
import io.nokv.engine.txn.Transactions;
import io.nokv.engine.version.ReadCounters;
import io.nokv.engine.version.Version;
import io.nokv.engine.version.VersionSet;
import io.nokv.engine.wal.Wal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine behind {@link io.nokv.engine.NoKV#open}. Writes go through the group-commit
 * {@link WriteQueue} (WAL first, then the memtable); reads look at the memtables and then at the
 * pinned {@link Version}; {@link Background} flushes and compacts. {@link StoreOpener} builds it.
 */
public final class DbImpl implements DB {
    /** Writers block once this many memtables wait for flush (memory bound under a write burst). */
    static final int MAX_IMMUTABLES = 4;

    final Options options;
    final Path dir;
    final AutoCloseable dirLock;
    final Manifest manifest;
    final Wal wal;
    final VersionSet versions;
    final BlockCache blockCache;
    final CompactionPicker picker;
    final EngineCounters counters = new EngineCounters();
    final ReadCounters readCounters = new ReadCounters();
    final LiveSnapshots snapshots = new LiveSnapshots();
    final AtomicLong nextFileId;
    /** Serialises manifest edits with the version installs they describe. */
    final Object manifestLock = new Object();
    /** Guards memtable-view swaps; also the monitor the background and stalled writers wait on. */
    final Object bg = new Object();

    private final WriteQueue writeQueue = new WriteQueue();
    private final Transactions transactions = new Transactions(new DbTxnEngine(this));
    private final Background background;
    volatile MemtableView view;
    /** Highest version assigned; only the write leader (or recovery) changes it. */
    private long lastVersion;
    /** Highest version whose whole write group is in the memtable: what readers see. */
    private volatile long visibleVersion;
    private volatile long safePoint;
    private volatile boolean closed;
    volatile Throwable backgroundError;

    DbImpl(Options options, AutoCloseable dirLock, Manifest manifest, Wal wal, VersionSet versions, BlockCache blockCache,
           Memtable recovered, long lastVersion, long nextFileId) {
        this.options = options;
        this.dir = options.dir();
        this.dirLock = dirLock;
        this.manifest = manifest;
        this.wal = wal;
        this.versions = versions;
        this.blockCache = blockCache;
        this.picker = new CompactionPicker(options);
        this.nextFileId = new AtomicLong(nextFileId);
        this.view = new MemtableView(recovered, new Memtable[0]);
        this.lastVersion = lastVersion;
        this.visibleVersion = lastVersion;
        this.safePoint = manifest.current().safePoint();
        this.background = new Background(this);
    }

    void start() {
        background.start();
    }

    // ---- writes ---------------------------------------------------------------------------------

    @Override
    public void put(byte[] key, byte[] value) {
        put(ColumnFamily.DEFAULT, key, value);
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, byte[] value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (use delete)");
        }
        write(Writer.single(cf, key, WriteBatch.UNVERSIONED, value, options.syncWrites()));
    }

    @Override
    public void delete(byte[] key) {
        delete(ColumnFamily.DEFAULT, key);
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key) {
        write(Writer.single(cf, key, WriteBatch.UNVERSIONED, null, options.syncWrites()));
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, long version, byte[] value) {
        checkVersion(version);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (use delete)");
        }
        write(Writer.single(cf, key, version, value, options.syncWrites()));
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key, long version) {
        checkVersion(version);
        write(Writer.single(cf, key, version, null, options.syncWrites()));
    }

    @Override
    public void write(WriteBatch batch) {
        write(batch, options.syncWrites());
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
        if (batch.isEmpty()) {
            checkOpen();
            return;
        }
        write(Writer.batch(batch, sync));
    }

    /** As {@link #write(WriteBatch, boolean)}; returns the one fresh version its plain ops got. */
    long writeAssigningVersion(WriteBatch batch, boolean sync) {
        Writer w = Writer.batch(batch, sync);
        write(w);
        return w.assignedVersion;
    }

    @Override
    public Transactions transactions() {
        return transactions;
    }

    private static void checkVersion(long version) {
        if (version < 0 || version == Long.MAX_VALUE) {
            throw new IllegalArgumentException("version must be in [0, Long.MAX_VALUE), got " + version);
        }
    }

    private void write(Writer w) {
        checkOpen();
        List<Writer> group = writeQueue.enter(w);
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
        writeQueue.leave(group, failure);
        if (failure != null) {
            throw failure;
        }
    }

    /** Leader only: throttle, make room, assign versions, one WAL append, memtable insert, publish. */
    private void applyGroup(List<Writer> group) {
        if (closed) {
            throw new NoKVException("store " + dir + " is closed");
        }
        throwIfBackgroundFailed();
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
        wal.append(payloads);
        if (sync) {
            wal.sync();
        }
        Memtable mem = view.mutable();
        for (int i = 0; i < group.size(); i++) {
            Writer w = group.get(i);
            if (w.hasOps()) {
                insert(mem, w, batchVersions[i]);
            }
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
            pos = BatchCodec.putOp(buf, pos, w.cf.id(), w.key, v, w.value);
            return java.util.Arrays.copyOf(buf, pos);
        }
        List<WriteBatch.Op> ops = w.batch.ops();
        int size = 5;
        for (WriteBatch.Op op : ops) {
            size += BatchCodec.opBytes(op.key(), op.delete() ? null : op.value());
        }
        byte[] buf = new byte[size];
        int pos = BatchCodec.putVarint(buf, 0, ops.size());
        for (WriteBatch.Op op : ops) {
            long v = op.version() == WriteBatch.UNVERSIONED ? plainVersion : op.version();
            pos = BatchCodec.putOp(buf, pos, op.cf().id(), op.key(), v, op.delete() ? null : op.value());
        }
        return java.util.Arrays.copyOf(buf, pos);
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
        byte[] entry = valueOrNull == null ? EntryValue.tombstone() : EntryValue.value(valueOrNull);
        mem.add(InternalKey.encode(cfId, key, version), entry, version);
    }

    /** Slows writers while L0 backs up and blocks them at the stop trigger, so L0 cannot grow without bound. */
    private void throttle() {
        int l0 = versions.current().l0Count();
        if (l0 >= options.l0StopTrigger()) {
            long t0 = System.nanoTime();
            counters.writeStalls.incrementAndGet();
            background.kick();
            synchronized (bg) {
                while (versions.current().l0Count() >= options.l0StopTrigger()) {
                    waitForBackground();
                }
            }
            counters.writeStallNanos.addAndGet(System.nanoTime() - t0);
        } else if (l0 >= options.l0SlowdownTrigger()) {
            long t0 = System.nanoTime();
            counters.writeStalls.incrementAndGet();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            counters.writeStallNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    /** Caller holds {@link #bg}: waits a little for background progress, failing if it cannot come. */
    private void waitForBackground() {
        throwIfBackgroundFailed();
        if (closed) {
            throw new NoKVException("store " + dir + " is closed");
        }
        try {
            bg.wait(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoKVException("interrupted while waiting for background work", e);
        }
    }

    /** Leader only: rotates a full (or, for a flush, non-empty) memtable, waiting if too many wait for flush. */
    private void makeRoom(boolean force) {
        Memtable mem = view.mutable();
        boolean full = mem.approximateBytes() >= options.memtableBytes();
        if (!(full || (force && !mem.isEmpty()))) {
            return;
        }
        if (view.immutables().length >= MAX_IMMUTABLES) {
            long t0 = System.nanoTime();
            counters.writeStalls.incrementAndGet();
            synchronized (bg) {
                while (view.immutables().length >= MAX_IMMUTABLES) {
                    waitForBackground();
                }
            }
            counters.writeStallNanos.addAndGet(System.nanoTime() - t0);
        }
        long segment = wal.rotate();
        mem.markRotated(segment);
        synchronized (bg) {
            view = view.withRotated(new Memtable(segment));
            bg.notifyAll();
        }
    }

    // ---- reads ----------------------------------------------------------------------------------

    @Override
    public byte[] get(byte[] key) {
        return get(ColumnFamily.DEFAULT, key);
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        VersionedValue v = getVersioned(cf, key, visibleVersion);
        return v == null ? null : v.value();
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key, long readVersion) {
        VersionedValue v = getVersioned(cf, key, readVersion);
        return v == null ? null : v.value();
    }

    @Override
    public VersionedValue getVersioned(ColumnFamily cf, byte[] key, long readVersion) {
        checkOpen();
        if (readVersion < 0) {
            return null;
        }
        byte[] lookup = InternalKey.encode(cf, key, Math.min(readVersion, Long.MAX_VALUE - 1));
        MemtableView mv = view;
        byte[] bestKey = null;
        byte[] bestValue = null;
        long bestVersion = -1;
        Map.Entry<byte[], byte[]> e = mv.mutable().get(lookup);
        if (e != null) {
            bestKey = e.getKey();
            bestValue = e.getValue();
            bestVersion = InternalKey.version(bestKey);
        }
        for (Memtable imm : mv.immutables()) {
            if (imm.maxVersion() <= bestVersion) {
                continue;
            }
            e = imm.get(lookup);
            if (e != null) {
                long v = InternalKey.version(e.getKey());
                if (v > bestVersion) {
                    bestKey = e.getKey();
                    bestValue = e.getValue();
                    bestVersion = v;
                }
            }
        }
        if (versions.current().maxVersion() > bestVersion) {
            Version version = versions.acquire();
            try {
                Entry fe = version.get(lookup, bestVersion, readCounters);
                if (fe != null) {
                    bestValue = fe.value();
                    bestVersion = InternalKey.version(fe.key());
                }
            } finally {
                version.unref();
            }
        }
        if (bestValue == null || EntryValue.isTombstone(bestValue)) {
            return null;
        }
        return new VersionedValue(bestVersion, EntryValue.payload(bestValue));
    }

    @Override
    public DbIterator newIterator(IteratorOptions iteratorOptions) {
        checkOpen();
        long readVersion = iteratorOptions.readVersion() == Long.MAX_VALUE
                ? visibleVersion : iteratorOptions.readVersion();
        MemtableView mv = view;
        Version version = versions.acquire();
        snapshots.register(readVersion);
        return new DbIteratorImpl(iteratorOptions, readVersion, mv, version, () -> {
            snapshots.unregister(readVersion);
            version.unref();
        });
    }

    // ---- maintenance ----------------------------------------------------------------------------

    @Override
    public void flush() {
        checkOpen();
        MemtableView before = view;
        Memtable target = before.mutable().isEmpty()
                ? (before.immutables().length == 0 ? null : before.immutables()[0])
                : before.mutable();
        if (target == null) {
            return;
        }
        if (target == before.mutable()) {
            write(Writer.rotation());
        }
        synchronized (bg) {
            while (view.holds(target)) {
                waitForBackground();
            }
        }
    }

    @Override
    public void compactRange(byte[] start, byte[] end) {
        flush();
        background.compactRange(start, end);
    }

    @Override
    public void setSafePoint(long version) {
        checkOpen();
        synchronized (manifestLock) {
            if (version <= safePoint) {
                return;
            }
            manifest.apply(new VersionEdit().safePoint(version));
            safePoint = version;
        }
    }

    @Override
    public long safePoint() {
        return safePoint;
    }

    @Override
    public long lastVersion() {
        return visibleVersion;
    }

    /** What compaction may collapse below: the safe point (or everything, when not keeping versions) and open iterators. */
    long gcHorizon() {
        long point = options.keepVersionsUntilSafePoint() ? safePoint : visibleVersion;
        return Math.min(point, snapshots.oldest());
    }

    @Override
    public StatsSnapshot stats() {
        checkOpen();
        MemtableView mv = view;
        Version v = versions.acquire();
        try {
            List<List<FileMeta>> levels = v.levels();
            double[] scores = picker.scores(levels);
            double maxScore = 0;
            List<StatsSnapshot.LevelStats> levelStats = new ArrayList<>(levels.size());
            for (int i = 0; i < levels.size(); i++) {
                long bytes = 0;
                for (FileMeta f : levels.get(i)) {
                    bytes += f.size();
                }
                double score = i < scores.length ? scores[i] : 0;
                maxScore = Math.max(maxScore, score);
                levelStats.add(new StatsSnapshot.LevelStats(i, levels.get(i).size(), bytes, score));
            }
            long entries = v.totalEntries() + mv.mutable().entries();
            long memBytes = mv.mutable().approximateBytes();
            for (Memtable imm : mv.immutables()) {
                entries += imm.entries();
                memBytes += imm.approximateBytes();
            }
            return new StatsSnapshot(
                    entries,
                    visibleVersion,
                    safePoint,
                    memBytes,
                    mv.immutables().length,
                    mv.immutables().length,
                    counters.flushRuns.get(),
                    counters.flushLastMs.get(),
                    counters.flushMaxMs.get(),
                    picker.backlogBytes(levels),
                    maxScore,
                    counters.compactionRuns.get(),
                    counters.compactionLastMs.get(),
                    counters.compactionMaxMs.get(),
                    List.copyOf(levelStats),
                    levels.get(0).size(),
                    counters.writeStalls.get(),
                    counters.writeStallNanos.get() / 1_000_000,
                    blockCache.hits(),
                    blockCache.misses(),
                    readCounters.bloomChecks(),
                    readCounters.bloomNegatives(),
                    wal.segmentCount(),
                    wal.totalBytes());
        } finally {
            v.unref();
        }
    }

    // ---- metadata -------------------------------------------------------------------------------

    @Override
    public void putMetadata(String key, byte[] value) {
        checkOpen();
        synchronized (manifestLock) {
            manifest.apply(value == null ? new VersionEdit().deleteMeta(key) : new VersionEdit().putMeta(key, value.clone()));
        }
    }

    @Override
    public byte[] getMetadata(String key) {
        checkOpen();
        byte[] v = manifest.current().metadata().get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public Map<String, byte[]> metadata() {
        checkOpen();
        return Map.copyOf(manifest.current().metadata());
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    private void checkOpen() {
        if (closed) {
            throw new NoKVException("store " + dir + " is closed");
        }
    }

    void throwIfBackgroundFailed() {
        Throwable t = backgroundError;
        if (t != null) {
            throw new NoKVException("store " + dir + " stopped accepting writes after a background failure: " + t, t);
        }
    }

    long visibleVersion() {
        return visibleVersion;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            // Wait for the write group in flight by queueing behind it; any leader after this sees `closed`.
            List<Writer> group = writeQueue.enter(Writer.batch(new WriteBatch(), false));
            if (group != null) {
                writeQueue.leave(group, group.size() > 1 ? new NoKVException("store " + dir + " is closed") : null);
            }
        }
        synchronized (bg) {
            bg.notifyAll();
        }
        List<Throwable> failures = new ArrayList<>();
        run(failures, background::stop);
        run(failures, () -> {
            wal.sync();
            wal.close();
        });
        run(failures, versions::close);
        run(failures, manifest::close);
        run(failures, () -> {
            try {
                dirLock.close();
            } catch (Exception e) {
                throw new NoKVException("cannot release the lock of " + dir, e);
            }
        });
        if (!failures.isEmpty()) {
            NoKVException e = new NoKVException("closing " + dir + " failed: " + failures.get(0), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void run(List<Throwable> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
