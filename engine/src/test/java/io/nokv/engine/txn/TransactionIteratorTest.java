package io.nokv.engine.txn;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionIteratorTest {
    @TempDir
    Path tmp;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> forward(DbIterator it) {
        List<String> out = new ArrayList<>();
        for (it.seekToFirst(); it.valid(); it.next()) {
            out.add(s(it.key()) + "=" + s(it.value()));
        }
        return out;
    }

    private static List<String> backward(DbIterator it) {
        List<String> out = new ArrayList<>();
        for (it.seekToLast(); it.valid(); it.prev()) {
            out.add(0, s(it.key()) + "=" + s(it.value()));
        }
        return out;
    }

    @Test
    void pendingWritesMergeOverTheSnapshot() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.update(t -> {
                for (String k : List.of("a", "c", "e", "g")) {
                    t.put(b(k), b(k + "0"));
                }
            });
            db.flush(); // part of the snapshot from an SST, part from the memtable
            db.update(t -> t.put(b("i"), b("i0")));
            try (Transaction t = db.newTransaction(true)) {
                t.put(b("b"), b("b1"));      // new key between snapshot keys
                t.put(b("c"), b("c1"));      // overwrite
                t.delete(b("e"));            // hides a snapshot key
                t.delete(b("zz"));           // delete of an absent key: nothing to hide
                t.put(b("j"), b("j1"));      // after the last snapshot key
                db.update(o -> o.put(b("d"), b("other"))); // committed after t started: invisible

                DbIterator it = t.iterator(IteratorOptions.defaults());
                List<String> expected = List.of("a=a0", "b=b1", "c=c1", "g=g0", "i=i0", "j=j1");
                assertEquals(expected, forward(it));
                assertEquals(expected, backward(it));

                it.seek(b("d"));
                assertEquals("g", s(it.key()), "e is deleted by the transaction, d is newer than its snapshot");
                it.prev();
                assertEquals("c", s(it.key()));
                assertEquals(Transaction.PENDING_VERSION, it.version());
                it.prev();
                assertEquals("b", s(it.key()));
                it.next();
                it.next();
                assertEquals("g", s(it.key()));
                assertTrue(it.version() < Transaction.PENDING_VERSION);
                it.seekForPrev(b("f"));
                assertEquals("c", s(it.key()));
                it.close();
                assertFalse(it.valid());
            }
        }
    }

    @Test
    void boundsPrefixAndColumnFamiliesApplyToPendingWrites() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.update(t -> {
                t.put(b("user:1"), b("s"));
                t.put(b("user:3"), b("s"));
                t.put(b("zoo"), b("s"));
                t.put(ColumnFamily.LOCK, b("user:2"), b("lock"));
            });
            try (Transaction t = db.newTransaction(true)) {
                t.put(b("user:2"), b("p"));
                t.put(b("user:9"), b("p"));
                t.put(b("usera"), b("p"));
                t.put(b("a"), b("p"));
                t.delete(ColumnFamily.LOCK, b("user:2"));
                t.put(ColumnFamily.WRITE, b("user:5"), b("w"));

                assertEquals(List.of("user:1=s", "user:2=p", "user:3=s", "user:9=p"),
                        forward(t.iterator(IteratorOptions.defaults().prefix(b("user:")))));
                assertEquals(List.of("user:1=s", "user:2=p", "user:3=s", "user:9=p"),
                        backward(t.iterator(IteratorOptions.defaults().prefix(b("user:")))));
                assertEquals(List.of("user:2=p", "user:3=s"),
                        forward(t.iterator(IteratorOptions.defaults().lowerBound(b("user:2")).upperBound(b("user:9")))));
                assertEquals(List.of("user:2=p", "user:3=s"),
                        backward(t.iterator(IteratorOptions.defaults().lowerBound(b("user:2")).upperBound(b("user:9")))));
                assertEquals(List.of("user:3=s"), forward(t.iterator(IteratorOptions.defaults()
                        .prefix(b("user:")).lowerBound(b("user:3")).upperBound(b("user:5")))));
                assertEquals(List.of(), forward(t.iterator(IteratorOptions.defaults().columnFamily(ColumnFamily.LOCK))));
                assertEquals(List.of("user:5=w"), backward(t.iterator(IteratorOptions.defaults().columnFamily(ColumnFamily.WRITE))));

                DbIterator it = t.iterator(IteratorOptions.defaults().lowerBound(b("user:2")).upperBound(b("user:9")));
                it.seek(b("a"));
                assertEquals("user:2", s(it.key()), "seek below the lower bound lands on the first key in range");
                it.seekForPrev(b("zzz"));
                assertEquals("user:3", s(it.key()), "seekForPrev above the upper bound lands on the last key in range");
            }
            assertEquals(0, db.transactions().conflictWindowSize());
        }
    }

    @Test
    void iteratorOptionsThatContradictTheSnapshotAreRejected() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")));
             Transaction t = db.newTransaction(false)) {
            assertThrows(IllegalArgumentException.class, () -> t.iterator(IteratorOptions.defaults().readVersion(1)));
            assertThrows(IllegalArgumentException.class, () -> t.iterator(IteratorOptions.defaults().allVersions(true)));
        }
    }

    @Test
    void endingTheTransactionClosesItsIterators() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.put(b("k"), b("v"));
            Transaction t = db.newTransaction(false);
            DbIterator it = t.iterator(IteratorOptions.defaults());
            it.seekToFirst();
            assertTrue(it.valid());
            t.discard();
            assertFalse(it.valid());
            assertThrows(IllegalStateException.class, it::seekToFirst);
        }
    }

    @Test
    void keysReturnedByAnIteratorCountAsReads() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.update(t -> t.put(b("k"), b("1")));
            Transaction t = db.newTransaction(true);
            try (DbIterator it = t.iterator(IteratorOptions.defaults())) {
                it.seekToFirst();
                assertArrayEquals(b("1"), it.value());
            }
            t.put(b("derived"), b("from 1"));
            db.update(o -> o.put(b("k"), b("2")));
            assertThrows(ConflictException.class, t::commit);
        }
    }

    /** Random snapshots and pending writes, random walks in both directions, against a sorted-map model. */
    @Test
    void randomWalksAgreeWithAModel() {
        Random rnd = new Random(42);
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")).memtableBytes(16 << 10))) {
            TreeMap<byte[], byte[]> committed = new TreeMap<>(Arrays::compareUnsigned);
            for (int round = 0; round < 30; round++) {
                db.update(t -> {
                    for (int i = 0; i < 20; i++) {
                        byte[] k = key(rnd);
                        if (rnd.nextInt(4) == 0) {
                            t.delete(k);
                            committed.remove(k);
                        } else {
                            byte[] v = b("c" + rnd.nextInt(1000));
                            t.put(k, v);
                            committed.put(k, v);
                        }
                    }
                });
                if (round % 10 == 9) {
                    db.flush();
                }
                try (Transaction t = db.newTransaction(true)) {
                    TreeMap<byte[], byte[]> model = new TreeMap<>(committed);
                    for (int i = 0; i < 15; i++) {
                        byte[] k = key(rnd);
                        if (rnd.nextBoolean()) {
                            t.delete(k);
                            model.remove(k);
                        } else {
                            byte[] v = b("p" + rnd.nextInt(1000));
                            t.put(k, v);
                            model.put(k, v);
                        }
                    }
                    byte[] lo = rnd.nextBoolean() ? null : key(rnd);
                    byte[] hi = rnd.nextBoolean() ? null : key(rnd);
                    IteratorOptions o = IteratorOptions.defaults().lowerBound(lo).upperBound(hi);
                    NavigableMap<byte[], byte[]> view = bounded(model, lo, hi);
                    try (DbIterator it = t.iterator(o)) {
                        walk(rnd, it, view);
                    }
                }
            }
        }
    }

    private static void walk(Random rnd, DbIterator it, NavigableMap<byte[], byte[]> model) {
        Map.Entry<byte[], byte[]> expected = null;
        for (int step = 0; step < 200; step++) {
            int op = rnd.nextInt(10);
            if (op == 0) {
                it.seekToFirst();
                expected = model.firstEntry();
            } else if (op == 1) {
                it.seekToLast();
                expected = model.lastEntry();
            } else if (op == 2) {
                byte[] k = key(rnd);
                it.seek(k);
                expected = model.ceilingEntry(k);
            } else if (op == 3) {
                byte[] k = key(rnd);
                it.seekForPrev(k);
                expected = model.floorEntry(k);
            } else if (expected == null) {
                continue;
            } else if (op < 7) {
                it.next();
                expected = model.higherEntry(expected.getKey());
            } else {
                it.prev();
                expected = model.lowerEntry(expected.getKey());
            }
            if (expected == null) {
                assertFalse(it.valid(), "step " + step);
            } else {
                assertTrue(it.valid(), "step " + step + " expected " + s(expected.getKey()));
                assertEquals(s(expected.getKey()), s(it.key()), "step " + step);
                assertEquals(s(expected.getValue()), s(it.value()), "step " + step);
            }
        }
    }

    private static NavigableMap<byte[], byte[]> bounded(NavigableMap<byte[], byte[]> m, byte[] lo, byte[] hi) {
        if (lo != null && hi != null) {
            return Arrays.compareUnsigned(lo, hi) >= 0 ? new TreeMap<>(Arrays::compareUnsigned) : m.subMap(lo, true, hi, false);
        }
        if (lo != null) {
            return m.tailMap(lo, true);
        }
        return hi != null ? m.headMap(hi, false) : m;
    }

    private static byte[] key(Random rnd) {
        return b(String.format("k%03d", rnd.nextInt(120)));
    }
}
