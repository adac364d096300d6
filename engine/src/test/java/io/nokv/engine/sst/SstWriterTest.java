package io.nokv.engine.sst;

import io.nokv.engine.Options;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SstWriterTest {
    private static final SstOptions OPTIONS = new SstOptions(4096, 10, Options.Compression.NONE);
    private static final byte[] VALUE = EntryValue.value(new byte[]{42});

    @TempDir
    Path dir;

    @Test
    void outOfOrderOrRepeatedKeyIsRejected() {
        try (SstWriter w = new SstWriter(dir.resolve("000001.sst"), OPTIONS)) {
            w.add(InternalKey.encode(1, "b".getBytes(), 5), VALUE);
            assertThrows(IllegalArgumentException.class, () -> w.add(InternalKey.encode(1, "a".getBytes(), 5), VALUE));
            assertThrows(IllegalArgumentException.class, () -> w.add(InternalKey.encode(1, "b".getBytes(), 5), VALUE));
            // Newer versions sort first, so a newer version of the same key after an older one is out of order.
            assertThrows(IllegalArgumentException.class, () -> w.add(InternalKey.encode(1, "b".getBytes(), 6), VALUE));
            assertThrows(IllegalArgumentException.class, () -> w.add(InternalKey.encode(0, "z".getBytes(), 1), VALUE));
            assertThrows(IllegalArgumentException.class, () -> w.add(new byte[3], VALUE));
            assertThrows(IllegalArgumentException.class, () -> w.add(InternalKey.encode(2, "c".getBytes(), 1), new byte[0]));
            w.add(InternalKey.encode(1, "b".getBytes(), 4), VALUE); // still usable after a rejected add
            assertEquals(2, w.entries());
        }
    }

    @Test
    void abortAndUnfinishedCloseLeaveNoFile() throws IOException {
        Path path = dir.resolve("000002.sst");
        SstWriter w = new SstWriter(path, OPTIONS);
        for (int i = 0; i < 10_000; i++) {
            w.add(InternalKey.encode(0, String.format("k%06d", i).getBytes(), 1), VALUE);
        }
        assertTrue(Files.exists(dir.resolve("000002.sst.tmp")), "writes go to the temporary file");
        w.abort();
        w.close();
        assertEquals(0, filesIn(dir));
        assertThrows(IllegalStateException.class, () -> w.add(InternalKey.encode(0, "z".getBytes(), 1), VALUE));

        try (SstWriter unfinished = new SstWriter(dir.resolve("000003.sst"), OPTIONS)) {
            unfinished.add(InternalKey.encode(0, "a".getBytes(), 1), VALUE);
        }
        assertEquals(0, filesIn(dir));

        try (SstWriter empty = new SstWriter(dir.resolve("000004.sst"), OPTIONS)) {
            assertThrows(IllegalStateException.class, empty::finish);
        }
        assertEquals(0, filesIn(dir));
    }

    @Test
    void finishLeavesOnlyTheFinalFileAndTheEstimateIsClose() throws IOException {
        Path path = dir.resolve("000005.sst");
        SstProperties props;
        long estimate;
        try (SstWriter w = new SstWriter(path, OPTIONS)) {
            for (int i = 0; i < 20_000; i++) {
                w.add(InternalKey.encode(2, String.format("key%08d", i).getBytes(), 1), VALUE);
            }
            estimate = w.estimatedSize();
            props = w.finish();
            w.abort(); // no-op once finished
        }
        assertTrue(Files.exists(path));
        assertEquals(1, filesIn(dir));
        assertEquals(Files.size(path), props.fileSize());
        assertTrue(Math.abs(estimate - props.fileSize()) < props.fileSize() / 20,
                "estimate " + estimate + " vs " + props.fileSize());
        assertEquals(0, props.tombstones());
        assertEquals(20_000, props.entries());
    }

    private static long filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
