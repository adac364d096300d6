package io.nokv.engine.db;

import io.nokv.engine.NoKVException;
import io.nokv.engine.compaction.CompactionJob;
import io.nokv.engine.compaction.CompactionResult;
import io.nokv.engine.compaction.CompactionTask;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.VersionEdit;
import io.nokv.engine.memtable.Memtable;
import io.nokv.engine.sst.SstOptions;
import io.nokv.engine.version.TableFile;
import io.nokv.engine.version.Version;
import io.nokv.engine.vlog.VlogFormat;
import io.nokv.engine.vlog.VlogMetadata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Flush (one thread, oldest immutable memtable first) and compaction ({@code compactionThreads}
 * workers picked by {@link io.nokv.engine.compaction.CompactionPicker}). Every result is made
 * durable by a manifest edit before a new version is installed, and WAL segments are released only
 * after the flush edit is durable.
 */
final class Background {
    private static final Logger LOG = Logger.getLogger(Background.class.getName());

    private final DbImpl db;
    private final SstOptions sstOptions;
    private final Thread flushThread;
    /** fsyncs the WAL ahead of time (see {@link io.nokv.engine.wal.Wal#presync()}); guarded by itself. */
    private final Thread walSyncThread;
    private final Object presyncSignal = new Object();
    private boolean presyncRequested;
    private final ExecutorService compactionPool;
    private final ReentrantLock manualLock = new ReentrantLock();
    /** Guarded by db.bg. */
    private final Set<Long> busyFiles = new HashSet<>();
    /** Tables a compaction could not read (a block failed its checksum); never picked again. Guarded by db.bg. */
    private final Set<Long> badTables = new HashSet<>();
    private int runningCompactions;
    private boolean manualActive;
    private volatile boolean stopping;

    Background(DbImpl db) {
        this.db = db;
        this.sstOptions = SstOptions.from(db.options);
        this.flushThread = new Thread(this::flushLoop, "nokv-flush-" + db.dir.getFileName());
        this.flushThread.setDaemon(true);
        this.walSyncThread = new Thread(this::walSyncLoop, "nokv-wal-sync-" + db.dir.getFileName());
        this.walSyncThread.setDaemon(true);
        int threads = db.options.compactionThreads();
        this.compactionPool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "nokv-compaction-" + db.dir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        flushThread.start();
        walSyncThread.start();
        kick();
    }

    /**
     * Stops and waits for background work; compactions stop at their next input file. An unfinished
     * flush or compaction leaves only files that the next open removes: the WAL and the inputs still hold the data.
     */
    void stop() {
        stopping = true;
        synchronized (db.bg) {
            db.bg.notifyAll();
        }
        synchronized (presyncSignal) {
            presyncSignal.notifyAll();
        }
        compactionPool.shutdown();
        try {
            flushThread.join();
            walSyncThread.join();
            if (!compactionPool.awaitTermination(10, TimeUnit.MINUTES)) {
                throw new NoKVException("compaction in " + db.dir + " did not stop within 10 minutes");
            }
            // A compactRange running in a caller's thread stops at its next input file: wait for it too.
            manualLock.lockInterruptibly();
            manualLock.unlock();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoKVException("interrupted while stopping background work of " + db.dir, e);
        }
    }

    private void fail(String what, Throwable t) {
        if (stopping && db.isClosed()) {
            LOG.log(Level.FINE, what + " interrupted by close", t);
            return;
        }
        LOG.log(Level.SEVERE, what + " failed in " + db.dir + "; writes are refused until reopen", t);
        synchronized (db.bg) {
            if (db.backgroundError == null) {
                db.backgroundError = t;
            }
            db.bg.notifyAll();
        }
    }

    /** Asks for an fsync of the WAL off the write path, so the one inside the next rotation is short. */
    void presyncWal() {
        synchronized (presyncSignal) {
            presyncRequested = true;
            presyncSignal.notify();
        }
    }

