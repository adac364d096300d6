package io.nokv.engine.iterator;

import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LevelIteratorTest {
    /** Five files of ten keys each: key i is "k%03d" at version 1. */
    private final NavigableMap<byte[], byte[]> model = SortedArrayIterator.newMap();
    private final List<FileMeta> files = new ArrayList<>();
    private final Map<Long, NavigableMap<byte[], byte[]>> contents = new HashMap<>();
    private final List<SortedArrayIterator> opened = new ArrayList<>();

    LevelIteratorTest() {
        for (int f = 0; f < 5; f++) {
            NavigableMap<byte[], byte[]> content = SortedArrayIterator.newMap();
            for (int i = 0; i < 10; i++) {
                // Gaps between files (every third key is absent) so seeks land between files.
                int k = f * 30 + i * 3;
                content.put(key(k), MergingIteratorTest.value("v" + k));
            }
            model.putAll(content);
            contents.put((long) f + 1, content);
            files.add(new FileMeta(f + 1, 1, 100, content.firstKey(), content.lastKey(), 1, 1, 10, 0));
        }
    }

    private InternalIterator open(FileMeta meta) {
        SortedArrayIterator it = new SortedArrayIterator(contents.get(meta.id()));
        opened.add(it);
        return it;
    }

    @Test
    void scansAcrossFileBoundariesBothWaysOpeningLazily() {
        try (LevelIterator it = new LevelIterator(files, this::open)) {
            assertEquals(0, opened.size(), "nothing opened before positioning");
            List<byte[]> forward = new ArrayList<>();
            for (it.seekToFirst(); it.valid(); it.next()) {
                forward.add(it.key());
                assertAtMostOneOpen();
            }
            assertEquals(new ArrayList<>(model.keySet()).size(), forward.size());
            List<byte[]> expected = new ArrayList<>(model.keySet());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), forward.get(i));
            }
            int i = expected.size() - 1;
            for (it.seekToLast(); it.valid(); it.prev()) {
                assertArrayEquals(expected.get(i--), it.key());
                assertAtMostOneOpen();
            }
            assertEquals(-1, i);
        }
        assertTrue(opened.stream().allMatch(SortedArrayIterator::closed), "close() closes the open file");
    }

    @Test
    void seekOpensOnlyTheFileHoldingTheKey() {
        try (LevelIterator it = new LevelIterator(files, this::open)) {
            it.seek(key(65));
            assertArrayEquals(key(66), it.key());
            assertEquals(1, opened.size());
            // Between files: 29 is past file 1's last key (27), so the seek lands on file 2's first.
            it.seek(key(29));
            assertArrayEquals(key(30), it.key());
            it.seekForPrev(key(29));
            assertArrayEquals(key(27), it.key());
            it.seek(key(999));
            assertFalse(it.valid());
            it.seekForPrev(key(999));
            assertArrayEquals(key(147), it.key());
            it.seekForPrev(InternalKey.encode(0, new byte[0], 1));
            assertFalse(it.valid());
        }
    }

    @Test
    void matchesModelUnderRandomOperations() {
        Random rnd = new Random(7);
        try (LevelIterator it = new LevelIterator(files, this::open)) {
            byte[] cursor = null;
            for (int op = 0; op < 5000; op++) {
                int kind = rnd.nextInt(10);
                byte[] target = InternalKey.encode(0, String.format("k%03d", rnd.nextInt(160)).getBytes(), rnd.nextInt(3));
                if (cursor == null || kind < 2) {
                    switch (rnd.nextInt(4)) {
                        case 0 -> { it.seekToFirst(); cursor = model.firstKey(); }
                        case 1 -> { it.seekToLast(); cursor = model.lastKey(); }
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
                assertEquals(cursor != null, it.valid());
                if (cursor != null) {
                    assertArrayEquals(cursor, it.key());
                    assertArrayEquals(model.get(cursor), it.value());
                }
                assertAtMostOneOpen();
            }
        }
    }

    @Test
    void emptyLevel() {
        try (LevelIterator it = new LevelIterator(List.of(), this::open)) {
            it.seekToFirst();
            assertFalse(it.valid());
            it.seekForPrev(key(3));
            assertFalse(it.valid());
        }
    }

    private void assertAtMostOneOpen() {
        assertTrue(opened.stream().filter(o -> !o.closed()).count() <= 1, "the previous file is closed when moving on");
    }

    private static byte[] key(int k) {
        return InternalKey.encode(0, String.format("k%03d", k).getBytes(), 1);
    }
}
