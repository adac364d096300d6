package io.nokv.engine.vlog;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static io.nokv.engine.vlog.VlogTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MVCC stores: GC must keep versions that reads above the safe point still see, and must never move
 * a value that a newer tombstone hides (the moved copy could outlive the tombstone and resurrect the key).
 */
class GcSnapshotSafetyTest {
    private static final int OTHERS = 40;

    @TempDir
    Path dir;

    @Test
    void oldVersionUnderATombstoneStaysReadableUntilTheSafePointPassesIt() {
        Options options = VlogTestSupport.options(dir).keepVersionsUntilSafePoint(true).vlogGcThreshold(0.3);
        ColumnFamily cf = ColumnFamily.DEFAULT;
        byte[] old = value(999, 0, true);
        try (DB db = NoKV.open(options)) {
            db.put(cf, key(999), 10, old);
            for (int k = 0; k < OTHERS; k++) {
                db.put(cf, key(k), 11 + k, value(k, 0, true));
            }
            db.delete(cf, key(999), 100);
            for (int k = 0; k < OTHERS; k++) { // the others' first versions are garbage below the safe point
                db.put(cf, key(k), 51 + k, value(k, 1, true));
            }
            db.setSafePoint(95); // key 999 @ 10 is the newest version at or below it: reads at 95..99 see it
            db.compactRange(null, null);

            boolean pinned = false;
            for (int i = 0; i < 20; i++) {
                GcResult r = db.runValueLogGc();
                pinned |= r.note().startsWith("kept");
                if (r.segment() < 0) {
                    break;
                }
            }
            assertTrue(pinned, "GC should have kept the segment holding key 999 @ 10");
            assertArrayEquals(old, db.get(cf, key(999), 97), "version 10 is still readable at 97 (above the safe point)");
            assertNull(db.get(key(999)));
            assertTrue(db.stats().vlog().staleRatios().containsKey(1L), "the first segment is kept");

            db.setSafePoint(150);
            db.compactRange(null, null); // tombstone at 100 and version 10 are now garbage: dropped at the bottom
            for (int i = 0; i < 20 && db.runValueLogGc().segment() >= 0; i++) {
                // now the old segment can go
            }
            assertNull(db.get(cf, key(999), 150));
            assertNull(db.get(key(999)), "no resurrection");
            for (int k = 0; k < OTHERS; k++) {
                assertArrayEquals(value(k, 1, true), db.get(key(k)));
            }
        }
        try (DB db = NoKV.open(options)) {
            assertNull(db.get(key(999)), "no resurrection after reopen");
            assertFalse(db.stats().vlog().staleRatios().containsKey(1L), "segment 1 was collected: " + db.stats().vlog());
            assertEquals(OTHERS, countKeys(db));
        }
    }

    private static int countKeys(DB db) {
        int n = 0;
        try (io.nokv.engine.DbIterator it = db.newIterator(new io.nokv.engine.IteratorOptions())) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }
}
