package io.nokv.engine.sst;

import io.nokv.engine.Options;
import io.nokv.engine.iterator.Entry;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SstRoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Options.Compression.class)
    void everyEntryComesBackInOrderWithItsProperties(Options.Compression compression) throws Exception {
        NavigableMap<byte[], byte[]> expected = SstFixtures.randomEntries(42, 5_000);
        Path path = dir.resolve("000001.sst");
        SstProperties written = SstFixtures.write(path, SstFixtures.options(4096, 10, compression), expected);

        assertEquals(Files.size(path), written.fileSize());
        assertFalse(Files.exists(dir.resolve("000001.sst.tmp")));
        try (SstReader reader = SstReader.open(path, 1, new BlockCache(1 << 20))) {
            SstProperties p = reader.properties();
            assertEquals(written.fileSize(), p.fileSize());
            assertArrayEquals(expected.firstKey(), p.smallest());
            assertArrayEquals(expected.lastKey(), p.largest());
            assertEquals(expected.size(), p.entries());
            assertEquals(expected.values().stream().filter(EntryValue::isTombstone).count(), p.tombstones());
            assertEquals(expected.keySet().stream().mapToLong(InternalKey::version).min().orElseThrow(), p.minVersion());
            assertEquals(expected.keySet().stream().mapToLong(InternalKey::version).max().orElseThrow(), p.maxVersion());
            assertEquals(written, withSameArrays(p, written));

            try (InternalIterator it = reader.iterator()) {
                it.seekToFirst();
                for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                    assertTrue(it.valid());
                    assertArrayEquals(e.getKey(), it.key());
                    assertArrayEquals(e.getValue(), it.value());
                    it.next();
                }
                assertFalse(it.valid());

                it.seekToLast();
                for (Map.Entry<byte[], byte[]> e : expected.descendingMap().entrySet()) {
                    assertTrue(it.valid());
                    assertArrayEquals(e.getKey(), it.key());
                    assertArrayEquals(e.getValue(), it.value());
                    it.prev();
                }
                assertFalse(it.valid());
            }
            for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                Entry found = reader.ceiling(e.getKey());
                assertArrayEquals(e.getKey(), found.key());
                assertArrayEquals(e.getValue(), found.value());
                assertTrue(reader.mayContain(InternalKey.lookupPrefix(e.getKey())));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Options.Compression.class)
    void ceilingMatchesTreeMapForRandomProbes(Options.Compression compression) {
        NavigableMap<byte[], byte[]> expected = SstFixtures.randomEntries(7, 3_000);
        Path path = dir.resolve("000002.sst");
        SstFixtures.write(path, SstFixtures.options(512, 10, compression), expected);
        Random rnd = new Random(99);
        try (SstReader reader = SstReader.open(path, 2, null)) {
            for (int i = 0; i < 20_000; i++) {
                byte[] user = new byte[rnd.nextInt(25)];
                rnd.nextBytes(user);
                byte[] probe = InternalKey.encode(rnd.nextInt(3), user, rnd.nextInt(2000));
                Map.Entry<byte[], byte[]> want = expected.ceilingEntry(probe);
                Entry got = reader.ceiling(probe);
                if (want == null) {
                    assertNull(got);
                } else {
                    assertArrayEquals(want.getKey(), got.key());
                    assertArrayEquals(want.getValue(), got.value());
                }
            }
            assertNull(reader.ceiling(InternalKey.encode(255, new byte[]{(byte) 0xFF}, 0)));
        }
    }

    @Test
    void lz4ShrinksCompressibleBlocksAndReadsThemBack() {
        NavigableMap<byte[], byte[]> expected = new TreeMap<>(InternalKey.COMPARATOR);
        for (int i = 0; i < 20_000; i++) {
            byte[] payload = new byte[100];
            Arrays.fill(payload, (byte) ('a' + i % 7));
            expected.put(InternalKey.encode(0, String.format("key%08d", i).getBytes(), 5), EntryValue.value(payload));
        }
        Path plain = dir.resolve("000003.sst");
        Path lz4 = dir.resolve("000004.sst");
        long plainSize = SstFixtures.write(plain, SstFixtures.options(4096, 10, Options.Compression.NONE), expected).fileSize();
        long lz4Size = SstFixtures.write(lz4, SstFixtures.options(4096, 10, Options.Compression.LZ4), expected).fileSize();
        assertTrue(lz4Size * 3 < plainSize, "LZ4 " + lz4Size + " vs plain " + plainSize);
        try (SstReader reader = SstReader.open(lz4, 4, new BlockCache(1 << 20)); InternalIterator it = reader.iterator()) {
            it.seekToFirst();
            for (Map.Entry<byte[], byte[]> e : expected.entrySet()) {
                assertArrayEquals(e.getKey(), it.key());
                assertArrayEquals(e.getValue(), it.value());
                it.next();
            }
            assertFalse(it.valid());
        }
    }

    @Test
    void singleEntryTable() {
        byte[] key = InternalKey.encode(1, new byte[0], 0);
        Path path = dir.resolve("000005.sst");
        try (SstWriter w = new SstWriter(path, SstFixtures.options(4096, 10, Options.Compression.LZ4))) {
            w.add(key, EntryValue.tombstone());
            assertEquals(1, w.entries());
            w.finish();
        }
        try (SstReader reader = SstReader.open(path, 5, null); InternalIterator it = reader.iterator()) {
            assertEquals(1, reader.properties().tombstones());
            it.seekForPrev(InternalKey.encode(2, new byte[0], 0));
            assertArrayEquals(key, it.key());
            it.prev();
            assertFalse(it.valid());
            it.seek(InternalKey.encode(0, new byte[]{1}, 0));
            assertArrayEquals(key, it.key());
            it.next();
            assertFalse(it.valid());
        }
    }

    /** Records compare arrays by identity; rebuild {@code p} around the other's arrays when equal. */
    private static SstProperties withSameArrays(SstProperties p, SstProperties other) {
        assertArrayEquals(other.smallest(), p.smallest());
        assertArrayEquals(other.largest(), p.largest());
        return new SstProperties(p.fileSize(), other.smallest(), other.largest(), p.minVersion(), p.maxVersion(),
                p.entries(), p.tombstones());
    }
}
