package io.nokv.engine.vlog;

import io.nokv.engine.ColumnFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Segment ids grow at every open; past 999999 the file name has seven digits and must still be found. */
class VlogSegmentNamesTest {
    @TempDir
    Path store;

    @Test
    void aSegmentWithASevenDigitIdIsFoundAfterReopen() {
        byte[] value = "a value in segment one million".getBytes(StandardCharsets.UTF_8);
        byte[] pointer;
        try (ValueLog log = ValueLog.open(store, 1 << 20, 999_999, 0, Set.of())) {
            pointer = log.add(ColumnFamily.DEFAULT.id(), "k".getBytes(StandardCharsets.UTF_8), 1, 0, value);
            log.write();
            log.sync();
        }
        assertTrue(VlogInspector.listSegments(store).containsKey(1_000_000L), VlogInspector.listSegments(store).toString());
        try (ValueLog log = ValueLog.open(store, 1 << 20, 999_999, 0, Set.of())) {
            assertTrue(log.hasSegment(1_000_000L), "the reopened log knows the segment");
            assertArrayEquals(value, log.read(pointer, 0));
        }
    }
}
