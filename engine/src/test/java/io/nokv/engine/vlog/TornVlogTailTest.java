package io.nokv.engine.vlog;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static io.nokv.engine.vlog.VlogTestSupport.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TornVlogTailTest {
    private static final int VALUES = 20;

    @TempDir
    Path dir;

    @Test
    void garbageAfterTheLastRecordIsTruncatedAndEveryValueReads() throws IOException {
        Options options = VlogTestSupport.options(dir).syncWrites(true).vlogSegmentBytes(1 << 20);
        write(options);
        Path newest = newestSegment();
        long size = Files.size(newest);
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 1, 7, 0, 0, 0, 8, 0, 0, 9})); // half a record header
        }
        try (DB db = NoKV.open(options)) {
            assertEquals(size, Files.size(newest), "torn tail truncated");
            for (int i = 0; i < VALUES; i++) {
                assertArrayEquals(value(i, 0, true), db.get(key(i)));
            }
        }
    }

    @Test
    void aWalRecordWhoseVlogBytesWereLostIsSkippedNotDangling() throws IOException {
        Options options = VlogTestSupport.options(dir).syncWrites(true).vlogSegmentBytes(1 << 20);
        write(options);
        Path newest = newestSegment();
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10); // as if an OS crash lost the unsynced end of the last record
        }
        try (DB db = NoKV.open(options)) {
            for (int i = 0; i < VALUES - 1; i++) {
                assertArrayEquals(value(i, 0, true), db.get(key(i)));
            }
            assertNull(db.get(key(VALUES - 1)), "the write whose value was lost is not there (and does not dangle)");
            db.put(key(VALUES - 1), value(VALUES - 1, 1, true));
        }
        try (DB db = NoKV.open(options)) {
            assertArrayEquals(value(VALUES - 1, 1, true), db.get(key(VALUES - 1)));
        }
    }

    @Test
    void corruptRecordInsideAReadValueIsAnErrorNamingFileAndOffset() throws IOException {
        Options options = VlogTestSupport.options(dir).vlogSegmentBytes(1 << 20);
        try (DB db = NoKV.open(options)) {
            db.put(key(1), value(1, 0, true));
            db.flush();
        }
        Path seg = newestSegment();
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ch.write(ByteBuffer.wrap(new byte[] {42}), VlogFormat.SEGMENT_HEADER_BYTES + 200);
        }
        try (DB db = NoKV.open(options)) {
            NoKVException e = assertThrows(NoKVException.class, () -> db.get(key(1)));
            assertTrue(e.getMessage().contains(seg.toString()) && e.getMessage().contains("offset " + VlogFormat.SEGMENT_HEADER_BYTES),
                    e.getMessage());
        }
    }

    @Test
    void inspectorRejectsADirectoryThatIsNotAStore() {
        NoKVException e = assertThrows(NoKVException.class, () -> VlogInspector.read(dir));
        assertTrue(e.getMessage().contains("not a NoKV store"), e.getMessage());
    }

    private void write(Options options) {
        try (DB db = NoKV.open(options)) {
            for (int i = 0; i < VALUES; i++) {
                db.put(key(i), value(i, 0, true));
            }
        }
    }

    private Path newestSegment() throws IOException {
        Map.Entry<Long, Path> newest = null;
        for (Map.Entry<Long, Path> e : VlogInspector.listSegments(dir).entrySet()) {
            if (Files.size(e.getValue()) > VlogFormat.SEGMENT_HEADER_BYTES) {
                newest = e;
            }
        }
        return newest.getValue();
    }
}
