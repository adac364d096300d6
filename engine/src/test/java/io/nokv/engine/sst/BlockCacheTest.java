package io.nokv.engine.sst;

import io.nokv.engine.Options;
import io.nokv.engine.iterator.InternalIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.NavigableMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockCacheTest {
    @TempDir
    Path dir;

    @Test
    void secondReadOfABlockIsAHit() {
        NavigableMap<byte[], byte[]> entries = SstFixtures.randomEntries(1, 2_000);
        Path path = dir.resolve("000001.sst");
        SstFixtures.write(path, SstFixtures.options(4096, 10, Options.Compression.LZ4), entries);
        BlockCache cache = new BlockCache(8 << 20);
        try (SstReader reader = SstReader.open(path, 1, cache)) {
            byte[] key = entries.firstKey();
            reader.ceiling(key);
            assertEquals(0, cache.hits());
            assertEquals(1, cache.misses());
            reader.ceiling(key);
            reader.ceiling(entries.higherKey(key));
            assertEquals(2, cache.hits());
            assertEquals(1, cache.misses());
            assertTrue(cache.usedBytes() >= 4096, "holds the decoded block: " + cache.usedBytes());
        }
    }

    @Test
    void fullScanStaysWithinCapacityAndEvictFileEmptiesIt() {
        NavigableMap<byte[], byte[]> entries = SstFixtures.randomEntries(2, 5_000);
        Path a = dir.resolve("000002.sst");
        Path b = dir.resolve("000003.sst");
        SstFixtures.write(a, SstFixtures.options(1024, 10, Options.Compression.NONE), entries);
        SstFixtures.write(b, SstFixtures.options(1024, 10, Options.Compression.NONE), entries);
        long capacity = 32 << 10;
        BlockCache cache = new BlockCache(capacity);
        try (SstReader ra = SstReader.open(a, 2, cache); SstReader rb = SstReader.open(b, 3, cache)) {
            long blocks = scan(ra) + scan(rb);
            assertTrue(blocks > 100, "the table should span many blocks");
            assertTrue(cache.usedBytes() <= capacity, "used " + cache.usedBytes());
            assertTrue(cache.usedBytes() > capacity / 2, "used " + cache.usedBytes());
            long missesBefore = cache.misses();
            scan(rb);
            assertTrue(cache.misses() > missesBefore, "a table larger than the cache cannot stay in it");

            cache.evictFile(2);
            cache.evictFile(3);
            assertEquals(0, cache.usedBytes());
        }
    }

    @Test
    void evictFileDropsOnlyThatFilesBlocks() {
        NavigableMap<byte[], byte[]> entries = SstFixtures.randomEntries(5, 2_000);
        Path a = dir.resolve("000005.sst");
        Path b = dir.resolve("000006.sst");
        SstFixtures.write(a, SstFixtures.options(1024, 10, Options.Compression.NONE), entries);
        SstFixtures.write(b, SstFixtures.options(1024, 10, Options.Compression.NONE), entries);
        BlockCache cache = new BlockCache(64 << 20);
        try (SstReader ra = SstReader.open(a, 5, cache); SstReader rb = SstReader.open(b, 6, cache)) {
            scan(ra);
            scan(rb);
            long bothFiles = cache.usedBytes();
            long missesAfterLoad = cache.misses();

            cache.evictFile(5);
            long onlyB = cache.usedBytes();
            assertEquals(bothFiles / 2, onlyB, "the two tables are identical, so each holds half");
            scan(rb);
            assertEquals(missesAfterLoad, cache.misses(), "file 6's blocks are all still cached");
            scan(ra);
            assertTrue(cache.misses() > missesAfterLoad, "file 5's blocks were dropped");

            cache.evictFile(6);
            cache.evictFile(5);
            assertEquals(0, cache.usedBytes());
            cache.evictFile(7); // a file with nothing cached
        }
    }

    @Test
    void zeroCapacityCachesNothingButCountsMisses() {
        NavigableMap<byte[], byte[]> entries = SstFixtures.randomEntries(3, 100);
        Path path = dir.resolve("000004.sst");
        SstFixtures.write(path, SstFixtures.options(4096, 10, Options.Compression.NONE), entries);
        BlockCache cache = new BlockCache(0);
        try (SstReader reader = SstReader.open(path, 4, cache)) {
            reader.ceiling(entries.firstKey());
            reader.ceiling(entries.firstKey());
            assertEquals(0, cache.hits());
            assertEquals(2, cache.misses());
            assertEquals(0, cache.usedBytes());
        }
    }

    /** Scans the whole table, returning the number of entries seen. */
    private static long scan(SstReader reader) {
        long n = 0;
        try (InternalIterator it = reader.iterator()) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                n++;
            }
        }
        return n;
    }
}
