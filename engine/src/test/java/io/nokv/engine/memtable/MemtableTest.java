package io.nokv.engine.memtable;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemtableTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void pointLookupFindsNewestVersionAtOrBelowReadVersion() {
        Memtable m = new Memtable(1, 1 << 20);
        m.add(0, b("k"), 5, b("v5"));
        m.add(0, b("k"), 9, b("v9"));
        m.add(0, b("k"), 12, null);
        m.add(0, b("ka"), 7, b("other"));
        assertEquals(0, m.find(InternalKey.encode(ColumnFamily.DEFAULT, b("k"), 4)));
        int h = m.find(InternalKey.encode(ColumnFamily.DEFAULT, b("k"), 10));
        assertEquals(9, m.version(h));
        assertArrayEquals(b("v9"), m.payload(h));
        assertTrue(m.isTombstone(m.find(InternalKey.encode(ColumnFamily.DEFAULT, b("k"), 100))));
        assertEquals(0, m.find(InternalKey.encode(ColumnFamily.LOCK, b("k"), 100)), "other column family");
        m.add(0, b("k"), 9, b("replaced"));
        assertArrayEquals(b("replaced"), m.payload(m.find(InternalKey.encode(ColumnFamily.DEFAULT, b("k"), 10))));
        assertEquals(4, m.entries());
        assertEquals(12, m.maxVersion());
    }

    @Test
    void iteratesInInternalKeyOrderBothWaysIncludingHugeValues() {
        iterates(new Memtable(1, 1 << 20));
    }

    @Test
    void fullSizeMemtableUsesRegionSizedChunks() {
        iterates(new Memtable(1, 64L << 20));
    }

    private static void iterates(Memtable m) {
        TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey.COMPARATOR);
        Random rnd = new Random(7);
        for (int i = 0; i < 5000; i++) {
            byte[] key = b("key" + rnd.nextInt(2000));
            long version = rnd.nextInt(50);
            byte[] value = new byte[rnd.nextInt(100) == 0 ? 200_000 : rnd.nextInt(30)];
            rnd.nextBytes(value);
            boolean delete = rnd.nextInt(5) == 0;
            m.add(0, key, version, delete ? null : value);
            model.put(InternalKey.encode(0, key, version), delete ? EntryValue.tombstone() : EntryValue.value(value));
        }
        assertEquals(model.size(), m.entries());
        InternalIterator it = m.iterator();
        List<byte[]> keys = new ArrayList<>(model.keySet());
        it.seekToFirst();
        for (byte[] k : keys) {
            assertTrue(it.valid());
            assertArrayEquals(k, it.key());
            assertArrayEquals(model.get(k), it.value());
            it.next();
        }
        assertFalse(it.valid());
        it.seekToLast();
        for (int i = keys.size() - 1; i >= 0; i--) {
            assertArrayEquals(keys.get(i), it.key());
            it.prev();
        }
        assertFalse(it.valid());
        for (int i = 0; i < 200; i++) {
            byte[] probe = InternalKey.encode(0, b("key" + rnd.nextInt(2100)), rnd.nextInt(60));
            byte[] ceil = model.ceilingKey(probe);
            it.seek(probe);
            assertArrayEquals(ceil, it.valid() ? it.key() : null);
            byte[] floor = model.floorKey(probe);
            it.seekForPrev(probe);
            assertArrayEquals(floor, it.valid() ? it.key() : null);
        }
    }

    @Test
    void readersNeverSeeHalfBuiltEntriesWhileOneThreadWrites() throws InterruptedException {
        Memtable m = new Memtable(1, 1 << 20);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (!done.get()) {
                    InternalIterator it = m.iterator();
                    it.seekToFirst();
                    byte[] previous = null;
                    while (it.valid()) {
                        byte[] k = it.key();
                        byte[] user = InternalKey.userKey(k);
                        assertArrayEquals(EntryValue.value(user), it.value(), "value matches key");
                        if (previous != null) {
                            assertTrue(InternalKey.COMPARATOR.compare(previous, k) < 0, "ascending");
                        }
                        previous = k;
                        it.next();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        Random rnd = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            byte[] key = b(Integer.toString(rnd.nextInt(1_000_000)));
            m.add(0, key, i, key);
        }
        done.set(true);
        reader.join();
        assertNull(failure.get());
    }
}
