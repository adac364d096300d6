package io.nokv.engine.sst;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLOCK policy and the byte accounting of {@link BlockCache}, on hand-made blocks. */
class BlockCacheShardTest {
    /** A valid empty block (one restart point, no entries) whose array is {@code bytes} long. */
    private static Block block(int bytes) {
        byte[] data = new byte[bytes];
        data[4] = 1; // restart count 1, restart point 0
        return new Block(data, 8, Path.of("test.sst"), 0);
    }

    @Test
    void aBlockReadSinceTheHandPassedSurvivesTheNextEviction() {
        Block sample = block(1000);
        long capacity = 3L * sample.weight(); // one shard: far below the minimum shard size
        BlockCache cache = new BlockCache(capacity);
        cache.put(1, 0, block(1000));
        cache.put(1, 1, block(1000));
        cache.put(1, 2, block(1000));
        assertNotNull(cache.get(1, 0)); // referenced: gets a second chance
        cache.put(1, 3, block(1000)); // over capacity: the hand skips 0 and evicts 1
        assertNotNull(cache.get(1, 0));
        assertNull(cache.get(1, 1));
        assertNotNull(cache.get(1, 2));
        assertNotNull(cache.get(1, 3));
        assertEquals(capacity, cache.usedBytes());
    }

    @Test
    void aBlockLargerThanItsShardIsNotCached() {
        BlockCache cache = new BlockCache(4096);
        cache.put(1, 0, block(8192));
        assertNull(cache.get(1, 0));
        assertEquals(0, cache.usedBytes());
    }

    @Test
    void concurrentReadersAndEvictionsKeepTheBoundAndTheAccounting() throws Exception {
        long capacity = 4L << 20; // several shards
        BlockCache cache = new BlockCache(capacity);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            threads.add(new Thread(() -> {
                try {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 20_000; i++) {
                        long file = random.nextInt(8);
                        long offset = random.nextInt(400);
                        int op = random.nextInt(100);
                        if (op < 60) {
                            Block b = cache.get(file, offset);
                            if (b != null) {
                                assertTrue(b.data.length >= 1024);
                            }
                        } else if (op < 99) {
                            cache.put(file, offset, block(1024 + random.nextInt(4096)));
                        } else {
                            cache.evictFile(file);
                        }
                        if (cache.usedBytes() > capacity) {
                            throw new AssertionError("used " + cache.usedBytes() + " > " + capacity);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertTrue(cache.usedBytes() > 0);
        Block kept = block(1024);
        cache.put(100, 0, kept);
        assertSame(kept, cache.get(100, 0));
        for (long file = 0; file < 8; file++) {
            cache.evictFile(file);
        }
        assertEquals(kept.weight(), cache.usedBytes(), "only the block of file 100 is left, and counted once");
        cache.evictFile(100);
        assertEquals(0, cache.usedBytes());
        assertNull(cache.get(100, 0));
    }
}
