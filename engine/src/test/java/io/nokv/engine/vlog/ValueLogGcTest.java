package io.nokv.engine.vlog;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValueLogGcTest {
    private static final int KEYS = 100;
    private static final int VALUE_BYTES = 4096;

    @TempDir
    Path dir;

    static byte[] big(int key, int round) {
        return VlogTestSupport.value(key, round, true).length >= VALUE_BYTES ? VlogTestSupport.value(key, round, true)
                : pad(VlogTestSupport.value(key, round, true));
    }

    private static byte[] pad(byte[] v) {
        byte[] out = new byte[VALUE_BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = v[i % v.length];
        }
        return out;
    }

    @Test
    void overwriteThenGcKeepsVlogWithinTwiceTheLiveData() {
        Options options = VlogTestSupport.options(dir);
        int rounds = 6;
        try (DB db = NoKV.open(options)) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < KEYS; k++) {
                    db.put(key(k), big(k, round));
                }
            }
            db.compactRange(null, null);
            long before = db.stats().vlog().totalBytes();
            int passes = 0;
            while (db.runValueLogGc().segment() >= 0) {
                assertTrue(++passes < 200, "GC keeps finding candidates");
            }
            StatsSnapshot.ValueLogStats after = db.stats().vlog();
            long live = (long) KEYS * VlogFormat.recordBytes(key(0).length, VALUE_BYTES);
            assertTrue(after.totalBytes() <= 2 * live, "vlog " + after.totalBytes() + " B > 2 x live " + live + " B (was " + before + " B)");
            assertTrue(after.gcSegmentsDeleted() > 0 && after.gcBytesReclaimed() > 0, after.toString());
            assertEquals(passes + 1, after.gcRuns());
            System.out.printf("ValueLogGcTest: %d rounds x %d keys x %d B: vlog %d B before GC, %d B after (live %d B, space amp %.2f), %d segments deleted%n",
                    rounds, KEYS, VALUE_BYTES, before, after.totalBytes(), live, (double) after.totalBytes() / live, after.gcSegmentsDeleted());
            checkAll(db, rounds - 1);
        }
        try (DB db = NoKV.open(options)) {
            checkAll(db, rounds - 1);
        }
    }

    /**
     * A store that lives a few seconds at a time (issue 16 item 9): the background GC must not wait
     * a whole interval after each open, and must keep going while it finds work.
     */
    @Test
    void backgroundGcCollectsSoonAfterOpenAndKeepsGoingWhileThereIsWork() throws InterruptedException {
        int rounds = 6;
        try (DB db = NoKV.open(VlogTestSupport.options(dir))) {
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < KEYS; k++) {
                    db.put(key(k), big(k, round));
                }
            }
            db.compactRange(null, null); // discard statistics now name the stale segments
        }
        long live = (long) KEYS * VlogFormat.recordBytes(key(0).length, VALUE_BYTES);
        try (DB db = NoKV.open(VlogTestSupport.options(dir).vlogGcIntervalMillis(600_000))) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (db.stats().vlog().totalBytes() > 2 * live) {
                assertTrue(System.nanoTime() < deadline, "background GC did not bring the vlog under 2 x live ("
                        + db.stats().vlog() + ", live " + live + " B) without a manual pass");
                Thread.sleep(50);
            }
            checkAll(db, rounds - 1);
        }
    }

    @Test
    void segmentIsDeletedOnlyAfterIteratorsFromBeforeTheSwitchClose() {
        Options options = VlogTestSupport.options(dir);
        try (DB db = NoKV.open(options)) {
            for (int round = 0; round < 3; round++) {
                for (int k = 0; k < KEYS; k++) {
                    db.put(key(k), big(k, round));
                }
            }
            db.compactRange(null, null);
            VlogInspector.Report report = VlogInspector.read(dir);
            assertTrue(report.segments().stream().anyMatch(s -> s.status() == VlogInspector.Status.GC_CANDIDATE), report.toString());
            assertEquals(VlogInspector.Status.ACTIVE, report.segments().get(report.segments().size() - 1).status());

            DbIterator pinned = db.newIterator(new IteratorOptions());
            pinned.seekToFirst();
            GcResult first = db.runValueLogGc();
            assertTrue(first.segment() >= 0, first.toString());
            assertEquals(0, first.segmentsDeleted(), "deleted a segment an open iterator may read: " + first);
            VlogInspector.Report during = VlogInspector.read(dir);
            assertTrue(during.segments().stream().anyMatch(s -> s.id() == first.segment() && s.status() == VlogInspector.Status.PENDING_DELETE),
                    during.toString());
            // The old iterator still reads every value, through old pointers.
            int seen = 0;
            for (; pinned.valid(); pinned.next()) {
                assertArrayEquals(big(Integer.parseInt(new String(pinned.key()).substring(3)), 2), pinned.value());
                seen++;
            }
            assertEquals(KEYS, seen);
            pinned.close();
            GcResult second = db.runValueLogGc();
            assertTrue(second.segmentsDeleted() >= 1, second.toString());
            assertTrue(VlogInspector.read(dir).segments().stream().noneMatch(s -> s.id() == first.segment()));
            checkAll(db, 2);
        }
    }

    @Test
    void transactionsWriteLargeValuesTransparently() {
        try (DB db = NoKV.open(VlogTestSupport.options(dir))) {
            db.update(txn -> {
                txn.put(key(1), big(1, 0));
                assertArrayEquals(big(1, 0), txn.get(key(1)), "own pending write");
            });
            db.view(txn -> assertArrayEquals(big(1, 0), txn.get(key(1))));
            assertTrue(db.stats().vlog().totalBytes() > VALUE_BYTES, "value went to the vlog");
        }
    }

    @Test
    void valuesLargerThanTheWriteBufferAndTheSegmentRoundTrip() {
        byte[] huge = new byte[3 << 20];
        new java.util.SplittableRandom(7).nextBytes(huge);
        Options options = VlogTestSupport.options(dir);
        try (DB db = NoKV.open(options)) {
            io.nokv.engine.WriteBatch batch = new io.nokv.engine.WriteBatch();
            batch.put(io.nokv.engine.ColumnFamily.DEFAULT, key(1), big(1, 0));
            batch.put(io.nokv.engine.ColumnFamily.DEFAULT, key(2), huge);
            batch.put(io.nokv.engine.ColumnFamily.DEFAULT, key(3), big(3, 0));
            db.write(batch, true);
            assertArrayEquals(huge, db.get(key(2)));
        }
        try (DB db = NoKV.open(options)) {
            assertArrayEquals(big(1, 0), db.get(key(1)));
            assertArrayEquals(huge, db.get(key(2)));
            assertArrayEquals(big(3, 0), db.get(key(3)));
        }
    }

    private static void checkAll(DB db, int round) {
        for (int k = 0; k < KEYS; k++) {
            assertArrayEquals(big(k, round), db.get(key(k)), "key " + k);
        }
        try (DbIterator it = db.newIterator(new IteratorOptions())) {
            int n = 0;
            for (it.seekToFirst(); it.valid(); it.next()) {
                assertArrayEquals(big(n, round), it.value(), "iterated key " + n);
                n++;
            }
            assertEquals(KEYS, n);
        }
    }
}
