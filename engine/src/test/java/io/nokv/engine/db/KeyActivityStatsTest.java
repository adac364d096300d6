package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-column-family counters and hot keys as {@link DB#stats()} reports them. */
class KeyActivityStatsTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static StatsSnapshot.ColumnFamilyStats cf(StatsSnapshot s, ColumnFamily cf) {
        return s.columnFamilies().stream().filter(c -> c.cf() == cf).findFirst().orElseThrow();
    }

    @Test
    void perColumnFamilyCountersCountOpsAndBytes() {
        try (DB db = NoKV.open(Options.at(dir))) {
            db.put(b("k1"), b("value"));                                  // default: 1 write, 2+5 bytes
            db.put(ColumnFamily.LOCK, b("l"), 7, b("xy"));                // lock: 1 write, 1+2
            db.delete(ColumnFamily.LOCK, b("l"), 8);                      // lock: 1 write, 1
            db.write(new WriteBatch().put(ColumnFamily.WRITE, b("w1"), b("abc")).delete(b("k2"))); // write 2+3; default 2
            db.update(txn -> txn.put(b("t"), b("tv")));                   // default: 1 write, 1+2
            assertEquals("value", new String(db.get(b("k1")), StandardCharsets.UTF_8)); // default: 1 read, 2+5
            db.get(b("missing"));                                         // default: 1 read, 7
            db.get(ColumnFamily.WRITE, b("w1"), Long.MAX_VALUE - 1);      // write: 1 read, 2+3

            StatsSnapshot s = db.stats();
            assertEquals(new StatsSnapshot.ColumnFamilyStats(ColumnFamily.DEFAULT, 2, 3, 7 + 7, 7 + 2 + 3), cf(s, ColumnFamily.DEFAULT));
            assertEquals(new StatsSnapshot.ColumnFamilyStats(ColumnFamily.LOCK, 0, 2, 0, 3 + 1), cf(s, ColumnFamily.LOCK));
            assertEquals(new StatsSnapshot.ColumnFamilyStats(ColumnFamily.WRITE, 1, 1, 5, 5), cf(s, ColumnFamily.WRITE));
        }
    }

    @Test
    void hotKeysShowInStatsAndCanBeTurnedOff() {
        try (DB db = NoKV.open(Options.at(dir.resolve("on")).hotKeyTopN(2).hotKeySampleEvery(1))) {
            for (int i = 0; i < 200; i++) {
                db.put(b("w" + (i % 50)), b("v"));
                db.put(b("hot-write"), b("v"));
                db.get(b("r" + (i % 50)));
                db.get(b("hot-read"));
            }
            StatsSnapshot s = db.stats();
            assertEquals(2, s.hotReadKeys().size());
            assertEquals("hot-read", new String(s.hotReadKeys().get(0).key(), StandardCharsets.UTF_8));
            assertEquals(ColumnFamily.DEFAULT, s.hotReadKeys().get(0).cf());
            assertEquals(200, s.hotReadKeys().get(0).count());
            assertEquals("hot-write", new String(s.hotWriteKeys().get(0).key(), StandardCharsets.UTF_8));
            assertTrue(s.hotWriteKeys().get(1).count() < 200);
        }
        try (DB db = NoKV.open(Options.at(dir.resolve("off")).hotKeyTopN(0))) {
            db.put(b("a"), b("v"));
            db.get(b("a"));
            StatsSnapshot s = db.stats();
            assertTrue(s.hotReadKeys().isEmpty() && s.hotWriteKeys().isEmpty());
            assertEquals(1, cf(s, ColumnFamily.DEFAULT).reads(), "counters stay on");
        }
    }
}
