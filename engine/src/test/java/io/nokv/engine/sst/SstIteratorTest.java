package io.nokv.engine.sst;

import io.nokv.engine.Options;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeks and steps compared with a TreeMap, with blocks small enough that most moves cross one. */
class SstIteratorTest {
    @TempDir
    Path dir;

    /** blockBytes 1 puts every entry in its own block; 200 gives a few entries per block. */
    @ParameterizedTest
    @ValueSource(ints = {1, 200, 4096})
    void seeksAndStepsAgreeWithTreeMapAtBlockBoundaries(int blockBytes) {
        NavigableMap<byte[], byte[]> expected = SstFixtures.randomEntries(blockBytes, 600);
        Path path = dir.resolve("000001.sst");
        SstFixtures.write(path, SstFixtures.options(blockBytes, 10, Options.Compression.NONE), expected);
        try (SstReader reader = SstReader.open(path, 1, new BlockCache(1 << 20));
             InternalIterator it = reader.iterator()) {
            for (byte[] probe : probes(expected, new Random(blockBytes))) {
                it.seek(probe);
                assertAt(expected.ceilingKey(probe), expected, it);
                walk(expected, it, 3);

                it.seekForPrev(probe);
                assertAt(expected.floorKey(probe), expected, it);
                walk(expected, it, 3);

                var ceiling = expected.ceilingEntry(probe);
                var got = reader.ceiling(probe);
                if (ceiling == null) {
                    assertEquals(null, got);
                } else {
                    assertArrayEquals(ceiling.getKey(), got.key());
                    assertArrayEquals(ceiling.getValue(), got.value());
                }
            }
        }
    }

    @Test
    void prevFromFirstAndNextFromLastInvalidate() {
        NavigableMap<byte[], byte[]> expected = SstFixtures.randomEntries(3, 50);
        Path path = dir.resolve("000002.sst");
        SstFixtures.write(path, SstFixtures.options(64, 10, Options.Compression.NONE), expected);
        try (SstReader reader = SstReader.open(path, 2, null); InternalIterator it = reader.iterator()) {
            assertFalse(it.valid());
            it.seekToFirst();
            it.prev();
            assertFalse(it.valid());
            assertThrows(IllegalStateException.class, it::key);
            it.seekToLast();
            assertArrayEquals(expected.lastKey(), it.key());
            it.next();
            assertFalse(it.valid());
            it.seek(InternalKey.encode(255, new byte[]{1}, 1));
            assertFalse(it.valid());
            it.seekForPrev(InternalKey.encode(0, new byte[0], Long.MAX_VALUE - 1));
            // Only an entry with cf 0, empty user key and the maximum version could be <= that.
            assertEquals(expected.floorKey(InternalKey.encode(0, new byte[0], Long.MAX_VALUE - 1)) != null, it.valid());
        }
    }

    @Test
    void separatorLiesBetweenBlocksAndIsShortWhenItCanBe() {
        Random rnd = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            byte[] a = InternalKey.encode(rnd.nextInt(2), randomUser(rnd), rnd.nextInt(3));
            byte[] b = InternalKey.encode(rnd.nextInt(2), randomUser(rnd), rnd.nextInt(3));
            if (InternalKey.compare(a, b) == 0) {
                continue;
            }
            byte[] last = InternalKey.compare(a, b) < 0 ? a : b;
            byte[] next = last == a ? b : a;
            byte[] sep = SstWriter.separator(last, next);
            assertTrue(InternalKey.compare(last, sep) <= 0, "separator below the block's last key");
            assertTrue(InternalKey.compare(sep, next) < 0, "separator reaches the next block's first key");
        }
        byte[] shortened = SstWriter.separator(InternalKey.encode(0, "apple-pie".getBytes(), 3),
                InternalKey.encode(0, "zebra".getBytes(), 9));
        assertEquals(1 + 1 + InternalKey.TRAILER_BYTES, shortened.length);
    }

    private static byte[] randomUser(Random rnd) {
        byte[] u = new byte[rnd.nextInt(4)];
        for (int j = 0; j < u.length; j++) {
            u[j] = (byte) (rnd.nextBoolean() ? rnd.nextInt(3) : 0xFD + rnd.nextInt(3));
        }
        return u;
    }

    /** Every key, a key just after each one, and random keys (some outside the table's range). */
    private static List<byte[]> probes(NavigableMap<byte[], byte[]> map, Random rnd) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] k : map.keySet()) {
            out.add(k);
            long version = InternalKey.version(k);
            byte[] user = InternalKey.userKey(k);
            if (version > 0) {
                out.add(InternalKey.encode(InternalKey.cfId(k), user, version - 1));
            }
            byte[] longer = Arrays.copyOf(user, user.length + 1);
            out.add(InternalKey.encode(InternalKey.cfId(k), longer, Long.MAX_VALUE - 1));
        }
        for (int i = 0; i < 300; i++) {
            byte[] user = new byte[rnd.nextInt(6)];
            rnd.nextBytes(user);
            out.add(InternalKey.encode(rnd.nextInt(4), user, rnd.nextInt(3000)));
        }
        return out;
    }

    /** From the current position: {@code steps} nexts, then back with as many prevs, and on. */
    private static void walk(NavigableMap<byte[], byte[]> map, InternalIterator it, int steps) {
        if (!it.valid()) {
            return;
        }
        byte[] start = it.key();
        byte[] k = start;
        for (int i = 0; i < steps && k != null; i++) {
            it.next();
            k = map.higherKey(k);
            assertAt(k, map, it);
        }
        if (k == null) {
            it.seekToLast();
            k = map.lastKey();
        }
        for (int i = 0; i < 2 * steps && k != null; i++) {
            it.prev();
            k = map.lowerKey(k);
            assertAt(k, map, it);
        }
    }

    private static void assertAt(byte[] expectedKey, Map<byte[], byte[]> map, InternalIterator it) {
        if (expectedKey == null) {
            assertFalse(it.valid());
            return;
        }
        assertTrue(it.valid(), "iterator should be valid");
        assertArrayEquals(expectedKey, it.key());
        assertArrayEquals(map.get(expectedKey), it.value());
    }
}
