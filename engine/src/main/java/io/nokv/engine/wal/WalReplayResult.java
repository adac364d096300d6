package io.nokv.engine.wal;

/**
 * What {@link Wal#replay} found.
 *
 * @param lastSegment    the highest segment id in the directory (at least {@code fromSegment - 1},
 *                       and 0 for an empty directory): open the next {@link Wal} at
 *                       {@code lastSegment + 1}
 * @param records        records handed to the consumer
 * @param truncatedBytes size of the torn tail of the last segment, or of everything from the batch
 *                       where a prefix replay stopped: cut off (a stopped replay's bytes saved in
 *                       lost+found) when replaying with {@code repairTail}, only skipped otherwise
 * @param stopped        a {@link Wal#replayPrefix} ended before a batch it could not replay
 */
public record WalReplayResult(long lastSegment, long records, long truncatedBytes, boolean stopped) {
}
