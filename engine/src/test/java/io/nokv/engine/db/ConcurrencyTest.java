package io.nokv.engine.db;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers, point readers and scanners at once while tiny memtables force constant flushes and
 * compactions: nobody may see a value go backwards, a scan out of order, or a file vanish.
 */
class ConcurrencyTest {
    private static final int KEYS = 400;

    @TempDir
    Path dir;

    private static byte[] key(int i) {
        return String.format("key%05d", i).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] value(long counter) {
        byte[] v = new byte[40];
        ByteBuffer.wrap(v).putLong(counter);
        return v;
    }

    private static long counter(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    @Test
    void manyWritersNeitherHangNorLoseWrites() throws InterruptedException {
        int threads = 8;
        int perThread = 3000;
        try (DB db = NoKV.open(Options.at(dir).memtableBytes(64 << 10))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            db.put(("w" + id + "-" + i).getBytes(StandardCharsets.US_ASCII), value(i));
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                workers.add(th);
                th.start();
            }
            for (Thread th : workers) {
                th.join(60_000);
                assertTrue(!th.isAlive(), "a writer hung");
            }
            assertNull(failure.get());
            assertEquals((long) threads * perThread, db.lastVersion());
            for (int t = 0; t < threads; t++) {
                for (int i = 0; i < perThread; i += 13) {
                    assertEquals(i, counter(db.get(("w" + t + "-" + i).getBytes(StandardCharsets.US_ASCII))));
                }
            }
        }
    }

    @Test
    void readersAndScannersStayConsistentUnderFlushAndCompaction() throws InterruptedException {
        Options o = Options.at(dir).memtableBytes(16 << 10).targetFileBytes(8 << 10).levelBaseBytes(32 << 10)
                .l0CompactionTrigger(2).compactionThreads(2).blockBytes(512).blockCacheBytes(64 << 10);
        AtomicLongArray written = new AtomicLongArray(KEYS); // highest counter acknowledged per key
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (DB db = NoKV.open(o)) {
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                threads.add(new Thread(() -> {
                    long c = 0;
                    while (!stop.get()) {
                        c++;
                        for (int k = writer; k < KEYS; k += 2) {
                            db.put(key(k), value(c));
                            written.set(k, c);
                        }
                    }
                }));
            }
            threads.add(new Thread(() -> {
                java.util.Random rnd = new java.util.Random(1);
                while (!stop.get()) {
                    int k = rnd.nextInt(KEYS);
                    long floor = written.get(k);
                    byte[] v = db.get(key(k));
                    long seen = v == null ? 0 : counter(v);
                    if (seen < floor) {
                        throw new AssertionError("key " + k + " went back: saw " + seen + " after " + floor + " was acknowledged");
                    }
                }
            }));
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    long[] floors = new long[KEYS];
                    for (int k = 0; k < KEYS; k++) {
                        floors[k] = written.get(k);
                    }
                    try (DbIterator it = db.newIterator(IteratorOptions.defaults())) {
                        byte[] previous = null;
                        int n = 0;
                        for (it.seekToFirst(); it.valid(); it.next()) {
                            byte[] k = it.key();
                            if (previous != null && Arrays.compareUnsigned(previous, k) >= 0) {
                                throw new AssertionError("scan out of order");
                            }
                            int index = Integer.parseInt(new String(k, 3, 5, StandardCharsets.US_ASCII));
                            if (counter(it.value()) < floors[index]) {
                                throw new AssertionError("scan saw an old value of key " + index);
                            }
                            previous = k;
                            n++;
                        }
                        if (Arrays.stream(floors).allMatch(f -> f > 0) && n != KEYS) {
                            throw new AssertionError("scan saw " + n + " keys");
                        }
                    }
                }
            }));
            for (Thread t : threads) {
                t.setUncaughtExceptionHandler((th, e) -> {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                });
                t.start();
            }
            long deadline = System.nanoTime() + 2_500_000_000L;
            while (System.nanoTime() < deadline && !stop.get()) {
                Thread.sleep(50);
            }
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertNull(failure.get(), () -> "failure: " + failure.get());
            StatsSnapshot s = db.stats();
            assertTrue(s.flushRuns() > 3, "flushes: " + s.flushRuns());
            assertTrue(s.compactionRuns() > 0, "compactions: " + s.compactionRuns());
            for (int k = 0; k < KEYS; k++) {
                assertEquals(written.get(k), counter(db.get(key(k))));
            }
        }
        try (DB db = NoKV.open(o)) {
            for (int k = 0; k < KEYS; k++) {
                assertEquals(written.get(k), counter(db.get(key(k))), "after reopen");
            }
        }
    }
}
