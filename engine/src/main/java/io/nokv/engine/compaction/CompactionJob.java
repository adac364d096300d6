package io.nokv.engine.compaction;

import io.nokv.engine.NoKVException;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.iterator.LevelIterator;
import io.nokv.engine.iterator.MergingIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.sst.SstOptions;
import io.nokv.engine.sst.SstProperties;
import io.nokv.engine.sst.SstWriter;
import io.nokv.engine.vlog.VlogFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Runs one {@link CompactionTask}: merges its inputs newest first, applies the version-GC rule and
 * writes the survivors to new tables at the output level.
 *
 * <p>GC rule, per (cf, user key), versions newest first: every version above {@code gcHorizon} is
 * kept; the newest version at or below it is kept too, unless it is a tombstone and the task is
 * bottommost (nothing older can exist below for it to hide); every older version is dropped.
 *
 * <p>Outputs are cut once a table passes {@code targetFileBytes}, but only between two user keys,
 * so a level never splits one key's versions across files (the picker and GC rely on that).
 *
 * <p>Crash behaviour: each output is written under a temporary name and renamed when complete; the
 * job does not touch the manifest. Its outputs become part of the store only through the edit the
 * caller applies afterwards; until then they are orphans that the store removes at open. On failure
 * the job deletes what it wrote and throws.
 */
public final class CompactionJob {
    /** How often (in entries) the job checks for interruption, so shutdown need not wait for a long merge. */
    private static final int INTERRUPT_CHECK_EVERY = 4096;

    private final CompactionTask task;
    private final Function<FileMeta, InternalIterator> opener;
    private final Path storeDir;
    private final LongSupplier nextFileId;
    private final SstOptions sstOptions;
    private final long targetFileBytes;
    private final long gcHorizon;

    private final List<FileMeta> outputs = new ArrayList<>();
    private SstWriter writer;
    private long writerFileId;
    private long versionsDropped;
    private long tombstonesDropped;
    private long expiredDropped;
    /** TTL: entries whose expiry is at or before this become tombstones; 0 = no clock given. */
    private long nowMillis;
    /** Value-log segment → bytes of the records whose pointers this job dropped. */
    private final java.util.TreeMap<Long, Long> vlogDiscarded = new java.util.TreeMap<>();

    /** The lookup prefix of the previous merged entry; reused buffer, so the loop allocates nothing. */
    private byte[] previousPrefix = new byte[64];
    private int previousPrefixLength = -1;

    public CompactionJob(CompactionTask task, Function<FileMeta, InternalIterator> opener, Path storeDir,
                         LongSupplier nextFileId, SstOptions sstOptions, long targetFileBytes, long gcHorizon) {
        this.task = task;
        this.opener = opener;
        this.storeDir = storeDir;
        this.nextFileId = nextFileId;
        this.sstOptions = sstOptions;
        this.targetFileBytes = targetFileBytes;
        this.gcHorizon = gcHorizon;
    }

    /**
     * Turns on TTL expiry: an entry expired at {@code nowMillis} is written as a tombstone (so it
     * still hides older versions, and the GC rule drops it where it drops tombstones).
     */
    public CompactionJob expireAt(long nowMillis) {
        this.nowMillis = nowMillis;
        return this;
    }

    /** Per value-log segment, the record bytes whose last pointer this job dropped (or expired). */
    public java.util.Map<Long, Long> vlogDiscarded() {
        return java.util.Collections.unmodifiableMap(vlogDiscarded);
    }

    /** Entries this job found expired (written as tombstones or dropped). */
    public long expiredEntries() {
        return expiredDropped;
    }

    private void discard(byte[] entryValue) {
        if (EntryValue.isPointer(entryValue)) {
            int off = EntryValue.payloadOffset(entryValue);
            vlogDiscarded.merge(VlogFormat.pointerSegment(entryValue, off),
                    (long) VlogFormat.pointerRecordLength(entryValue, off), Long::sum);
        }
    }

    /** Runs the merge once; the returned outputs are finished, synced and not yet in the manifest. */
    public CompactionResult run() {
        try (MergingIterator merged = new MergingIterator(openInputs())) {
            merge(merged);
            finishWriter();
        } catch (Error failure) {
            discardOutputs(failure);
            throw failure;
        } catch (RuntimeException failure) {
            discardOutputs(failure);
            throw new NoKVException("compaction into L" + task.outputLevel() + " of files " + inputIds()
                    + " failed: " + failure.getMessage(), failure);
        }
        long bytesWritten = 0;
        for (FileMeta out : outputs) {
            bytesWritten += out.size();
        }
        return new CompactionResult(List.copyOf(outputs), bytesRead(), bytesWritten, versionsDropped, tombstonesDropped);
    }

