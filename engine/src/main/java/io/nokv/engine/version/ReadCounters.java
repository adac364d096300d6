package io.nokv.engine.version;

import java.util.concurrent.atomic.LongAdder;

/** Bloom-filter probe counters shared by every point read (LongAdder: many reader threads). */
public final class ReadCounters {
    final LongAdder bloomChecks = new LongAdder();
    final LongAdder bloomNegatives = new LongAdder();

    public long bloomChecks() {
        return bloomChecks.sum();
    }

    public long bloomNegatives() {
        return bloomNegatives.sum();
    }
}
