package io.nokv.engine.wal;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.DurableFiles;
import io.nokv.engine.record.LostAndFound;
import io.nokv.engine.record.RecordScanner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Predicate;

/** Reads WAL segments back after a restart; see {@link Wal#replay} and {@link Wal#replayPrefix}. */
final class WalReplay {
    private static final System.Logger LOG = System.getLogger(WalReplay.class.getName());

    private WalReplay() {
    }

    static WalReplayResult run(Path walDir, long fromSegment, Predicate<byte[]> batch, boolean repairTail) {
        NavigableMap<Long, Path> all = WalSegments.list(walDir);
        long lastSegment = Math.max(Math.max(fromSegment - 1, 0), all.isEmpty() ? 0 : all.lastKey());
        NavigableMap<Long, Path> wanted = all.tailMap(fromSegment, true);
        checkNoGaps(walDir, fromSegment, wanted);
        long[] records = {0};
        long truncated = 0;
        for (Map.Entry<Long, Path> segment : wanted.entrySet()) {
            Path file = segment.getValue();
            RecordScanner.Result result = RecordScanner.scanUntil(file, "WAL record", RecordScanner.CompleteRecordMismatch.TORN,
                    (offset, type, payload) -> {
                        if (type != Wal.RECORD_BATCH) {
                            throw new NoKVException("corrupt WAL record in " + file + " at offset " + offset
                                    + ": unknown record type " + type);
                        }
                        if (!batch.test(payload)) {
                            return false;
                        }
                        records[0]++;
                        return true;
                    });
            if (result.stopped()) {
                return stop(walDir, wanted, segment.getKey(), result, records[0], lastSegment, repairTail);
            }
            if (result.clean()) {
                continue;
            }
            // Every segment but the newest was fsynced whole before the WAL moved on, so only the
            // newest can hold the remains of an interrupted append.
            if (!segment.getKey().equals(wanted.lastKey())) {
                throw new NoKVException("corrupt WAL record in " + file + " at offset " + result.validBytes()
                        + ": " + result.tailProblem() + " (in a segment that is not the last one)");
            }
            truncated = result.tailBytes();
            if (repairTail) {
                truncate(file, result.validBytes());
                LOG.log(System.Logger.Level.WARNING, "truncated torn WAL tail of " + file + " at offset "
                        + result.validBytes() + ": dropped " + truncated + " bytes (" + result.tailProblem() + ")");
            } else {
                LOG.log(System.Logger.Level.INFO, "ignoring torn WAL tail of " + file + " at offset "
                        + result.validBytes() + ": " + truncated + " bytes (" + result.tailProblem() + ")");
            }
        }
        return new WalReplayResult(lastSegment, records[0], truncated, false);
    }

    /**
     * Segments are created one after the other and deleted oldest first, so from the first one
     * replay needs onwards none may be missing: a hole is a lost file, and replaying around it
     * would apply later batches without earlier ones.
     */
    private static void checkNoGaps(Path walDir, long fromSegment, NavigableMap<Long, Path> wanted) {
        if (wanted.isEmpty()) {
            return;
        }
        long expected = Math.max(1, fromSegment);
        for (long id : wanted.keySet()) {
            if (id != expected) {
                throw new NoKVException("WAL segment " + WalSegments.path(walDir, expected) + " is missing"
                        + (id == wanted.firstKey() ? " (the manifest's WAL checkpoint is segment " + fromSegment + ")"
                        : "") + " but segment " + id + " exists: refusing to replay past a lost segment;"
                        + " restore the file, or move the store aside and rebuild it from a replica");
            }
            expected++;
        }
    }

    /**
     * The batch at {@code result.validBytes()} of segment {@code stopSegment} cannot be replayed, so
     * the recovered prefix ends before it. With {@code repairTail} the rest of that segment and every
     * later segment go to lost+found (nothing is deleted), so the next WAL continues the prefix.
     */
    private static WalReplayResult stop(Path walDir, NavigableMap<Long, Path> wanted, long stopSegment,
                                        RecordScanner.Result result, long records, long lastSegment, boolean repairTail) {
        Path file = wanted.get(stopSegment);
        long cut = result.fileBytes() - result.validBytes();
        for (Path later : wanted.tailMap(stopSegment, false).values()) {
            cut += later.toFile().length();
        }
        String why = "WAL batch at offset " + result.validBytes() + " of " + file
                + " names value-log bytes that are gone; replay ends before it so the store stays a prefix of its writes";
        if (repairTail) {
            Path storeDir = walDir.toAbsolutePath().getParent();
            LostAndFound.saveTail(storeDir, file, result.validBytes(), why);
            truncate(file, result.validBytes());
            for (Path later : wanted.tailMap(stopSegment, false).values()) {
                LostAndFound.move(storeDir, later, why);
            }
            // The next WAL follows the cut segment directly: the segments moved away must not leave a hole.
            lastSegment = stopSegment;
        } else {
            LOG.log(System.Logger.Level.INFO, why + " (" + cut + " bytes not replayed)");
        }
        return new WalReplayResult(lastSegment, records, cut, true);
    }

    private static void truncate(Path file, long length) {
        try {
            DurableFiles.truncate(file, length);
        } catch (IOException e) {
            throw new NoKVException("cannot truncate " + file + " at offset " + length + ": " + e.getMessage(), e);
        }
    }
}
