package io.nokv.engine.db;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.record.LostAndFound;
import io.nokv.engine.vlog.VlogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.nokv.engine.db.StoreFixtures.assertRange;
import static io.nokv.engine.db.StoreFixtures.b;
import static io.nokv.engine.db.StoreFixtures.putRange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An operator's bad day, on real files: one fault in a store that holds acknowledged data, then a
 * normal open. Open must keep every acknowledged write, or refuse with an error naming the file and
 * offset; it never deletes what it cannot prove is garbage (that goes to lost+found).
 */
class DamagedStoreTest {
    @TempDir
    Path tmp;

    private static Options options(Path dir) {
        return Options.at(dir).memtableBytes(64 << 10).targetFileBytes(32 << 10).blockBytes(1024);
    }

    private static Path onlyManifest(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> m = s.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).toList();
            assertTrue(m.size() == 1, "one manifest: " + m);
            return m.get(0);
        }
    }

    /** Offset of the last framed record ([u32 length][u32 crc][u8 type][payload]) of a log. */
    private static long lastRecordOffset(Path log) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long last = -1;
        int pos = 0;
        while (pos < bytes.length) {
            last = pos;
            pos += 9 + buf.getInt(pos);
        }
        return last;
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            ch.write(one, offset);
        }
    }

    private static void truncateBy(Path file, long bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytes);
        }
    }

    private static long count(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(suffix)).count();
        }
    }

    // ---- item 1: the last manifest edit -----------------------------------------------------------

    /** a0..a299 and b0..b299, each flushed; the last edit installs the table of b* and retires the WAL that held it. */
    private Path storeWithTwoFlushes() {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(options(dir))) {
            putRange(db, "a", 0, 300);
            db.flush();
            putRange(db, "b", 0, 300);
            db.flush();
        }
        return dir;
    }

    @Test
    void aFlippedByteInTheLastManifestEditIsRefusedNamingFileAndOffset() throws IOException {
        Path dir = storeWithTwoFlushes();
        Path manifest = onlyManifest(dir);
        long last = lastRecordOffset(manifest);
        flipByte(manifest, last + 12);
        NoKVException e = assertThrows(NoKVException.class, () -> NoKV.open(options(dir)));
        assertTrue(e.getMessage().contains(manifest.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + last), e.getMessage());
        assertTrue(Files.exists(manifest), "nothing is removed by the refused open");
    }

    @Test
    void aManifestCutInsideItsLastEditLosesNoFlushedData() throws IOException {
        Path dir = storeWithTwoFlushes();
        truncateBy(onlyManifest(dir), 1); // a torn last edit: the flush of b* is gone from the manifest
        try (DB db = NoKV.open(options(dir))) {
            assertRange(db, "a", 0, 300);
            assertRange(db, "b", 0, 300);
        }
        assertTrue(count(LostAndFound.dir(dir), ".sst") >= 1, "the table the cut edit named is kept in lost+found");
        try (DB db = NoKV.open(options(dir))) {
            assertRange(db, "b", 0, 300);
        }
    }

    @Test
    void aManifestCutInsideALastCompactionEditLosesNothing() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(options(dir).l0CompactionTrigger(100).l0SlowdownTrigger(100).l0StopTrigger(100))) {
            for (int round = 0; round < 3; round++) {
                putRange(db, "r" + round + "-", 0, 200);
                db.flush();
            }
            db.compactRange(null, null); // the last edit retires the three L0 tables
        }
        truncateBy(onlyManifest(dir), 1);
        try (DB db = NoKV.open(options(dir))) {
            for (int round = 0; round < 3; round++) {
                assertRange(db, "r" + round + "-", 0, 200);
            }
        }
    }

    @Test
    void unnamedTablesOfAnIntactManifestAreRemovedOnlyAfterTheNextEdit() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(options(dir))) {
            putRange(db, "k", 0, 50);
            db.flush();
        }
        Path orphan = dir.resolve("000777.sst");
        Files.write(orphan, b("not named by the manifest"));
        try (DB db = NoKV.open(options(dir))) {
            assertTrue(Files.exists(orphan), "kept while the last edit could still be damaged");
            putRange(db, "k", 50, 60);
            db.flush();
            assertFalse(Files.exists(orphan), "garbage once a later edit is durable");
            assertRange(db, "k", 0, 60);
        }
    }

    // ---- item 3: replay is a prefix ---------------------------------------------------------------

    @Test
    void replayEndsAtTheFirstBatchWhoseValueLogBytesAreLost() throws IOException {
        Path dir = tmp.resolve("db");
        Options opts = options(dir).valueThreshold(64);
        byte[] big = new byte[1000];
        new Random(1).nextBytes(big);
        try (DB db = NoKV.open(opts)) {
            for (int i = 0; i < 10; i++) {
                db.put(b("big" + i), big);
            }
            db.put(b("small-after"), b("inline")); // no vlog bytes: only its place in the log orders it
        }
        // What an OS crash can leave: the WAL survived, the value log's last records did not.
        Path segment;
        try (Stream<Path> s = Files.list(VlogFormat.dir(dir))) {
            segment = s.filter(p -> {
                try {
                    return Files.size(p) > 5000;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).findFirst().orElseThrow();
        }
        truncateBy(segment, 3 * (VlogFormat.RECORD_HEADER_BYTES + 4 + 1000)); // big7..big9 lost
        try (DB db = NoKV.open(opts)) {
            for (int i = 0; i < 7; i++) {
                assertArrayEquals(big, db.get(b("big" + i)), "big" + i);
            }
            assertNull(db.get(b("big7")));
            assertNull(db.get(b("small-after")), "a later batch must not appear without the earlier ones");
            db.put(b("after-recovery"), b("x"));
        }
        assertTrue(count(LostAndFound.dir(dir), ".log") >= 1, "the unreplayed WAL tail is kept in lost+found");
        try (DB db = NoKV.open(opts)) {
            assertArrayEquals(b("x"), db.get(b("after-recovery")), "the WAL continues after the cut");
            assertArrayEquals(big, db.get(b("big6")));
        }
    }

    @Test
    void aReplayThatEndsEarlyInAnOlderSegmentLeavesNoHoleInTheWal() throws IOException {
        Path dir = tmp.resolve("db");
        Options opts = options(dir).valueThreshold(64).walSegmentBytes(2048).memtableBytes(8 << 20);
        byte[] big = new byte[1000];
        try (DB db = NoKV.open(opts)) {
            db.put(b("big"), big);
            putRange(db, "later-", 0, 300); // inline values, several WAL segments after the big one
        }
        Path segment;
        try (Stream<Path> s = Files.list(VlogFormat.dir(dir))) {
            segment = s.filter(p -> p.toFile().length() > 1000).findFirst().orElseThrow();
        }
        truncateBy(segment, 500); // the big value's bytes are gone
        try (DB db = NoKV.open(opts)) {
            assertNull(db.get(b("big")));
            assertNull(db.get(b("later-0")));
            putRange(db, "new-", 0, 50);
        }
        try (DB db = NoKV.open(opts)) { // refused with "WAL segment ... is missing" if the cut left a hole
            assertRange(db, "new-", 0, 50);
        }
    }

    @Test
    void randomBytesOverAValueLogRecordAreRefusedNotCut() throws IOException {
        Path dir = tmp.resolve("db");
        Options opts = options(dir).valueThreshold(64);
        byte[] big = new byte[1000];
        try (DB db = NoKV.open(opts)) {
            for (int i = 0; i < 20; i++) {
                db.put(b("big" + i), big);
            }
        }
        Path segment;
        try (Stream<Path> s = Files.list(VlogFormat.dir(dir))) {
            segment = s.filter(p -> p.toFile().length() > 10_000).findFirst().orElseThrow();
        }
        byte[] noise = new byte[64];
        new Random(7).nextBytes(noise);
        long at = VlogFormat.SEGMENT_HEADER_BYTES + 5L * (VlogFormat.RECORD_HEADER_BYTES + 5 + 1000) + 40;
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(noise), at);
        }
        NoKVException e = assertThrows(NoKVException.class, () -> NoKV.open(opts));
        assertTrue(e.getMessage().contains(segment.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("valid record follows"), e.getMessage());
    }

    @Test
    void aDeletedMiddleWalSegmentIsRefused() throws IOException {
        Path dir = tmp.resolve("db");
        Options opts = options(dir).walSegmentBytes(4 << 10).memtableBytes(8 << 20);
        try (DB db = NoKV.open(opts)) {
            putRange(db, "k", 0, 2000);
        }
        List<Path> segments;
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            segments = s.sorted().toList();
        }
        assertTrue(segments.size() >= 3, "several segments: " + segments);
        Path middle = segments.get(segments.size() / 2);
        Files.delete(middle);
        NoKVException e = assertThrows(NoKVException.class, () -> NoKV.open(opts));
        assertTrue(e.getMessage().contains(middle.getFileName().toString()), e.getMessage());
    }

    // ---- item 4: a lost value-log segment -------------------------------------------------------

    @Test
    void aMissingValueLogSegmentIsAReadErrorNotAnAbsentKey() throws IOException {
        Path dir = tmp.resolve("db");
        Options opts = options(dir).valueThreshold(64).vlogSegmentBytes(16 << 10);
        byte[] big = new byte[1000];
        try (DB db = NoKV.open(opts)) {
            for (int i = 0; i < 60; i++) {
                db.put(b("big" + i), big);
            }
            db.flush();
        }
        Path first;
        try (Stream<Path> s = Files.list(VlogFormat.dir(dir))) {
            first = s.sorted().findFirst().orElseThrow();
        }
        Files.delete(first);
        try (DB db = NoKV.open(opts)) {
            NoKVException e = assertThrows(NoKVException.class, () -> db.get(b("big0")));
            assertTrue(e.getMessage().contains(first.getFileName().toString()), e.getMessage());
            assertArrayEquals(big, db.get(b("big59")), "values in other segments still read");
        }
    }

    // ---- item 7: one damaged SST block --------------------------------------------------------------

    @Test
    void aDamagedBlockStopsOnlyCompactionsOfItsTableNotEveryWrite() throws Exception {
        Path dir = tmp.resolve("db");
        Options noCompaction = options(dir).l0CompactionTrigger(100).l0SlowdownTrigger(100).l0StopTrigger(100);
        try (DB db = NoKV.open(noCompaction)) {
            for (int round = 0; round < 3; round++) {
                putRange(db, "r" + round + "-", 0, 200);
                db.flush();
            }
        }
        Path damaged;
        try (Stream<Path> s = Files.list(dir)) {
            damaged = s.filter(p -> p.getFileName().toString().endsWith(".sst")).sorted().findFirst().orElseThrow();
        }
        flipByte(damaged, 20); // inside the first data block
        try (DB db = NoKV.open(options(dir).l0CompactionTrigger(2))) { // compaction of L0 starts at open
            DbImpl impl = (DbImpl) db;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (impl.background.badTables().isEmpty() && impl.backgroundError == null) {
                assertTrue(System.nanoTime() < deadline, "the compaction of the damaged table did not finish");
                Thread.sleep(20);
            }
            assertNull(impl.backgroundError, "a damaged input must not fail the store");
            putRange(db, "after-", 0, 100);
            db.flush();
            assertRange(db, "after-", 0, 100);
            assertRange(db, "r2-", 0, 200);
        }
        List<String> problems = StoreVerifier.verify(dir);
        assertTrue(problems.size() == 1 && problems.get(0).contains(damaged.getFileName().toString()), problems.toString());
    }
}