    private void walSyncLoop() {
        while (true) {
            synchronized (presyncSignal) {
                while (!presyncRequested && !stopping) {
                    try {
                        presyncSignal.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
                presyncRequested = false;
            }
            db.wal.presync();
        }
    }

    // ---- flush ------------------------------------------------------------------------------------

    private void flushLoop() {
        while (true) {
            Memtable oldest;
            synchronized (db.bg) {
                while (!stopping && db.view.immutables().length == 0) {
                    try {
                        db.bg.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopping) {
                    return;
                }
                Memtable[] imms = db.view.immutables();
                oldest = imms[imms.length - 1];
            }
            try {
                flush(oldest);
            } catch (Throwable t) {
                fail("flush", t);
                return;
            }
            kick();
        }
    }

    private void flush(Memtable mem) throws IOException {
        long t0 = System.nanoTime();
        TableFile table = null;
        if (!mem.isEmpty()) {
            long fileId = db.nextFileId.getAndIncrement();
            FileMeta meta = L0Writer.write(db.dir, fileId, mem, sstOptions, () -> stopping);
            if (meta == null) {
                return; // stopping
            }
            table = db.versions.openTable(meta);
        }
        synchronized (db.manifestLock) {
            VersionEdit edit = new VersionEdit();
            if (table != null) {
                edit.addFile(table.meta());
            }
            edit.walCheckpoint(mem.endWalSegment())
                    .nextFileId(db.nextFileId.get())
                    .lastVersion(Math.max(db.visibleVersion(), mem.maxVersion()));
            if (mem.vlogEndSegment() >= 0) {
                // The WAL records that named these values go away with this edit: the values must
                // be durable first. Replay then only has to check the vlog from this head on.
                db.vlog.sync();
                edit.putMeta(VlogFormat.META_HEAD, VlogMetadata.encodeHead(mem.vlogEndSegment(), mem.vlogEndOffset()));
            }
            try {
                db.manifest.apply(edit);
            } catch (RuntimeException e) {
                if (table != null) {
                    db.versions.discard(table);
                }
                throw e;
            }
            db.versions.install(table == null ? List.of() : List.of(table), Set.of());
            // Not yet: while this edit is the last in the manifest, a damaged tail would lose it,
            // and these segments are then what recovery replays.
            long retired = mem.endWalSegment();
            db.manifest.afterNextEdit(() -> db.wal.deleteSegmentsBefore(retired));
        }
        synchronized (db.bg) {
            db.view = db.view.withoutFlushed(mem);
            db.bg.notifyAll();
        }
        db.counters.flushed((System.nanoTime() - t0) / 1_000_000);
    }

    // ---- compaction -------------------------------------------------------------------------------

    /** Starts as many picked compactions as there are idle workers. */
    void kick() {
        synchronized (db.bg) {
            while (!stopping && db.backgroundError == null && !manualActive
                    && runningCompactions < db.options.compactionThreads()) {
                Optional<CompactionTask> picked;
                try {
                    Set<Long> excluded = badTables.isEmpty() ? busyFiles : union(busyFiles, badTables);
                    picked = db.picker.pick(db.versions.current().levels(), excluded);
                } catch (RuntimeException e) {
                    fail("compaction picking", e);
                    return;
                }
                if (picked.isEmpty()) {
                    return;
                }
                CompactionTask task = picked.get();
                markBusy(task, true);
                runningCompactions++;
                compactionPool.execute(() -> {
                    try {
                        runCompaction(task);
                    } catch (Throwable t) {
                        if (!setAsideUnreadableInputs(task, t)) {
                            fail("compaction (" + task.reason() + ")", t);
                        }
                    } finally {
                        synchronized (db.bg) {
                            markBusy(task, false);
                            runningCompactions--;
                            db.bg.notifyAll();
                        }
                    }
                    kick();
                });
            }
        }
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> u = new HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** Ids of tables a compaction found unreadable (reported by stats); empty when all are fine. */
    Set<Long> badTables() {
        synchronized (db.bg) {
            return Set.copyOf(badTables);
        }
    }

    /**
     * A compaction that failed on a damaged input would fail the same way every time, and failing
     * the store would refuse every write until reopen (and again after it). So when the failure is
     * a read error, each input is read through once; the ones that fail are set aside (never
     * picked again, logged, listed by stats) and the store goes on serving everything else. Reads
     * of the damaged block itself keep failing with the error naming the file.
     *
     * @return true when at least one input was found unreadable (the failure is explained)
     */
    private boolean setAsideUnreadableInputs(CompactionTask task, Throwable failure) {
        if (!(failure instanceof NoKVException) || stopping) {
            return false;
        }
        List<FileMeta> inputs = new ArrayList<>(task.inputs());
        inputs.addAll(task.outputLevelInputs());
        Set<Long> unreadable = new HashSet<>();
        for (FileMeta f : inputs) {
            try (InternalIterator it = db.versions.iterator(f)) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    it.value();
                }
            } catch (NoKVException e) {
                unreadable.add(f.id());
                LOG.log(Level.SEVERE, "table " + f.id() + " (level " + f.level() + ") in " + db.dir + " is damaged: "
                        + e.getMessage() + "; compaction leaves it alone from now on (restore it, or rebuild the store"
                        + " from a replica)");
            } catch (RuntimeException e) {
                return false;
            }
        }
        if (unreadable.isEmpty()) {
            return false;
        }
        synchronized (db.bg) {
            badTables.addAll(unreadable);
        }
        return true;
    }

    private void markBusy(CompactionTask task, boolean busy) {
        for (FileMeta f : task.inputs()) {
            if (busy) {
                busyFiles.add(f.id());
            } else {
                busyFiles.remove(f.id());
            }
        }
        for (FileMeta f : task.outputLevelInputs()) {
            if (busy) {
                busyFiles.add(f.id());
            } else {
                busyFiles.remove(f.id());
            }
        }
    }

    /** Runs one task and installs its result: {delete inputs, add outputs} as one manifest edit. */
    private void runCompaction(CompactionTask task) {
        long t0 = System.nanoTime();
        Version pinned = db.versions.acquire();
        List<TableFile> outputs = new ArrayList<>();
        try {
            // Inputs open lazily, file by file: refusing to open more once closing starts cancels a
            // long compaction at the next file boundary (its outputs are discarded, inputs untouched).
            Function<FileMeta, InternalIterator> opener = meta -> {
                if (stopping) {
                    throw new NoKVException("store " + db.dir + " is closing");
                }
                return db.versions.iterator(meta);
            };
            CompactionJob job = new CompactionJob(task, opener, db.dir, db.nextFileId::getAndIncrement,
                    sstOptions, db.options.targetFileBytes(), db.gcHorizon()).expireAt(db.options.clock().millis());
            CompactionResult result = job.run();
            List<FileMeta> written = result.outputs();
            for (FileMeta m : written) {
                outputs.add(db.versions.openTable(m));
            }
            synchronized (db.manifestLock) {
                VersionEdit edit = new VersionEdit();
                Set<Long> deleted = new HashSet<>();
                for (FileMeta f : task.inputs()) {
                    edit.deleteFile(f.level(), f.id());
                    deleted.add(f.id());
                }
                for (FileMeta f : task.outputLevelInputs()) {
                    edit.deleteFile(f.level(), f.id());
                    deleted.add(f.id());
                }
                for (FileMeta m : written) {
                    edit.addFile(m);
                }
                edit.nextFileId(db.nextFileId.get());
                // Discard statistics change in the same edit as the files: a crash can neither
                // lose nor double-count them.
                java.util.TreeMap<Long, Long> discard = job.vlogDiscarded().isEmpty() ? null : db.mergedDiscard(job.vlogDiscarded());
                if (discard != null) {
                    edit.putMeta(VlogFormat.META_DISCARD, VlogMetadata.encodeDiscard(discard));
                }
                db.manifest.apply(edit);
                if (discard != null) {
                    db.vlogDiscard.clear();
                    db.vlogDiscard.putAll(discard);
                }
                db.versions.install(outputs, deleted);
                outputs.clear();
            }
            db.counters.compacted((System.nanoTime() - t0) / 1_000_000);
        } finally {
            pinned.unref();
            for (TableFile t : outputs) { // opened but never installed; other leftovers are orphans removed at open
                db.versions.discard(t);
            }
        }
    }

    /** Runs manual compactions of the range in the caller's thread, with background compaction paused. */
    void compactRange(byte[] start, byte[] end) {
        manualLock.lock();
        try {
            synchronized (db.bg) {
                manualActive = true;
                while (runningCompactions > 0) {
                    waitBg();
                }
            }
            try {
                for (CompactionTask task : db.picker.manual(db.versions.current().levels(), start, end)) {
                    db.throwIfBackgroundFailed();
                    runCompaction(task);
                }
            } finally {
                synchronized (db.bg) {
                    manualActive = false;
                    db.bg.notifyAll();
                }
            }
        } finally {
            manualLock.unlock();
        }
        kick();
    }

    private void waitBg() {
        db.throwIfBackgroundFailed();
        if (db.isClosed()) {
            throw new NoKVException("store " + db.dir + " is closed");
        }
        try {
            db.bg.wait(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoKVException("interrupted while waiting for background work", e);
        }
    }
}
