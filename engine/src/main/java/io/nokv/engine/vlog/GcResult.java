package io.nokv.engine.vlog;

/**
 * What one value-log GC pass did.
 *
 * @param segment          the segment it rewrote, or -1 when none qualified
 * @param staleRatio       that segment's stale ratio when picked
 * @param valuesMoved      live values rewritten into the active segment
 * @param valuesDropped    records that were no longer reachable
 * @param bytesReclaimed   bytes of segment files deleted in this pass
 * @param segmentsDeleted  segment files deleted in this pass (also earlier passes' pending ones)
 * @param note             why it stopped early, or "" (e.g. a value that only an old snapshot reads)
 */
public record GcResult(long segment, double staleRatio, long valuesMoved, long valuesDropped, long bytesReclaimed,
                       int segmentsDeleted, String note) {
}
