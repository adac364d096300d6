package io.nokv.engine.db;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbBehaviourTest {
    @TempDir
    Path tmp;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void secondOpenFailsNamingDirectoryAndPid() {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(Options.at(dir))) {
            NoKVException e = assertThrows(NoKVException.class, () -> NoKV.open(Options.at(dir)));
            assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains(Long.toString(ProcessHandle.current().pid())), e.getMessage());
            db.put(b("still"), b("works"));
            assertArrayEquals(b("works"), db.get(b("still")));
        }
        try (DB db = NoKV.open(Options.at(dir))) { // released by close
            assertArrayEquals(b("works"), db.get(b("still")));
        }
    }

    @Test
    void l0IsReadNewestFirst() {
        Options o = Options.at(tmp.resolve("db")).l0CompactionTrigger(20).l0SlowdownTrigger(30).l0StopTrigger(40);
        try (DB db = NoKV.open(o)) {
            for (int round = 0; round < 6; round++) {
                db.put(b("key"), b("round-" + round));
                db.put(b("filler-" + round), b("x"));
                db.flush();
            }
            assertEquals(6, db.stats().l0Files(), "every round is its own L0 table");
            assertArrayEquals(b("round-5"), db.get(b("key")));
            try (DbIterator it = db.newIterator(IteratorOptions.defaults())) {
                it.seek(b("key"));
                assertArrayEquals(b("round-5"), it.value());
            }
        }
    }

    @Test
    void bloomFilterNeverHidesAKey() {
        Options o = Options.at(tmp.resolve("db")).memtableBytes(64 << 10).targetFileBytes(32 << 10).bloomBitsPerKey(10);
        try (DB db = NoKV.open(o)) {
            for (int i = 0; i < 5000; i += 2) {
                db.put(b("key" + i), b("v" + i));
            }
            db.flush();
            db.compactRange(null, null);
            for (int i = 1; i < 5000; i += 2) {
                db.put(b("key" + i), b("v" + i));
            }
            db.flush();
            for (int i = 0; i < 5000; i++) {
                assertArrayEquals(b("v" + i), db.get(b("key" + i)), "key" + i);
            }
            for (int i = 0; i < 2000; i++) {
                assertNull(db.get(b("absent" + i)));
            }
            StatsSnapshot s = db.stats();
            assertTrue(s.bloomChecks() > 0);
            assertTrue(s.bloomNegatives() > 1000, "absent keys are mostly ruled out by the filter: " + s.bloomNegatives());
        }
    }

    @Test
    void versionGcDropsHiddenVersionsAndBottomTombstones() {
        Options o = Options.at(tmp.resolve("db")).keepVersionsUntilSafePoint(true).memtableBytes(16 << 10);
        try (DB db = NoKV.open(o)) {
            for (int v = 1; v <= 5; v++) {
                for (int k = 0; k < 100; k++) {
                    db.put(ColumnFamily.WRITE, b("k" + k), v * 10L, b("k" + k + "@" + v));
                }
                db.flush();
            }
            for (int k = 0; k < 50; k++) {
                db.delete(ColumnFamily.WRITE, b("k" + k), 60);
            }
            db.compactRange(null, null);
            assertEquals(550, entries(db), "nothing is garbage while the safe point is 0");

            db.setSafePoint(35);
            db.compactRange(null, null);
            // per key: 50 and 40 are above the safe point, 30 is the newest at or below it; 10 and 20 go.
            assertEquals(100 * 3 + 50, entries(db));
            for (int k = 0; k < 100; k++) {
                assertArrayEquals(b("k" + k + "@3"), db.get(ColumnFamily.WRITE, b("k" + k), 35));
                assertArrayEquals(b("k" + k + "@5"), db.get(ColumnFamily.WRITE, b("k" + k), 59));
            }

            db.setSafePoint(70);
            db.compactRange(null, null);
            // k0..k49: the tombstone at 60 is the newest at or below 70 on the bottom level: all gone.
            assertEquals(50, entries(db));
            assertEquals(0, tombstones(db));
            for (int k = 0; k < 100; k++) {
                byte[] want = k < 50 ? null : b("k" + k + "@5");
                assertArrayEquals(want, db.get(ColumnFamily.WRITE, b("k" + k), 70));
                assertArrayEquals(want, db.get(ColumnFamily.WRITE, b("k" + k)));
            }
        }
    }

    private static long entries(DB db) {
        return db.stats().entries();
    }

    private static long tombstones(DB db) {
        return ((DbImpl) db).versions.current().levels().stream().flatMap(List::stream)
                .mapToLong(io.nokv.engine.manifest.FileMeta::tombstones).sum();
    }

    @Test
    void openIteratorKeepsItsVersionsThroughCompaction() {
        Options o = Options.at(tmp.resolve("db"));
        try (DB db = NoKV.open(o)) {
            db.put(b("a"), b("old"));
            db.flush();
            try (DbIterator it = db.newIterator(IteratorOptions.defaults())) {
                db.put(b("a"), b("new"));
                db.flush();
                db.compactRange(null, null);
                it.seekToFirst();
                assertTrue(it.valid());
                assertArrayEquals(b("old"), it.value());
            }
            assertArrayEquals(b("new"), db.get(b("a")));
        }
    }

    @Test
    void writeThrottleEngagesAndDataStaysIntact() {
        Options o = Options.at(tmp.resolve("db")).memtableBytes(4 << 10).l0CompactionTrigger(1).l0SlowdownTrigger(1)
                .l0StopTrigger(2).targetFileBytes(8 << 10);
        try (DB db = NoKV.open(o)) {
            for (int i = 0; i < 3000; i++) {
                db.put(b("key" + (i % 700)), b("value" + i));
            }
            StatsSnapshot s = db.stats();
            assertTrue(s.writeStalls() > 0, "stall counter: " + s.writeStalls());
            for (int i = 3000 - 700; i < 3000; i++) {
                assertArrayEquals(b("value" + i), db.get(b("key" + (i % 700))));
            }
        }
    }

    @Test
    void concurrentWritersShareGroupsAndLoseNothing() throws InterruptedException {
        Options o = Options.at(tmp.resolve("db")).memtableBytes(64 << 10);
        int threads = 4;
        int perThread = 2000;
        try (DB db = NoKV.open(o)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            if (i % 10 == 0) {
                                db.write(new WriteBatch().put(b("t" + id + "-" + i), b("v" + i)).put(b("u" + id + "-" + i), b("w" + i)), i % 100 == 0);
                            } else {
                                db.put(b("t" + id + "-" + i), b("v" + i));
                            }
                            if (i % 7 == 0) {
                                assertArrayEquals(b("v" + i), db.get(b("t" + id + "-" + i)));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                workers.add(th);
                th.start();
            }
            for (Thread th : workers) {
                th.join();
            }
            assertNull(failure.get());
            assertEquals((long) threads * perThread, db.lastVersion(), "one version per write or batch");
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i++) {
                    assertArrayEquals(b("v" + i), db.get(b("t" + t + "-" + i)));
                    if (i % 10 == 0) {
                        assertArrayEquals(b("w" + i), db.get(b("u" + t + "-" + i)));
                    }
                }
            }
        }
    }

    @Test
    void closeDuringACompactRangeStopsItAndLosesNothing() throws Exception {
        Path dir = tmp.resolve("db");
        Options o = Options.at(dir).memtableBytes(64 << 10).targetFileBytes(32 << 10).l0CompactionTrigger(100)
                .l0SlowdownTrigger(200).l0StopTrigger(300);
        DB db = NoKV.open(o);
        for (int i = 0; i < 20_000; i++) {
            db.put(b("key" + i), new byte[100]);
        }
        db.flush();
        AtomicReference<Throwable> compactFailure = new AtomicReference<>();
        Thread compactor = new Thread(() -> {
            try {
                db.compactRange(null, null);
            } catch (Throwable t) {
                compactFailure.set(t);
            }
        });
        compactor.start();
        db.close(); // whether it lands before, during or after the compaction
        compactor.join();
        if (compactFailure.get() != null) {
            assertTrue(compactFailure.get() instanceof NoKVException, compactFailure.get().toString());
        }
        try (DB reopened = NoKV.open(o)) {
            for (int i = 0; i < 20_000; i += 97) {
                assertEquals(100, reopened.get(b("key" + i)).length);
            }
        }
    }

    @Test
    void iteratorIsASnapshotAndCanShowEveryVersion() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")).keepVersionsUntilSafePoint(true))) {
            db.put(ColumnFamily.WRITE, b("a"), 10, b("a10"));
            db.put(ColumnFamily.WRITE, b("a"), 20, b("a20"));
            db.delete(ColumnFamily.WRITE, b("a"), 30);
            db.put(ColumnFamily.WRITE, b("b"), 15, b("b15"));
            db.flush();
            try (DbIterator it = db.newIterator(IteratorOptions.defaults().columnFamily(ColumnFamily.WRITE))) {
                db.put(ColumnFamily.WRITE, b("c"), 40, b("c40")); // after creation: invisible
                it.seekToFirst();
                assertArrayEquals(b("b"), it.key(), "a is deleted at 30");
                it.next();
                assertFalse(it.valid());
            }
            List<String> all = new ArrayList<>();
            try (DbIterator it = db.newIterator(IteratorOptions.defaults().columnFamily(ColumnFamily.WRITE).allVersions(true))) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    all.add(new String(it.key(), StandardCharsets.UTF_8) + "@" + it.version());
                }
            }
            assertEquals(List.of("a@20", "a@10", "b@15", "c@40"), all);
            try (DbIterator it = db.newIterator(IteratorOptions.defaults().columnFamily(ColumnFamily.WRITE).readVersion(25))) {
                it.seekToLast();
                assertArrayEquals(b("b15"), it.value());
                it.prev();
                assertArrayEquals(b("a20"), it.value());
                assertEquals(20, it.version());
            }
        }
    }

    @Test
    void statsAreFilled() {
        Options o = Options.at(tmp.resolve("db")).memtableBytes(8 << 10).blockCacheBytes(1 << 20);
        try (DB db = NoKV.open(o)) {
            for (int i = 0; i < 1000; i++) {
                db.put(b("key" + i), b("value" + i));
            }
            db.flush();
            for (int i = 0; i < 1000; i++) {
                db.get(b("key" + i));
            }
            StatsSnapshot s = db.stats();
            assertEquals(1000, s.lastVersion());
            assertTrue(s.entries() >= 1000);
            assertTrue(s.flushRuns() > 0);
            assertTrue(s.levels().size() >= 2);
            assertTrue(s.levels().stream().mapToLong(StatsSnapshot.LevelStats::bytes).sum() > 0);
            assertTrue(s.blockCacheHits() + s.blockCacheMisses() > 0);
            assertTrue(s.walSegments() >= 1);
            assertFalse(s.compactionMaxScore() < 0);
        }
    }
}
