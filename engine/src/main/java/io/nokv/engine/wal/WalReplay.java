package io.nokv.engine.wal;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.DurableFiles;
import io.nokv.engine.record.RecordScanner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Consumer;

/** Reads WAL segments back after a restart; see {@link Wal#replay}. */
final class WalReplay {
    private static final System.Logger LOG = System.getLogger(WalReplay.class.getName());

    private WalReplay() {
    }

    static WalReplayResult run(Path walDir, long fromSegment, Consumer<byte[]> consumer, boolean repairTail) {
        NavigableMap<Long, Path> all = WalSegments.list(walDir);
        long lastSegment = Math.max(Math.max(fromSegment - 1, 0), all.isEmpty() ? 0 : all.lastKey());
        NavigableMap<Long, Path> wanted = all.tailMap(fromSegment, true);
        long[] records = {0};
        long truncated = 0;
        for (Map.Entry<Long, Path> segment : wanted.entrySet()) {
            Path file = segment.getValue();
            RecordScanner.Result result = RecordScanner.scan(file, "WAL record", (offset, type, payload) -> {
                if (type != Wal.RECORD_BATCH) {
                    throw new NoKVException("corrupt WAL record in " + file + " at offset " + offset
                            + ": unknown record type " + type);
                }
                consumer.accept(payload);
                records[0]++;
            });
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
                try {
                    DurableFiles.truncate(file, result.validBytes());
                } catch (IOException e) {
                    throw new NoKVException("cannot truncate torn tail of " + file + " at offset "
                            + result.validBytes() + ": " + e.getMessage(), e);
                }
                LOG.log(System.Logger.Level.WARNING, "truncated torn WAL tail of " + file + " at offset "
                        + result.validBytes() + ": dropped " + truncated + " bytes (" + result.tailProblem() + ")");
            } else {
                LOG.log(System.Logger.Level.INFO, "ignoring torn WAL tail of " + file + " at offset "
                        + result.validBytes() + ": " + truncated + " bytes (" + result.tailProblem() + ")");
            }
        }
        return new WalReplayResult(lastSegment, records[0], truncated);
    }
}
