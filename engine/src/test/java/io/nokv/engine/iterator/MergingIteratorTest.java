package io.nokv.engine.iterator;

import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergingIteratorTest {
    private static final byte[] ALPHABET = {0, 1, 'a', (byte) 0xff};

    @Test
    void equalKeysYieldOnlyTheNewestChildInBothDirections() {
        byte[] a = InternalKey.encode(0, bytes("a"), 5);
        byte[] b = InternalKey.encode(0, bytes("b"), 5);
        byte[] c = InternalKey.encode(0, bytes("c"), 5);
        NavigableMap<byte[], byte[]> newest = SortedArrayIterator.newMap();
        newest.put(b, value("new-b"));
        NavigableMap<byte[], byte[]> middle = SortedArrayIterator.newMap();
        middle.put(a, value("mid-a"));
        middle.put(b, value("mid-b"));
        middle.put(c, value("mid-c"));
        NavigableMap<byte[], byte[]> oldest = SortedArrayIterator.newMap();
        oldest.put(a, value("old-a"));
        oldest.put(b, value("old-b"));
        oldest.put(c, value("old-c"));

        try (MergingIterator it = merge(newest, middle, oldest)) {
            it.seekToFirst();
            assertEntry(it, a, "mid-a");
            it.next();
            assertEntry(it, b, "new-b");
            it.next();
            assertEntry(it, c, "mid-c");
            it.next();
            assertFalse(it.valid());

            it.seekToLast();
            assertEntry(it, c, "mid-c");
            it.prev();
            assertEntry(it, b, "new-b");
            it.prev();
            assertEntry(it, a, "mid-a");
            // Switch direction on a duplicated key: must not revisit or expose an older copy.
            it.next();
            assertEntry(it, b, "new-b");
            it.prev();
            assertEntry(it, a, "mid-a");
            it.prev();
            assertFalse(it.valid());

            it.seekForPrev(b);
            assertEntry(it, b, "new-b");
            it.seek(b);
            assertEntry(it, b, "new-b");
        }
    }

    @Test
    void matchesSortedModelUnderRandomOperations() {
        for (int seed = 0; seed < 300; seed++) {
            runRandom(new Random(seed), 1 + new Random(seed).nextInt(12));
        }
    }

    @Test
    void matchesSortedModelWithManyChildren() {
        for (int seed = 0; seed < 20; seed++) {
            runRandom(new Random(1000 + seed), 64);
        }
    }

    @Test
    void emptyAndNoChildren() {
        try (MergingIterator it = new MergingIterator(List.of())) {
            it.seekToFirst();
            assertFalse(it.valid());
            it.seekToLast();
            assertFalse(it.valid());
        }
        try (MergingIterator it = merge(SortedArrayIterator.newMap(), SortedArrayIterator.newMap())) {
            it.seek(InternalKey.encode(0, bytes("x"), 1));
            assertFalse(it.valid());
        }
    }

    @Test
    void closeClosesEveryChild() {
        SortedArrayIterator one = new SortedArrayIterator(SortedArrayIterator.newMap());
        SortedArrayIterator two = new SortedArrayIterator(SortedArrayIterator.newMap());
        new MergingIterator(List.of(one, two)).close();
        assertTrue(one.closed());
        assertTrue(two.closed());
    }

    private void runRandom(Random rnd, int childCount) {
        List<NavigableMap<byte[], byte[]>> children = new ArrayList<>();
        NavigableMap<byte[], byte[]> model = SortedArrayIterator.newMap();
        for (int c = 0; c < childCount; c++) {
            NavigableMap<byte[], byte[]> child = SortedArrayIterator.newMap();
            int n = rnd.nextInt(60);
            for (int i = 0; i < n; i++) {
                child.put(randomKey(rnd), value("child" + c + "-" + i));
            }
            children.add(child);
        }
        // Newest child first: the first one to hold a key owns it.
        for (NavigableMap<byte[], byte[]> child : children) {
            child.forEach(model::putIfAbsent);
        }
        List<InternalIterator> iterators = new ArrayList<>();
        children.forEach(m -> iterators.add(new SortedArrayIterator(m)));
        try (MergingIterator it = new MergingIterator(iterators)) {
            byte[] cursor = null;
            for (int op = 0; op < 300; op++) {
                int kind = rnd.nextInt(10);
                if (cursor == null || kind < 2) {
                    int which = rnd.nextInt(4);
                    byte[] target = randomKey(rnd);
                    switch (which) {
                        case 0 -> { it.seekToFirst(); cursor = model.isEmpty() ? null : model.firstKey(); }
                        case 1 -> { it.seekToLast(); cursor = model.isEmpty() ? null : model.lastKey(); }
                        case 2 -> { it.seek(target); cursor = model.ceilingKey(target); }
                        default -> { it.seekForPrev(target); cursor = model.floorKey(target); }
                    }
                } else if (kind < 6) {
                    it.next();
                    cursor = model.higherKey(cursor);
                } else {
                    it.prev();
                    cursor = model.lowerKey(cursor);
                }
                assertEquals(cursor != null, it.valid(), "valid after op " + op);
                if (cursor != null) {
                    assertArrayEquals(cursor, it.key(), "key after op " + op);
                    assertArrayEquals(model.get(cursor), it.value(), "value after op " + op);
                }
            }
        }
    }

    private static byte[] randomKey(Random rnd) {
        byte[] user = new byte[rnd.nextInt(3)];
        for (int i = 0; i < user.length; i++) {
            user[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return InternalKey.encode(rnd.nextInt(3), user, rnd.nextInt(4));
    }

    @SafeVarargs
    private static MergingIterator merge(NavigableMap<byte[], byte[]>... maps) {
        List<InternalIterator> children = new ArrayList<>();
        for (NavigableMap<byte[], byte[]> m : maps) {
            children.add(new SortedArrayIterator(m));
        }
        return new MergingIterator(children);
    }

    private static void assertEntry(InternalIterator it, byte[] key, String payload) {
        assertTrue(it.valid());
        assertArrayEquals(key, it.key());
        assertArrayEquals(value(payload), it.value());
    }

    static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] value(String s) {
        return EntryValue.value(bytes(s));
    }
}
