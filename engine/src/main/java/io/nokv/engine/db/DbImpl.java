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
    final KeyActivity activity;
    private StatsFileWriter statsFile;
    final AtomicLong nextFileId;
    /** Serialises manifest edits with the version installs they describe. */
    final Object manifestLock = new Object();
    /** Guards memtable-view swaps; also the monitor the background and stalled writers wait on. */
    final Object bg = new Object();

    private final WritePath writePath;
    final Background background;
    private final Transactions transactions = new Transactions(new DbTxnEngine(this));
    volatile MemtableView view;
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
        this.activity = new KeyActivity(options);
        this.nextFileId = new AtomicLong(nextFileId);
        this.view = new MemtableView(recovered, new Memtable[0]);
        this.writePath = new WritePath(this, lastVersion);
        this.safePoint = manifest.current().safePoint();
        this.background = new Background(this);
    }

    void start() {
        background.start();
        statsFile = new StatsFileWriter(dir, options.statsFileIntervalMs(), this::snapshot);
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
        writePath.write(Writer.single(cf, key, WriteBatch.UNVERSIONED, value, options.syncWrites()));
        activity.written(cf, key, value);
    }

    @Override
    public void delete(byte[] key) {
        delete(ColumnFamily.DEFAULT, key);
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key) {
        writePath.write(Writer.single(cf, key, WriteBatch.UNVERSIONED, null, options.syncWrites()));
        activity.written(cf, key, null);
    }

    @Override
    public void put(ColumnFamily cf, byte[] key, long version, byte[] value) {
        checkVersion(version);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (use delete)");
        }
        writePath.write(Writer.single(cf, key, version, value, options.syncWrites()));
        activity.written(cf, key, value);
    }

    @Override
    public void delete(ColumnFamily cf, byte[] key, long version) {
        checkVersion(version);
        writePath.write(Writer.single(cf, key, version, null, options.syncWrites()));
        activity.written(cf, key, null);
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
        writePath.write(Writer.batch(batch, sync));
        activity.written(batch);
    }

    /** As {@link #write(WriteBatch, boolean)}; returns the one fresh version its plain ops got. */
    long writeAssigningVersion(WriteBatch batch, boolean sync) {
        Writer w = Writer.batch(batch, sync);
        writePath.write(w);
        activity.written(batch);
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

    /** Caller holds {@link #bg}: waits a little for background progress, failing if it cannot come. */
    void waitForBackground() {
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

    // ---- reads ----------------------------------------------------------------------------------

    @Override
    public byte[] get(byte[] key) {
        return get(ColumnFamily.DEFAULT, key);
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key) {
        VersionedValue v = getVersioned(cf, key, writePath.visibleVersion());
        return v == null ? null : v.value();
    }

    @Override
    public byte[] get(ColumnFamily cf, byte[] key, long readVersion) {
        VersionedValue v = getVersioned(cf, key, readVersion);
        return v == null ? null : v.value();
    }

    @Override
    public VersionedValue getVersioned(ColumnFamily cf, byte[] key, long readVersion) {
        VersionedValue found = find(cf, key, readVersion);
        activity.read(cf, key, found == null ? null : found.value());
        return found;
    }

    private VersionedValue find(ColumnFamily cf, byte[] key, long readVersion) {
        checkOpen();
        if (readVersion < 0) {
            return null;
        }
        byte[] lookup = InternalKey.encode(cf, key, Math.min(readVersion, Long.MAX_VALUE - 1));
        MemtableView mv = view;
        Memtable bestMem = null;
        int bestHandle = 0;
        long bestVersion = -1;
        int h = mv.mutable().find(lookup);
        if (h != 0) {
            bestMem = mv.mutable();
            bestHandle = h;
            bestVersion = bestMem.version(h);
        }
        for (Memtable imm : mv.immutables()) {
            if (imm.maxVersion() <= bestVersion) {
                continue;
            }
            h = imm.find(lookup);
            if (h != 0) {
                long v = imm.version(h);
                if (v > bestVersion) {
                    bestMem = imm;
                    bestHandle = h;
                    bestVersion = v;
                }
            }
        }
        if (versions.current().maxVersion() > bestVersion) {
            Version version = versions.acquire();
            Entry fe;
            try {
                fe = version.get(lookup, bestVersion, readCounters);
            } finally {
                version.unref();
            }
            if (fe != null) {
                byte[] entry = fe.value();
                return EntryValue.isTombstone(entry) ? null
                        : new VersionedValue(InternalKey.version(fe.key()), EntryValue.payload(entry));
            }
        }
        if (bestMem == null || bestMem.isTombstone(bestHandle)) {
            return null;
        }
        return new VersionedValue(bestVersion, bestMem.payload(bestHandle));
    }

    @Override
    public DbIterator newIterator(IteratorOptions iteratorOptions) {
        checkOpen();
        long readVersion = iteratorOptions.readVersion() == Long.MAX_VALUE
                ? writePath.visibleVersion() : iteratorOptions.readVersion();
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
            writePath.write(Writer.rotation());
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
        return writePath.visibleVersion();
    }

    /** What compaction may collapse below: the safe point (or everything, when not keeping versions) and open iterators. */
    long gcHorizon() {
        long point = options.keepVersionsUntilSafePoint() ? safePoint : writePath.visibleVersion();
        return Math.min(point, snapshots.oldest());
    }

    @Override
    public StatsSnapshot stats() {
        checkOpen();
        return snapshot();
    }

    /** The stats without the open check: the STATS file writer takes a last one while closing. */
    private StatsSnapshot snapshot() {
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
                    writePath.visibleVersion(),
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
                    wal.totalBytes(),
                    activity.columnFamilies(),
                    activity.hotReadKeys(),
                    activity.hotWriteKeys());
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
        Map<String, byte[]> copy = new java.util.HashMap<>();
        manifest.current().metadata().forEach((k, v) -> copy.put(k, v.clone()));
        return java.util.Collections.unmodifiableMap(copy);
    }

    // ---- lifecycle ------------------------------------------------------------------------------

    void checkOpen() {
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

    void writeFailedAfterWal(Throwable t) {
        synchronized (bg) {
            if (backgroundError == null) {
                backgroundError = t;
            }
            bg.notifyAll();
        }
    }

    long visibleVersion() {
        return writePath.visibleVersion();
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
            writePath.drain();
        }
        synchronized (bg) {
            bg.notifyAll();
        }
        List<Throwable> failures = new ArrayList<>();
        run(failures, background::stop);
        if (statsFile != null) {
            run(failures, statsFile::close);
        }
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
