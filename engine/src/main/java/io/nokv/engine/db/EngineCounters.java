package io.nokv.engine.db;

import java.util.concurrent.atomic.AtomicLong;

/** Counters for {@link io.nokv.engine.StatsSnapshot} that the background and write paths bump. */
final class EngineCounters {
    final AtomicLong flushRuns = new AtomicLong();
    final AtomicLong flushLastMs = new AtomicLong();
    final AtomicLong flushMaxMs = new AtomicLong();
    final AtomicLong compactionRuns = new AtomicLong();
    final AtomicLong compactionLastMs = new AtomicLong();
    final AtomicLong compactionMaxMs = new AtomicLong();
    final AtomicLong writeStalls = new AtomicLong();
    final AtomicLong writeStallNanos = new AtomicLong();

    void flushed(long ms) {
        flushRuns.incrementAndGet();
        flushLastMs.set(ms);
        flushMaxMs.accumulateAndGet(ms, Math::max);
    }

    void compacted(long ms) {
        compactionRuns.incrementAndGet();
        compactionLastMs.set(ms);
        compactionMaxMs.accumulateAndGet(ms, Math::max);
    }
}
