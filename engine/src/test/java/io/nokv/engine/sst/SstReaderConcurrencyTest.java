package io.nokv.engine.sst;

import io.nokv.engine.Options;
import io.nokv.engine.iterator.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class SstReaderConcurrencyTest {
    @TempDir
    Path dir;

    /** Threads share one reader and a small cache; one of them is interrupted before every read. */
    @Test
    void concurrentLookupsAgreeAndAnInterruptDoesNotBreakOtherReaders() throws Exception {
        NavigableMap<byte[], byte[]> entries = SstFixtures.randomEntries(21, 3_000);
        Path path = dir.resolve("000001.sst");
        SstFixtures.write(path, SstFixtures.options(1024, 10, Options.Compression.LZ4), entries);
        List<byte[]> keys = new ArrayList<>(entries.keySet());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SstReader reader = SstReader.open(path, 1, new BlockCache(16 << 10))) {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean interrupting = t == 0;
                int offset = t;
                futures.add(pool.submit(() -> {
                    for (int i = offset; i < keys.size(); i += 2) {
                        if (interrupting) {
                            Thread.currentThread().interrupt();
                        }
                        byte[] key = keys.get(i);
                        Entry e = reader.ceiling(key);
                        assertArrayEquals(key, e.key());
                        assertArrayEquals(entries.get(key), e.value());
                    }
                    Thread.interrupted();
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
