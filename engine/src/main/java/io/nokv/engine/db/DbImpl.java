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

import io.nokv.engine.vlog.GcResult;
import io.nokv.engine.vlog.ReaderEpochs;
import io.nokv.engine.vlog.SegmentGoneException;
import io.nokv.engine.vlog.ValueLog;
import io.nokv.engine.vlog.VlogFormat;
import io.nokv.engine.vlog.VlogMetadata;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
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
    final ValueLog vlog;
    final VersionSet versions;
    /** Iterators enter with an epoch; GC deletes an emptied segment once no earlier iterator is open. */
    final ReaderEpochs vlogReaders = new ReaderEpochs();
    /** Segment → stale bytes; guarded by manifestLock (persisted in the same edits that change it). */
    final TreeMap<Long, Long> vlogDiscard;
    /** Segments GC emptied, not yet deleted; guarded by manifestLock. */
    final TreeSet<Long> vlogPendingDelete = new TreeSet<>();
    final VlogGc vlogGc;
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

    DbImpl(Options options, AutoCloseable dirLock, Manifest manifest, Wal wal, ValueLog vlog, VersionSet versions,
           BlockCache blockCache, Memtable recovered, long lastVersion, long nextFileId) {
        this.options = options;
        this.vlog = vlog;
        this.vlogDiscard = VlogMetadata.discard(manifest.current().metadata());
        this.vlogPendingDelete.addAll(VlogMetadata.pendingDelete(manifest.current().metadata()));
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
        this.vlogGc = new VlogGc(this);
    }

    void start() {
        background.start();
        vlogGc.start();
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

    /** GC: one synced write group that moves the still-live values (the leader decides each outcome). */
    void writeRelocations(List<Relocation> relocations) {
        writePath.write(Writer.relocation(relocations));
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
        byte[] gonePointer = null;
        for (int attempt = 0; ; attempt++) {
            RawEntry raw = lookup(cf.id(), key, readVersion);
            if (raw == null) {
                return null;
            }
            byte[] entry = raw.entry();
            if (entry[0] == EntryValue.KIND_VALUE) {
                return new VersionedValue(raw.version(), EntryValue.payload(entry));
            }
            if (EntryValue.isDead(entry, EntryValue.hasExpiry(entry) ? options.clock().millis() : 0)) {
                return null;
            }
            if (gonePointer != null && Arrays.equals(entry, gonePointer)) {
                return missingValue(cf, key, raw);
            }
            try {
                return new VersionedValue(raw.version(), resolve(entry));
            } catch (SegmentGoneException e) {
                // GC moved the value and switched the pointer after we read it: looking again finds
                // the new pointer. Only if the same pointer comes back is the value really gone.
                if (attempt >= 8) {
                    throw new NoKVException("reading key 0x" + HexFormat.of().formatHex(key) + " kept meeting deleted value-log"
                            + " segments (8 lookups): " + e.getMessage(), e);
                }
                gonePointer = entry;
            }
        }
    }

    /**
     * The same pointer came back after its segment was found gone: nothing moved the value. GC
     * drops (does not move) only a version that a newer one shadows for every reader, so that is
     * the one case where absent is the right answer; anything else is a lost segment, an error.
     */
    private VersionedValue missingValue(ColumnFamily cf, byte[] key, RawEntry raw) {
        RawEntry newest = lookup(cf.id(), key, Long.MAX_VALUE - 1);
        if (newest != null && newest.version() > raw.version()) {
            return null;
        }
        long segment = VlogFormat.pointerSegment(raw.entry(), EntryValue.payloadOffset(raw.entry()));
        throw new NoKVException("value-log segment " + VlogFormat.segmentPath(dir, segment) + " is missing, but it holds"
                + " the newest value of key 0x" + HexFormat.of().formatHex(key) + " (version " + raw.version() + ");"
                + " restore the file, or rebuild the store from a replica");
    }

    /** The user value of a live entry: inline, or read from the value log. */
    byte[] resolve(byte[] entry) {
        if (EntryValue.isPointer(entry)) {
            return vlog.read(entry, EntryValue.payloadOffset(entry));
        }
        return EntryValue.payload(entry);
    }

    /**
     * True for a pointer into a segment GC deleted. Readers meet one only on a version below the
     * GC horizon that compaction has not dropped yet (moved values shadow their old pointers), so
     * it counts as gone, like the versions compaction already dropped.
     */
    boolean segmentGone(byte[] entry) {
        return EntryValue.isPointer(entry) && !vlog.hasSegment(VlogFormat.pointerSegment(entry, EntryValue.payloadOffset(entry)));
    }

    /** The newest entry (tombstones and expired ones included) of the key at or below readVersion, or null. */
    record RawEntry(long version, byte[] entry) {
    }

    RawEntry lookup(int cfId, byte[] key, long readVersion) {
        byte[] lookup = InternalKey.encode(ColumnFamily.fromId(cfId), key, Math.min(readVersion, Long.MAX_VALUE - 1));
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
                return new RawEntry(InternalKey.version(fe.key()), fe.value());
            }
        }
        return bestMem == null ? null : new RawEntry(bestVersion, bestMem.entry(bestHandle));
    }

    /**
     * Leader only (no write interleaves): may GC move this value? It must still be what the LSM
     * holds for its key and version, and readable by someone: the newest version, above the GC
     * horizon, or the newest at or below it. A moved copy must never outlive a newer tombstone
     * (or expired entry) that compaction may drop together with the original, so a value hidden
     * by one is either garbage (it is at or below the horizon) or pins its segment for now.
     */
    Relocation.Outcome relocationOutcome(Relocation r) {
        RawEntry at = lookup(r.cf, r.key, r.version);
        if (at == null || at.version() != r.version || !EntryValue.isPointer(at.entry())) {
            return Relocation.Outcome.DEAD;
        }
        byte[] e = at.entry();
        int off = EntryValue.payloadOffset(e);
        if (VlogFormat.pointerSegment(e, off) != r.segment || VlogFormat.pointerOffset(e, off) != r.offset) {
            return Relocation.Outcome.DEAD;
        }
        long now = options.clock().millis();
        if (EntryValue.isExpired(e, now)) {
            return Relocation.Outcome.DEAD;
        }
        RawEntry newest = lookup(r.cf, r.key, Long.MAX_VALUE);
        if (newest.version() == r.version) {
            return Relocation.Outcome.MOVED;
        }
        long horizon = gcHorizon();
        if (r.version <= horizon) {
            RawEntry atHorizon = lookup(r.cf, r.key, horizon);
            if (atHorizon == null || atHorizon.version() != r.version) {
                return Relocation.Outcome.DEAD; // an older version nobody may read any more
            }
        }
        return EntryValue.isDead(newest.entry(), now) ? Relocation.Outcome.PINNED : Relocation.Outcome.MOVED;
    }

    @Override
    public DbIterator newIterator(IteratorOptions iteratorOptions) {
        checkOpen();
        long readVersion = iteratorOptions.readVersion() == Long.MAX_VALUE
                ? writePath.visibleVersion() : iteratorOptions.readVersion();
        long epoch = vlogReaders.enter();
        MemtableView mv = view;
        Version version = versions.acquire();
        snapshots.register(readVersion);
        return new DbIteratorImpl(iteratorOptions, readVersion, mv, version, this::resolve, this::segmentGone,
                options.clock().millis(), () -> {
            snapshots.unregister(readVersion);
            version.unref();
            vlogReaders.exit(epoch);
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
                    vlogStats(),
                    activity.columnFamilies(),
                    activity.hotReadKeys(),
                    activity.hotWriteKeys());
        } finally {
            v.unref();
        }
    }

    StatsSnapshot.ValueLogStats vlogStats() {
        TreeMap<Long, Long> sizes = vlog.segmentSizes();
        TreeMap<Long, Long> discard;
        Set<Long> pending;
        synchronized (manifestLock) {
            discard = new TreeMap<>(vlogDiscard);
            pending = Set.copyOf(vlogPendingDelete);
        }
        Map<Long, Double> ratios = new TreeMap<>();
        long total = 0;
        long stale = 0;
        for (Map.Entry<Long, Long> e : sizes.entrySet()) {
            long records = Math.max(0, e.getValue() - VlogFormat.SEGMENT_HEADER_BYTES);
            long s = Math.min(records, discard.getOrDefault(e.getKey(), 0L));
            ratios.put(e.getKey(), records == 0 ? 0 : (double) s / records);
            total += e.getValue();
            stale += s;
        }
        return new StatsSnapshot.ValueLogStats(sizes.size(), total, stale, vlog.activeSegment(), vlog.activeOffset(),
                vlogGc.runs(), vlogGc.bytesReclaimed(), vlogGc.segmentsDeleted(), vlogGc.valuesMoved(),
                Collections.unmodifiableMap(ratios), List.copyOf(pending));
    }

    /** Caller holds manifestLock: the discard map plus {@code added}, for segments that still exist and are not emptied. */
    TreeMap<Long, Long> mergedDiscard(Map<Long, Long> added) {
        TreeMap<Long, Long> out = new TreeMap<>(vlogDiscard);
        added.forEach((seg, bytes) -> out.merge(seg, bytes, Long::sum));
        out.keySet().removeIf(seg -> !vlog.hasSegment(seg) || vlogPendingDelete.contains(seg));
        return out;
    }

    @Override
    public GcResult runValueLogGc() {
        checkOpen();
        return vlogGc.runOnce();
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
        run(failures, vlogGc::stop);
        run(failures, background::stop);
        if (statsFile != null) {
            run(failures, statsFile::close);
        }
        run(failures, () -> {
            wal.sync();
            wal.close();
        });
        run(failures, versions::close);
        run(failures, vlog::close);
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
