package io.nokv.node.cli;

import io.nokv.engine.NoKVException;
import io.nokv.engine.wal.Wal;
import io.nokv.engine.wal.WalReplayResult;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WAL of a store as its files show it, read without touching them: segments by plain listing,
 * records and batch entries from the checkpoint on by a non-repairing replay. A live store may
 * delete or rotate segments meanwhile: the replay is retried, and {@code records} is -1 if it
 * never gets a consistent view.
 *
 * @param activeSegment     highest segment id present (0 when none)
 * @param activeBytes       its size
 * @param checkpoint        first segment the manifest still needs
 * @param obsoleteSegments  segments below the checkpoint: their data is in SSTs, the store deletes them soon
 * @param records           WAL records (write batches) from the checkpoint on, -1 if unreadable
 * @param entries           ops in those batches (not yet in an SST), -1 if unreadable
 * @param tornTailBytes     bytes after the last whole record of the newest segment (an append in progress, or a crash)
 * @param problem           why the replay failed (damage, a missing segment), or null
 */
record WalFacts(long activeSegment, long activeBytes, int segments, long bytes, long checkpoint,
                int obsoleteSegments, long records, long entries, long tornTailBytes, String problem) {
    private static final Pattern NAME = Pattern.compile("(\\d{8,18})\\.log");
    /**
     * A live store's newest segment usually ends in the append in progress, which the non-repairing
     * replay reports at INFO: not news for an inspector's user, so only warnings get through.
     * (Held here: java.util.logging keeps loggers weakly.)
     */
    private static final java.util.logging.Logger REPLAY_LOG = quiet("io.nokv.engine.wal.WalReplay");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    static WalFacts read(Path storeDir, long checkpoint) {
        Path walDir = storeDir.resolve("wal");
        for (int attempt = 0; ; attempt++) {
            TreeMap<Long, Long> sizes = segmentSizes(walDir);
            long[] entries = {0};
            try {
                WalReplayResult replay = Wal.replay(walDir, checkpoint, payload -> entries[0] += leadingVarint(payload), false);
                return of(sizes, checkpoint, replay.records(), entries[0], replay.truncatedBytes(), null);
            } catch (NoKVException e) {
                if (attempt >= 3) {
                    return of(sizes, checkpoint, -1, -1, 0, e.getMessage());
                }
            }
        }
    }

    private static WalFacts of(TreeMap<Long, Long> sizes, long checkpoint, long records, long entries, long torn,
                               String problem) {
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        Map.Entry<Long, Long> last = sizes.lastEntry();
        return new WalFacts(last == null ? 0 : last.getKey(), last == null ? 0 : last.getValue(), sizes.size(), total,
                checkpoint, sizes.headMap(checkpoint).size(), records, entries, torn, problem);
    }

    private static TreeMap<Long, Long> segmentSizes(Path walDir) {
        TreeMap<Long, Long> sizes = new TreeMap<>();
        if (!Files.isDirectory(walDir)) {
            return sizes;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(walDir)) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    try {
                        sizes.put(Long.parseLong(m.group(1)), Files.size(f));
                    } catch (NoSuchFileException deletedMeanwhile) {
                        // the live store removed it after the listing: it is no longer part of the WAL
                    }
                }
            }
        } catch (IOException e) {
            throw new NoKVException("cannot list " + walDir + ": " + e.getMessage(), e);
        }
        return sizes;
    }

    /** A batch payload starts with {@code [varint op count]} (docs/engine.md, "Write path"). */
    private static long leadingVarint(byte[] payload) {
        long v = 0;
        for (int i = 0, shift = 0; i < payload.length && shift < 35; i++, shift += 7) {
            v |= (long) (payload[i] & 0x7f) << shift;
            if ((payload[i] & 0x80) == 0) {
                return v;
            }
        }
        return 0;
    }
}
