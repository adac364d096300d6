package io.nokv.engine.version;

import io.nokv.engine.Options;
import io.nokv.engine.iterator.Entry;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.sst.BlockCache;
import io.nokv.engine.sst.SstOptions;
import io.nokv.engine.sst.SstProperties;
import io.nokv.engine.sst.SstWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Table lifetime in the version set: pinned files stay readable; dropped ones leave disk and cache. */
class VersionSetTest {
    private static final int KEYS = 2_000;
    private static final SstOptions SST = new SstOptions(1024, 10, Options.Compression.NONE);

    @TempDir
    Path dir;

    @Test
    void aPinnedVersionKeepsReadingAReplacedFileWhichThenLeavesDiskAndCache() {
        BlockCache cache = new BlockCache(8 << 20);
        try (VersionSet versions = new VersionSet(dir, cache, 7)) {
            FileMeta a = write(1, 1, "a", 10);
            FileMeta b = write(2, 1, "b", 10);
            versions.load(List.of(List.of(), List.of(a, b)));
            ReadCounters counters = new ReadCounters();

            Version pinned = versions.acquire();
            readAll(pinned, "b", 10, counters);
            long onlyB = cache.usedBytes();
            readAll(pinned, "a", 10, counters);
            long fileOneBytes = cache.usedBytes() - onlyB;
            assertTrue(fileOneBytes > 0, "file 1's blocks are cached too");

            FileMeta a2 = write(3, 1, "a", 20); // what a compaction of file 1 would install
            versions.install(List.of(versions.openTable(a2)), Set.of(1L));
            assertTrue(Files.exists(VersionSet.sstPath(dir, 1)), "still pinned");
            readAll(pinned, "a", 10, counters); // the old version still reads the old file
            readAll(versions.current(), "a", 20, counters);
            long allThree = cache.usedBytes();

            pinned.unref();
            assertFalse(Files.exists(VersionSet.sstPath(dir, 1)), "deleted once unpinned");
            long missesBefore = cache.misses();
            readAll(versions.current(), "b", 10, counters);
            assertEquals(missesBefore, cache.misses(), "file 2's blocks were not evicted with file 1's");
            assertEquals(allThree - fileOneBytes, cache.usedBytes(), "exactly file 1's blocks left the cache");
        }
    }

    @Test
    void readersNeverFailWhileFilesAreReplacedAndDeletedUnderThem() throws Exception {
        BlockCache cache = new BlockCache(64 << 10); // small: readers keep going to disk
        try (VersionSet versions = new VersionSet(dir, cache, 7)) {
            versions.load(List.of(List.of(), List.of(write(1, 1, "k", 1))));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong minGeneration = new AtomicLong(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int seed = t;
                readers.add(new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    ReadCounters counters = new ReadCounters();
                    try {
                        while (!stop.get()) {
                            long atLeast = minGeneration.get();
                            Version v = versions.acquire();
                            try {
                                int i = random.nextInt(KEYS);
                                Entry e = v.get(lookup("k", i), -1, counters);
                                assertNotNull(e, "key " + i);
                                long generation = Long.parseLong(new String(EntryValue.payload(e.value()),
                                        StandardCharsets.UTF_8).split("/")[1]);
                                assertTrue(generation >= atLeast, "read generation " + generation + " < " + atLeast);
                            } finally {
                                v.unref();
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            readers.forEach(Thread::start);
            for (long gen = 2; gen <= 12 && failure.get() == null; gen++) {
                FileMeta next = write(gen, 1, "k", gen);
                versions.install(List.of(versions.openTable(next)), Set.of(gen - 1));
                minGeneration.set(gen);
            }
            stop.set(true);
            for (Thread t : readers) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            for (long gen = 1; gen < 12; gen++) {
                assertFalse(Files.exists(VersionSet.sstPath(dir, gen)), "file " + gen + " was replaced");
            }
            assertTrue(Files.exists(VersionSet.sstPath(dir, 12)));
        }
    }

    /** A table of KEYS user keys "prefix0000".. with value "i/generation" at version generation. */
    private FileMeta write(long id, int level, String prefix, long generation) {
        SstProperties p;
        try (SstWriter w = new SstWriter(VersionSet.sstPath(dir, id), SST)) {
            for (int i = 0; i < KEYS; i++) {
                w.add(InternalKey.encode(0, userKey(prefix, i), generation),
                        EntryValue.value((i + "/" + generation).getBytes(StandardCharsets.UTF_8)));
            }
            p = w.finish();
        }
        return new FileMeta(id, level, p.fileSize(), p.smallest(), p.largest(), p.minVersion(), p.maxVersion(),
                p.entries(), p.tombstones());
    }

    private static byte[] userKey(String prefix, int i) {
        return String.format("%s%04d", prefix, i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] lookup(String prefix, int i) {
        return InternalKey.encode(0, userKey(prefix, i), Long.MAX_VALUE - 1);
    }

    private static void readAll(Version v, String prefix, long generation, ReadCounters counters) {
        for (int i = 0; i < KEYS; i++) {
            Entry e = v.get(lookup(prefix, i), -1, counters);
            assertNotNull(e, prefix + i);
            assertArrayEquals((i + "/" + generation).getBytes(StandardCharsets.UTF_8), EntryValue.payload(e.value()));
        }
    }
}
