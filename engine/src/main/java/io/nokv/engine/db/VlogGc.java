package io.nokv.engine.db;

import io.nokv.engine.NoKVException;
import io.nokv.engine.manifest.VersionEdit;
import io.nokv.engine.vlog.GcResult;
import io.nokv.engine.vlog.VlogFormat;
import io.nokv.engine.vlog.VlogMetadata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Value-log garbage collection. One pass: (1) delete emptied segments that no reader can reach
 * any more; (2) pick the sealed segment with the highest stale ratio at or above the threshold;
 * (3) read its records and hand them to the write path as relocations, which the group leader
 * re-checks against the LSM and, for the live ones, appends to the active segment and switches
 * the pointer with a synced WAL record (same key and version, so the new pointer shadows the old
 * one everywhere); (4) record the segment as pending delete in the manifest; (5) delete it once
 * every iterator that might hold an old pointer is closed (point reads retry instead).
 *
 * <p>A crash at any step loses nothing: before (3) commits, the old pointers are the live ones;
 * after it, the new ones are durable in the WAL; a pending-delete segment is deleted at the next
 * open. The background thread runs at most one pass per {@code Options.vlogGcIntervalMillis}.
 */
final class VlogGc {
    private static final Logger LOG = Logger.getLogger(VlogGc.class.getName());
    /** Values handed to the write path per relocation batch. */
    private static final long RELOCATION_BATCH_BYTES = 1 << 20;
    /** Delay of the first background pass after open (or the interval, when shorter). */
    private static final long FIRST_PASS_DELAY_MILLIS = 1_000;

    private final DbImpl db;
    private final ReentrantLock passLock = new ReentrantLock();
    /** Pending segment → the reader epoch it waits out. Guarded by passLock. */
    private final Map<Long, Long> pendingEpochs = new HashMap<>();
    /** Segments a pass had to keep (PINNED) → the GC horizon then; not picked again until the horizon moves. Guarded by passLock. */
    private final Map<Long, Long> pinnedAtHorizon = new HashMap<>();
    private final Object sleep = new Object();
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong bytesReclaimed = new AtomicLong();
    private final AtomicLong segmentsDeleted = new AtomicLong();
    private final AtomicLong valuesMoved = new AtomicLong();
    private Thread thread;
    private volatile boolean stopping;

    VlogGc(DbImpl db) {
        this.db = db;
    }

