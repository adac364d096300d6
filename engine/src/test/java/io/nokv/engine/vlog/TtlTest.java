package io.nokv.engine.vlog;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static io.nokv.engine.vlog.VlogTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TtlTest {
    @TempDir
    Path dir;

    @Test
    void expiredEntriesReadAsAbsentAndCompactionRemovesThemCountingVlogBytes() {
        VlogTestSupport.ManualClock clock = new VlogTestSupport.ManualClock();
        Options options = VlogTestSupport.options(dir).clock(clock);
        Duration ttl = Duration.ofSeconds(10);
        byte[] bigExpiring = value(2, 0, true);
        try (DB db = NoKV.open(options)) {
            db.put(ColumnFamily.DEFAULT, key(1), value(1, 0, false), ttl);
            db.put(ColumnFamily.DEFAULT, key(2), bigExpiring, ttl);
            db.put(key(3), value(3, 0, true));
            db.put(key(4), value(4, 0, true)); // an older version the expiring newest one must keep hidden
            db.write(new WriteBatch().put(ColumnFamily.DEFAULT, key(4), value(4, 1, false), ttl)
                    .put(ColumnFamily.DEFAULT, key(5), db.lastVersion() + 10, value(5, 0, true), ttl));

            assertArrayEquals(value(1, 0, false), db.get(key(1)));
            assertArrayEquals(bigExpiring, db.get(key(2)));
            assertArrayEquals(value(4, 1, false), db.get(key(4)));
            assertEquals(List.of("key00001", "key00002", "key00003", "key00004", "key00005"), keys(db));

            clock.advance(9_999);
            assertArrayEquals(bigExpiring, db.get(key(2)), "not yet expired");
            db.flush(); // half of them in a table, half in the memtable
            clock.advance(1);
            assertNull(db.get(key(1)));
            assertNull(db.get(key(2)));
            assertNull(db.get(key(4)), "expired newest version hides the older one");
            assertNull(db.getVersioned(ColumnFamily.DEFAULT, key(5), Long.MAX_VALUE - 1));
            assertArrayEquals(value(3, 0, true), db.get(key(3)));
            assertEquals(List.of("key00003"), keys(db));

            long entriesBefore = db.stats().entries();
            db.compactRange(null, null);
            assertEquals(1, db.stats().entries(), "only key 3 survives a bottommost compaction (had " + entriesBefore + ")");
            long expected = VlogFormat.recordBytes(key(2).length, bigExpiring.length)
                    + VlogFormat.recordBytes(key(4).length, value(4, 0, true).length)
                    + VlogFormat.recordBytes(key(5).length, value(5, 0, true).length);
            assertEquals(expected, db.stats().vlog().staleBytes(), "discarded vlog bytes of keys 2, 4 (old version) and 5");
        }
        try (DB db = NoKV.open(options)) {
            assertNull(db.get(key(2)));
            assertEquals(List.of("key00003"), keys(db));
            assertTrue(db.stats().vlog().staleBytes() > 0, "discard statistics survive a reopen");
        }
    }

    @Test
    void ttlSurvivesReopenFromTheWal() {
        VlogTestSupport.ManualClock clock = new VlogTestSupport.ManualClock();
        Options options = VlogTestSupport.options(dir).clock(clock);
        try (DB db = NoKV.open(options)) {
            db.put(ColumnFamily.DEFAULT, key(1), value(1, 0, true), Duration.ofMinutes(1));
        }
        try (DB db = NoKV.open(options)) {
            assertArrayEquals(value(1, 0, true), db.get(key(1)));
            clock.advance(60_000);
            assertNull(db.get(key(1)));
        }
    }

    private static List<String> keys(DB db) {
        List<String> out = new ArrayList<>();
        try (DbIterator it = db.newIterator(new IteratorOptions())) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                out.add(new String(it.key()));
            }
        }
        return out;
    }
}
