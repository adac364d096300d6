package io.nokv.engine.vlog;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static io.nokv.engine.vlog.VlogTestSupport.show;
import static io.nokv.engine.vlog.VlogTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large and small values mixed, through flush, compaction, GC and reopen, always agree with a map. */
class ValueLogModelTest {
    @TempDir
    Path dir;

    @Test
    void mixedValuesAgreeWithModelAcrossFlushCompactionGcAndReopen() {
        SplittableRandom random = new SplittableRandom(42);
        TreeMap<String, byte[]> model = new TreeMap<>();
        Options options = VlogTestSupport.options(dir);
        DB db = NoKV.open(options);
        long gcMoved = 0;
        long gcDeleted = 0;
        try {
            for (int round = 0; round < 12; round++) {
                WriteBatch batch = new WriteBatch();
                for (int op = 0; op < 150; op++) {
                    int k = random.nextInt(300);
                    boolean batched = random.nextInt(4) == 0;
                    boolean delete = random.nextInt(10) == 0;
                    if ((delete || !batched) && !batch.isEmpty()) {
                        db.write(batch); // keep the store's write order equal to the model's
                        batch = new WriteBatch();
                    }
                    if (delete) {
                        db.delete(key(k));
                        model.remove(new String(key(k)));
                    } else if (batched) {
                        byte[] v = value(k, round, random.nextBoolean());
                        batch.put(io.nokv.engine.ColumnFamily.DEFAULT, key(k), v);
                        model.put(new String(key(k)), v);
                        if (batch.size() > 5) {
                            db.write(batch);
                            batch = new WriteBatch();
                        }
                    } else {
                        byte[] v = value(k, round, random.nextInt(3) != 0);
                        db.put(key(k), v);
                        model.put(new String(key(k)), v);
                    }
                }
                db.write(batch);
                switch (round % 4) {
                    case 0 -> db.flush();
                    case 1 -> db.compactRange(null, null);
                    case 2 -> {
                        db.compactRange(null, null);
                        for (int i = 0; i < 10; i++) {
                            GcResult r = db.runValueLogGc();
                            gcMoved += r.valuesMoved();
                            gcDeleted += r.segmentsDeleted();
                            if (r.segment() < 0) {
                                break;
                            }
                        }
                    }
                    default -> {
                        db.close();
                        db = NoKV.open(options);
                    }
                }
                check(db, model, "round " + round);
            }
        } finally {
            db.close();
        }
        assertTrue(gcDeleted > 0, "GC deleted no segment (moved " + gcMoved + ")");
        db = NoKV.open(options);
        try {
            check(db, model, "final reopen");
        } finally {
            db.close();
        }
    }

    private static void check(DB db, TreeMap<String, byte[]> model, String when) {
        for (int k = 0; k < 300; k++) {
            byte[] expected = model.get(new String(key(k)));
            byte[] actual = db.get(key(k));
            assertTrue(Arrays.equals(expected, actual), when + ": key " + k + " expected " + show(expected) + " got " + show(actual));
        }
        try (DbIterator it = db.newIterator(new IteratorOptions())) {
            it.seekToFirst();
            for (Map.Entry<String, byte[]> e : model.entrySet()) {
                assertTrue(it.valid(), when + ": iterator ended before " + e.getKey());
                assertEquals(e.getKey(), new String(it.key()), when);
                assertArrayEquals(e.getValue(), it.value(), when + ": iterator value of " + e.getKey());
                it.next();
            }
            assertFalse(it.valid(), when + ": iterator has more than the model");
        }
    }
}