    void start() {
        long interval = db.options.vlogGcIntervalMillis();
        if (interval <= 0) {
            return;
        }
        thread = new Thread(() -> loop(interval), "nokv-vlog-gc-" + db.dir.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The first pass runs soon after open, not a whole interval later: a store that lives a few
     * seconds at a time (killed and reopened) would otherwise never collect. A pass that reclaimed
     * a segment is followed at once by the next one; only a pass that found nothing waits.
     */
    private void loop(long intervalMillis) {
        long wait = Math.min(intervalMillis, FIRST_PASS_DELAY_MILLIS);
        while (!stopping) {
            synchronized (sleep) {
                long deadline = System.currentTimeMillis() + wait;
                for (long left = wait; left > 0 && !stopping; left = deadline - System.currentTimeMillis()) {
                    try {
                        sleep.wait(left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            if (stopping || db.backgroundError != null) {
                continue;
            }
            wait = intervalMillis;
            try {
                GcResult r = runOnce();
                if (r.segment() >= 0 || r.segmentsDeleted() > 0) {
                    LOG.fine(() -> "value-log GC in " + db.dir + ": " + r);
                }
                if (r.segment() >= 0 && r.valuesMoved() + r.valuesDropped() > 0) {
                    wait = 0; // found work: there may be more
                }
            } catch (RuntimeException e) {
                if (!stopping) {
                    LOG.log(Level.WARNING, "value-log GC in " + db.dir + " failed; will retry", e);
                }
            }
        }
    }

    void stop() {
        stopping = true;
        synchronized (sleep) {
            sleep.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Wait for a manual pass in a caller's thread.
        passLock.lock();
        passLock.unlock();
    }

    long runs() {
        return runs.get();
    }

    long bytesReclaimed() {
        return bytesReclaimed.get();
    }

    long segmentsDeleted() {
        return segmentsDeleted.get();
    }

    long valuesMoved() {
        return valuesMoved.get();
    }

    GcResult runOnce() {
        passLock.lock();
        try {
            runs.incrementAndGet();
            long[] freed = deleteUnreachable();
            long segment = pick();
            if (segment < 0) {
                return new GcResult(-1, 0, 0, 0, freed[1], (int) freed[0], "no sealed segment at or above the stale threshold");
            }
            double ratio = staleRatio(segment);
            long[] moved = {0};
            long[] dropped = {0};
            boolean[] pinned = {false};
            List<Relocation> chunk = new ArrayList<>();
            long[] chunkBytes = {0};
            db.vlog.scan(segment, rec -> {
                if (stopping) {
                    throw new NoKVException("store " + db.dir + " is closing");
                }
                chunk.add(new Relocation(rec.cf(), rec.key(), rec.version(), rec.expiresAt(), rec.value(), rec.segment(), rec.offset()));
                chunkBytes[0] += rec.recordLength();
                if (chunkBytes[0] >= RELOCATION_BATCH_BYTES) {
                    relocate(chunk, moved, dropped, pinned);
                    chunkBytes[0] = 0;
                }
            });
            relocate(chunk, moved, dropped, pinned);
            valuesMoved.addAndGet(moved[0]);
            if (pinned[0]) {
                pinnedAtHorizon.put(segment, db.gcHorizon());
                return new GcResult(segment, ratio, moved[0], dropped[0], freed[1], (int) freed[0],
                        "kept: it holds versions that snapshots read below a newer tombstone or expired entry");
            }
            CrashPoints.hit(CrashPoints.GC_AFTER_SWITCH);
            synchronized (db.manifestLock) {
                db.vlogPendingDelete.add(segment);
                TreeMap<Long, Long> discard = db.mergedDiscard(Map.of());
                db.manifest.apply(new VersionEdit()
                        .putMeta(VlogFormat.META_PENDING_DELETE, VlogMetadata.encodePending(db.vlogPendingDelete))
                        .putMeta(VlogFormat.META_DISCARD, VlogMetadata.encodeDiscard(discard)));
                db.vlogDiscard.clear();
                db.vlogDiscard.putAll(discard);
            }
            pendingEpochs.put(segment, db.vlogReaders.advance());
            CrashPoints.hit(CrashPoints.GC_BEFORE_DELETE);
            long[] freedNow = deleteUnreachable();
            return new GcResult(segment, ratio, moved[0], dropped[0], freed[1] + freedNow[1], (int) (freed[0] + freedNow[0]),
                    freedNow[0] > 0 || pendingEpochs.isEmpty() ? "" : "deletion waits for open iterators");
        } finally {
            passLock.unlock();
        }
    }

    private void relocate(List<Relocation> chunk, long[] moved, long[] dropped, boolean[] pinned) {
        if (chunk.isEmpty()) {
            return;
        }
        List<Relocation> batch = List.copyOf(chunk);
        chunk.clear();
        db.writeRelocations(batch);
        for (Relocation r : batch) {
            switch (r.outcome) {
                case MOVED -> moved[0]++;
                case DEAD -> dropped[0]++;
                case PINNED -> pinned[0] = true;
                default -> throw new IllegalStateException("relocation of " + r.segment + "@" + r.offset + " was not decided");
            }
        }
    }

    /** Deletes pending segments no open iterator from before their switch can read; returns {count, bytes}. */
    private long[] deleteUnreachable() {
        long count = 0;
        long bytes = 0;
        for (Map.Entry<Long, Long> e : new ArrayList<>(pendingEpochs.entrySet())) {
            long segment = e.getKey();
            if (db.vlogReaders.anyBefore(e.getValue())) {
                continue;
            }
            long size = db.vlog.segmentSizes().getOrDefault(segment, 0L);
            db.vlog.delete(segment);
            CrashPoints.hit(CrashPoints.GC_AFTER_DELETE);
            synchronized (db.manifestLock) {
                db.vlogPendingDelete.remove(segment);
                db.manifest.apply(db.vlogPendingDelete.isEmpty()
                        ? new VersionEdit().deleteMeta(VlogFormat.META_PENDING_DELETE)
                        : new VersionEdit().putMeta(VlogFormat.META_PENDING_DELETE, VlogMetadata.encodePending(db.vlogPendingDelete)));
            }
            pendingEpochs.remove(segment);
            pinnedAtHorizon.remove(segment);
            count++;
            bytes += size;
        }
        segmentsDeleted.addAndGet(count);
        bytesReclaimed.addAndGet(bytes);
        return new long[] {count, bytes};
    }

    /** One listing of sizes and one copy of the discard counts per pass: per segment they cost an fstat each. */
    private long pick() {
        long active = db.vlog.activeSegment();
        long best = -1;
        double bestRatio = -1;
        Map<Long, Long> sizes = db.vlog.segmentSizes();
        Map<Long, Long> discard;
        synchronized (db.manifestLock) {
            discard = new HashMap<>(db.vlogDiscard);
        }
        for (Map.Entry<Long, Long> e : sizes.entrySet()) {
            long id = e.getKey();
            if (id == active || pendingEpochs.containsKey(id)) {
                continue;
            }
            Long pinnedAt = pinnedAtHorizon.get(id);
            if (pinnedAt != null) {
                if (db.gcHorizon() <= pinnedAt) {
                    continue; // nothing that kept it can have changed
                }
                pinnedAtHorizon.remove(id);
            }
            double ratio = staleRatio(e.getValue(), discard.getOrDefault(id, 0L));
            if (ratio >= db.options.vlogGcThreshold() && ratio > bestRatio) {
                best = id;
                bestRatio = ratio;
            }
        }
        return best;
    }

    private double staleRatio(long segment) {
        long stale;
        synchronized (db.manifestLock) {
            stale = db.vlogDiscard.getOrDefault(segment, 0L);
        }
        return staleRatio(db.vlog.segmentSizes().getOrDefault(segment, 0L), stale);
    }

    private static double staleRatio(long segmentBytes, long staleBytes) {
        long records = segmentBytes - VlogFormat.SEGMENT_HEADER_BYTES;
        return records <= 0 ? 0 : Math.min(1.0, (double) staleBytes / records);
    }
}
