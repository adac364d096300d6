package io.nokv.engine;

import java.util.List;
import java.util.Map;

/** A point-in-time copy of the engine's counters; {@code nokv stats} prints it. */
public record StatsSnapshot(
        long entries,
        long lastVersion,
        long safePoint,
        long memtableBytes,
        int immutableMemtables,
        int flushPending,
        long flushRuns,
        long flushLastMs,
        long flushMaxMs,
        long compactionBacklog,
        double compactionMaxScore,
        long compactionRuns,
        long compactionLastMs,
        long compactionMaxMs,
        List<LevelStats> levels,
        int l0Files,
        long writeStalls,
        long writeStallMs,
        long blockCacheHits,
        long blockCacheMisses,
        long bloomChecks,
        long bloomNegatives,
        int walSegments,
        long walBytes,
        ValueLogStats vlog,
        List<ColumnFamilyStats> columnFamilies,
        List<HotKey> hotReadKeys,
        List<HotKey> hotWriteKeys) {

    public record LevelStats(int level, int files, long bytes, double score) {
    }

    /**
     * The value log: segment files and their bytes, stale bytes known from discard statistics,
     * the active segment and its size, GC counters since open, the stale ratio of every segment
     * and the segments GC emptied that wait for their last reader before deletion.
     */
    public record ValueLogStats(int segments, long totalBytes, long staleBytes, long headSegment, long headOffset,
                                long gcRuns, long gcBytesReclaimed, long gcSegmentsDeleted, long gcValuesMoved,
                                Map<Long, Double> staleRatios, List<Long> pendingDelete) {
    }

    /** Point reads and the writes callers issued in one column family since open; bytes are key + value. */
    public record ColumnFamilyStats(ColumnFamily cf, long reads, long writes, long bytesRead, long bytesWritten) {
    }

    /**
     * A frequently accessed user key; {@code count} is a decayed, sampled estimate of its operations
     * (recent heat, not an exact total). See {@code docs/engine.md}, "Hot keys".
     */
    public record HotKey(ColumnFamily cf, byte[] key, long count) {
    }

    public double blockCacheHitRate() {
        long total = blockCacheHits + blockCacheMisses;
        return total == 0 ? 0 : (double) blockCacheHits / total;
    }

    /** Share of bloom probes that ruled a table out (saved a block read). */
    public double bloomUsefulRate() {
        return bloomChecks == 0 ? 0 : (double) bloomNegatives / bloomChecks;
    }
}
