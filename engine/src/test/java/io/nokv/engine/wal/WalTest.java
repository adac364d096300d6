package io.nokv.engine.wal;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.RecordFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WalTest {
    @TempDir
    Path dir;

    private final Random random = new Random(42);

    private byte[] payload(int maxBytes) {
        byte[] b = new byte[1 + random.nextInt(maxBytes)];
        random.nextBytes(b);
        return b;
    }

    private List<byte[]> replayAll(long fromSegment, boolean repair) {
        List<byte[]> out = new ArrayList<>();
        Wal.replay(dir, fromSegment, out::add, repair);
        return out;
    }

    private static void assertSameRecords(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "record count");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "record " + i);
        }
    }

    /** Writes {@code n} single-record appends into segment 1 (never rotates); returns the payloads. */
    private List<byte[]> writeOneSegment(int n) {
        List<byte[]> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, 1 << 30, 1)) {
            for (int i = 0; i < n; i++) {
                byte[] p = payload(200);
                wal.append(List.of(p));
                written.add(p);
            }
        }
        return written;
    }

    private static long offsetOf(List<byte[]> records, int index) {
        long offset = 0;
        for (int i = 0; i < index; i++) {
            offset += RecordFormat.framedSize(records.get(i).length);
        }
        return offset;
    }

    @Test
    void roundTripAcrossAutoRotatedSegments() throws IOException {
        List<byte[]> written = new ArrayList<>();
        try (Wal wal = Wal.open(dir, 2048, 1)) {
            for (int call = 0; call < 200; call++) {
                List<byte[]> batch = new ArrayList<>();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    batch.add(payload(300));
                }
                wal.append(batch);
                written.addAll(batch);
            }
            wal.sync();
            assertTrue(wal.segmentCount() > 5, "segments: " + wal.segmentCount());
            assertEquals(wal.segmentCount(), WalSegments.list(dir).size());
            long onDisk = 0;
            for (Path p : WalSegments.list(dir).values()) {
                onDisk += Files.size(p);
            }
            assertEquals(onDisk, wal.totalBytes());
        }
        List<byte[]> replayed = new ArrayList<>();
        WalReplayResult result = Wal.replay(dir, 1, replayed::add, true);
        assertSameRecords(written, replayed);
        assertEquals(written.size(), result.records());
        assertEquals(0, result.truncatedBytes());
        assertEquals(WalSegments.list(dir).lastKey(), result.lastSegment());
    }

    @Test
    void oneAppendCallNeverSpansSegments() throws IOException {
        try (Wal wal = Wal.open(dir, 100, 1)) {
            wal.append(List.of(new byte[80], new byte[80], new byte[80]));
            assertEquals(1, wal.currentSegment(), "the call's records stay in one segment even past the limit");
            wal.append(List.of(new byte[10]));
            assertEquals(2, wal.currentSegment());
        }
        assertEquals(3 * RecordFormat.framedSize(80), Files.size(WalSegments.path(dir, 1)));
    }

    @Test
    void appendLargerThanTheWriteBufferIsWrittenWhole() {
        byte[] big = payload(1 << 20);
        byte[] huge = new byte[9 << 20];
        random.nextBytes(huge);
        try (Wal wal = Wal.open(dir, 1 << 30, 1)) {
            wal.append(List.of(big));
            wal.append(List.of(huge, big));
        }
        assertSameRecords(List.of(big, huge, big), replayAll(1, true));
    }

    enum Tear { MID_PAYLOAD, PARTIAL_HEADER, ZERO_FILLED_TAIL }

    @ParameterizedTest
    @EnumSource(Tear.class)
    void tornTailIsTruncatedAndTheLogStaysAppendable(Tear tear) throws IOException {
        List<byte[]> written = writeOneSegment(20);
        Path segment = WalSegments.path(dir, 1);
        long lastStart = offsetOf(written, 19);
        List<byte[]> survivors = written;
        switch (tear) {
            case MID_PAYLOAD -> {
                truncate(segment, lastStart + RecordFormat.HEADER_BYTES + written.get(19).length / 2);
                survivors = written.subList(0, 19);
            }
            case PARTIAL_HEADER -> {
                truncate(segment, lastStart + 5);
                survivors = written.subList(0, 19);
            }
            case ZERO_FILLED_TAIL -> {
                lastStart = Files.size(segment);
                Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
            }
        }
        long sizeBefore = Files.size(segment);

        List<byte[]> replayed = new ArrayList<>();
        WalReplayResult result = Wal.replay(dir, 1, replayed::add, true);

        assertSameRecords(survivors, replayed);
        assertEquals(sizeBefore - lastStart, result.truncatedBytes());
        assertEquals(lastStart, Files.size(segment), "cut exactly where the torn record began");
        assertEquals(1, result.lastSegment());

        byte[] after = payload(100);
        try (Wal wal = Wal.open(dir, 1 << 20, result.lastSegment() + 1)) {
            wal.append(List.of(after));
        }
        List<byte[]> expected = new ArrayList<>(survivors);
        expected.add(after);
        List<byte[]> again = new ArrayList<>();
        WalReplayResult second = Wal.replay(dir, 1, again::add, true);
        assertSameRecords(expected, again);
        assertEquals(0, second.truncatedBytes());
    }

    @Test
    void corruptRecordFollowedByValidOnesIsAnErrorNamingFileAndOffset() throws IOException {
        List<byte[]> written = writeOneSegment(10);
        Path segment = WalSegments.path(dir, 1);
        long bad = offsetOf(written, 3);
        flipByte(segment, bad + RecordFormat.HEADER_BYTES);
        byte[] before = Files.readAllBytes(segment);

        NoKVException e = assertThrows(NoKVException.class, () -> replayAll(1, true));

        assertTrue(e.getMessage().contains("corrupt WAL record in " + segment + " at offset " + bad), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(segment), "nothing truncated");
    }

    @Test
    void corruptLengthThatRunsPastTheEndIsStillCorruptionWhenRecordsFollow() throws IOException {
        List<byte[]> written = writeOneSegment(10);
        Path segment = WalSegments.path(dir, 1);
        long bad = offsetOf(written, 2);
        flipByte(segment, bad); // the length's high byte: the record now claims > 16 MiB

        NoKVException e = assertThrows(NoKVException.class, () -> replayAll(1, true));
        assertTrue(e.getMessage().contains(segment + " at offset " + bad), e.getMessage());
    }

    @Test
    void damageInASegmentThatIsNotTheLastIsAnError() throws IOException {
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            wal.append(List.of(payload(100), payload(100)));
            wal.rotate();
            wal.append(List.of(payload(100)));
        }
        Path first = WalSegments.path(dir, 1);
        long size = Files.size(first);
        truncate(first, size - 3); // a torn tail, but not in the newest segment

        NoKVException e = assertThrows(NoKVException.class, () -> replayAll(1, true));
        assertTrue(e.getMessage().contains("corrupt WAL record in " + first + " at offset "), e.getMessage());
        assertEquals(size - 3, Files.size(first), "not repaired");
    }

    @Test
    void replayWithoutRepairNeverModifiesFiles() throws IOException {
        List<byte[]> written = writeOneSegment(8);
        Path segment = WalSegments.path(dir, 1);
        truncate(segment, Files.size(segment) - 7);
        byte[] before = Files.readAllBytes(segment);

        List<byte[]> replayed = new ArrayList<>();
        WalReplayResult result = Wal.replay(dir, 1, replayed::add, false);

        assertSameRecords(written.subList(0, 7), replayed);
        assertTrue(result.truncatedBytes() > 0);
        assertArrayEquals(before, Files.readAllBytes(segment));
    }

    @Test
    void deleteSegmentsBeforeRemovesOnlyOlderSegments() {
        List<List<byte[]>> perSegment = new ArrayList<>();
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            for (int s = 0; s < 4; s++) {
                List<byte[]> batch = List.of(payload(100), payload(100));
                wal.append(batch);
                perSegment.add(batch);
                if (s < 3) {
                    wal.rotate();
                }
            }
            assertEquals(4, wal.currentSegment());
            assertEquals(4, wal.segmentCount());
            long totalBefore = wal.totalBytes();

            wal.deleteSegmentsBefore(3);

            assertEquals(List.of(3L, 4L), List.copyOf(WalSegments.list(dir).keySet()));
            assertEquals(2, wal.segmentCount());
            long deleted = 0;
            for (List<byte[]> batch : perSegment.subList(0, 2)) {
                for (byte[] p : batch) {
                    deleted += RecordFormat.framedSize(p.length);
                }
            }
            assertEquals(totalBefore - deleted, wal.totalBytes());
            assertThrows(IllegalArgumentException.class, () -> wal.deleteSegmentsBefore(5));
        }
        List<byte[]> expected = new ArrayList<>(perSegment.get(2));
        expected.addAll(perSegment.get(3));
        assertSameRecords(expected, replayAll(3, true));
    }

    @Test
    void replayStartsAtTheRequestedSegmentAndReportsTheHighestPresent() {
        try (Wal wal = Wal.open(dir, 1 << 20, 1)) {
            wal.append(List.of(payload(10)));
            wal.rotate();
            wal.append(List.of(payload(10)));
        }
        WalReplayResult result = Wal.replay(dir, 2, p -> { }, true);
        assertEquals(1, result.records());
        assertEquals(2, result.lastSegment());
        assertEquals(9, Wal.replay(dir, 10, p -> { }, true).lastSegment(), "never below fromSegment - 1");
        assertEquals(0, Wal.replay(dir.resolve("absent"), 1, p -> { }, true).lastSegment());
    }

    @Test
    void openRefusesToStartAtOrBeforeAnExistingSegment() {
        try (Wal wal = Wal.open(dir, 1 << 20, 5)) {
            wal.append(List.of(payload(10)));
        }
        NoKVException e = assertThrows(NoKVException.class, () -> Wal.open(dir, 1 << 20, 5));
        assertTrue(e.getMessage().contains("00000005.log"), e.getMessage());
        try (Wal wal = Wal.open(dir, 1 << 20, 6)) {
            assertEquals(2, wal.segmentCount(), "the older segment is counted until deleted");
        }
    }

    @Test
    void closedWalRefusesAppends() {
        Wal wal = Wal.open(dir, 1 << 20, 1);
        wal.close();
        wal.close();
        assertThrows(NoKVException.class, () -> wal.append(List.of(new byte[1])));
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x80));
            b.rewind();
            ch.write(b, offset);
        }
    }
}