    private void merge(MergingIterator merged) {
        boolean keptAtOrBelowHorizon = false;
        long entries = 0;
        for (merged.seekToFirst(); merged.valid(); merged.next()) {
            if (++entries % INTERRUPT_CHECK_EVERY == 0 && Thread.currentThread().isInterrupted()) {
                throw new NoKVException("compaction interrupted");
            }
            byte[] key = merged.key();
            byte[] value = merged.value();
            if (nowMillis > 0 && EntryValue.isExpired(value, nowMillis)) {
                discard(value);
                expiredDropped++;
                value = EntryValue.tombstone();
            }
            boolean newUserKey = !sameAsPreviousPrefix(key);
            if (newUserKey) {
                rememberPrefix(key);
                keptAtOrBelowHorizon = false;
            }
            if (InternalKey.version(key) <= gcHorizon) {
                if (keptAtOrBelowHorizon) {
                    versionsDropped++;
                    discard(value);
                    continue;
                }
                // Whatever happens to this version, every older one of the key is now hidden.
                keptAtOrBelowHorizon = true;
                if (task.bottommost() && EntryValue.isTombstone(value)) {
                    tombstonesDropped++;
                    continue;
                }
            }
            // Kept versions of a key are always its newest ones, so a new user key here is also a
            // new key for the output: the only place a table may end.
            if (newUserKey && writer != null && writer.estimatedSize() >= targetFileBytes) {
                finishWriter();
            }
            if (writer == null) {
                writerFileId = nextFileId.getAsLong();
                writer = new SstWriter(tablePath(writerFileId), sstOptions);
            }
            writer.add(key, value);
        }
    }

    private void finishWriter() {
        if (writer == null) {
            return;
        }
        SstProperties p = writer.finish();
        writer = null;
        outputs.add(new FileMeta(writerFileId, task.outputLevel(), p.fileSize(), p.smallest(), p.largest(),
                p.minVersion(), p.maxVersion(), p.entries(), p.tombstones()));
    }

    /**
     * Children newest first: L0 files by id descending (each may overlap the others), then one
     * {@link LevelIterator} per deeper input level, then the output level's files.
     */
    private List<InternalIterator> openInputs() {
        List<FileMeta> l0 = new ArrayList<>();
        TreeMap<Integer, List<FileMeta>> deeper = new TreeMap<>();
        for (FileMeta f : task.inputs()) {
            if (f.level() == 0) {
                l0.add(f);
            } else {
                deeper.computeIfAbsent(f.level(), k -> new ArrayList<>()).add(f);
            }
        }
        l0.sort(Comparator.comparingLong(FileMeta::id).reversed());
        List<InternalIterator> children = new ArrayList<>();
        try {
            for (FileMeta f : l0) {
                children.add(opener.apply(f));
            }
            for (List<FileMeta> level : deeper.values()) {
                children.add(levelIterator(level));
            }
            if (!task.outputLevelInputs().isEmpty()) {
                children.add(levelIterator(task.outputLevelInputs()));
            }
        } catch (RuntimeException e) {
            for (InternalIterator child : children) {
                try {
                    child.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return children;
    }

    private LevelIterator levelIterator(List<FileMeta> files) {
        List<FileMeta> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> InternalKey.compare(a.smallest(), b.smallest()));
        return new LevelIterator(sorted, opener);
    }

    private boolean sameAsPreviousPrefix(byte[] key) {
        int prefixLength = key.length - InternalKey.TRAILER_BYTES;
        return prefixLength == previousPrefixLength
                && Arrays.equals(previousPrefix, 0, prefixLength, key, 0, prefixLength);
    }

    private void rememberPrefix(byte[] key) {
        int prefixLength = key.length - InternalKey.TRAILER_BYTES;
        if (previousPrefix.length < prefixLength) {
            previousPrefix = new byte[Math.max(prefixLength, previousPrefix.length * 2)];
        }
        System.arraycopy(key, 0, previousPrefix, 0, prefixLength);
        previousPrefixLength = prefixLength;
    }

    private void discardOutputs(Throwable failure) {
        if (writer != null) {
            try {
                writer.abort();
            } catch (Throwable e) {
                failure.addSuppressed(e);
            }
            writer = null;
        }
        for (FileMeta out : outputs) {
            try {
                Files.deleteIfExists(tablePath(out.id()));
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
        outputs.clear();
    }

    private Path tablePath(long fileId) {
        return storeDir.resolve(String.format("%06d.sst", fileId));
    }

    private long bytesRead() {
        long total = 0;
        for (FileMeta f : task.inputs()) {
            total += f.size();
        }
        for (FileMeta f : task.outputLevelInputs()) {
            total += f.size();
        }
        return total;
    }

    private List<Long> inputIds() {
        List<Long> ids = new ArrayList<>();
        task.inputs().forEach(f -> ids.add(f.id()));
        task.outputLevelInputs().forEach(f -> ids.add(f.id()));
        return ids;
    }
}
