package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.WriteBatch;
import io.nokv.engine.hotkeys.HotKeyTracker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Who reads and writes what: per-column-family op and byte counters, and the hot-key trackers.
 * Striped adders so concurrent readers do not share a cache line; point reads and the writes the
 * caller issued are counted (iterators are not).
 */
final class KeyActivity {
    private static final int CFS = ColumnFamily.values().length;

    private final LongAdder[] reads = adders();
    private final LongAdder[] readBytes = adders();
    private final LongAdder[] writes = adders();
    private final LongAdder[] writeBytes = adders();
    /** Null when hot-key tracking is off. */
    private final HotKeyTracker hotReads;
    private final HotKeyTracker hotWrites;

    KeyActivity(Options options) {
        boolean on = options.hotKeyTopN() > 0;
        hotReads = on ? HotKeyTracker.forStore(options.hotKeySampleEvery(), options.hotKeyTopN()) : null;
        hotWrites = on ? HotKeyTracker.forStore(options.hotKeySampleEvery(), options.hotKeyTopN()) : null;
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[CFS];
        for (int i = 0; i < CFS; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** A point read of {@code key} that returned {@code valueOrNull}. */
    void read(ColumnFamily cf, byte[] key, byte[] valueOrNull) {
        int i = cf.ordinal();
        reads[i].increment();
        readBytes[i].add(key.length + (valueOrNull == null ? 0 : valueOrNull.length));
        if (hotReads != null) {
            hotReads.record(cf, key);
        }
    }

    void written(ColumnFamily cf, byte[] key, byte[] valueOrNull) {
        int i = cf.ordinal();
        writes[i].increment();
        writeBytes[i].add(key.length + (valueOrNull == null ? 0 : valueOrNull.length));
        if (hotWrites != null) {
            hotWrites.record(cf, key);
        }
    }

    void written(WriteBatch batch) {
        for (WriteBatch.Op op : batch.ops()) {
            written(op.cf(), op.key(), op.value());
        }
    }

    List<StatsSnapshot.ColumnFamilyStats> columnFamilies() {
        List<StatsSnapshot.ColumnFamilyStats> out = new ArrayList<>(CFS);
        for (ColumnFamily cf : ColumnFamily.values()) {
            int i = cf.ordinal();
            out.add(new StatsSnapshot.ColumnFamilyStats(cf, reads[i].sum(), writes[i].sum(),
                    readBytes[i].sum(), writeBytes[i].sum()));
        }
        return List.copyOf(out);
    }

    List<StatsSnapshot.HotKey> hotReadKeys() {
        return hotReads == null ? List.of() : hotReads.top();
    }

    List<StatsSnapshot.HotKey> hotWriteKeys() {
        return hotWrites == null ? List.of() : hotWrites.top();
    }
}
