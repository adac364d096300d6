package io.nokv.engine.db;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.StatsSnapshot;
import io.nokv.engine.WriteBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static io.nokv.engine.db.StoreFixtures.assertRange;
import static io.nokv.engine.db.StoreFixtures.b;
import static io.nokv.engine.db.StoreFixtures.putRange;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Crash points and damaged directories, on real files: open must recover without any manual step. */
class RecoveryTest {
    @TempDir
    Path tmp;

    private static Options small(Path dir) {
        return Options.at(dir).memtableBytes(32 << 10).targetFileBytes(16 << 10).blockBytes(1024);
    }

    /** What a kill -9 leaves: the files as they are at this moment, without close(). */
    private static Path crashCopy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    private static List<Path> files(Path dir, String glob) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted().toList();
        }
    }

    @Test
    void walReplayRestoresUnflushedDataAfterClose() {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(Options.at(dir))) {
            putRange(db, "k", 0, 500);
            db.delete(b("k7"));
            WriteBatch batch = new WriteBatch().put(b("x"), b("value-x")).delete(b("k8"));
            db.write(batch);
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            assertEquals(1, db.stats().l0Files(), "recovery wrote the replayed entries to L0");
            assertEquals(2, db.stats().walSegments(), "and keeps the replayed segment until a later edit is durable");
            assertRange(db, "k", 10, 500);
            assertNull(db.get(b("k7")));
            assertNull(db.get(b("k8")));
            assertArrayEquals(b("value-x"), db.get(b("x")));
            assertEquals(502, db.lastVersion());
            db.put(b("y"), b("value-y"));
            db.flush();
            assertEquals(2, db.stats().walSegments(), "the replayed segment is gone once a later edit is durable");
        }
    }

    @Test
    void replayOfAWalLongerThanAMemtableWritesL0AsItGoes() {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(Options.at(dir))) {
            putRange(db, "k", 0, 3000);
        }
        // No compaction, so the L0 files replay wrote are still there to count.
        Options small = Options.at(dir).memtableBytes(32 << 10)
                .l0CompactionTrigger(1000).l0SlowdownTrigger(1000).l0StopTrigger(1000);
        try (DB db = NoKV.open(small)) {
            assertTrue(db.stats().l0Files() > 3, "replay wrote tables: " + db.stats().l0Files());
            assertRange(db, "k", 0, 3000);
            assertEquals(3000, db.lastVersion());
        }
        try (DB db = NoKV.open(small)) {
            assertRange(db, "k", 0, 3000);
        }
    }

    @Test
    void walReplayRestoresSyncedWritesAfterCrash() throws IOException {
        Path dir = tmp.resolve("db");
        Path crashed;
        try (DB db = NoKV.open(small(dir).syncWrites(true))) {
            putRange(db, "a", 0, 300);
            db.flush();
            putRange(db, "b", 0, 300); // across memtable rotations, partly unflushed
            crashed = crashCopy(dir, tmp.resolve("crashed"));
        }
        try (DB db = NoKV.open(small(crashed))) {
            assertRange(db, "a", 0, 300);
            assertRange(db, "b", 0, 300);
            assertEquals(600, db.lastVersion());
            db.put(b("after"), b("value-after"));
        }
        try (DB db = NoKV.open(small(crashed))) {
            assertArrayEquals(b("value-after"), db.get(b("after")));
            assertEquals(601, db.lastVersion());
        }
    }

    @Test
    void tornWalTailIsTruncated() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(Options.at(dir))) {
            putRange(db, "k", 0, 100);
        }
        List<Path> segments = files(dir.resolve("wal"), "*.log");
        Path last = segments.get(segments.size() - 1);
        long size = Files.size(last);
        assertTrue(size > 100, "the last segment holds the writes");
        // A torn last record: cut it in the middle.
        try (var ch = Files.newByteChannel(last, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            assertRange(db, "k", 0, 99);
            assertNull(db.get(b("k99")), "the torn record is not visible");
            db.put(b("k99"), b("value-k99"));
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            assertRange(db, "k", 0, 100);
        }
    }

    @Test
    void tornManifestTailIsTruncated() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(small(dir))) {
            putRange(db, "k", 0, 200);
            db.flush();
            db.putMetadata("region", b("r1"));
        }
        Path manifest = files(dir, "MANIFEST-*").get(0);
        Files.write(manifest, new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
        try (DB db = NoKV.open(small(dir))) {
            assertRange(db, "k", 0, 200);
            assertArrayEquals(b("r1"), db.getMetadata("region"));
        }
    }

    @Test
    void strayCurrentTmpIsIgnoredAndRemoved() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(small(dir))) {
            putRange(db, "k", 0, 50);
            db.flush();
        }
        Files.write(dir.resolve("CURRENT.tmp"), b("MANIFEST-999999"));
        Files.write(dir.resolve("000042.sst.tmp"), b("half a table"));
        try (DB db = NoKV.open(small(dir))) {
            assertRange(db, "k", 0, 50);
        }
        assertFalse(Files.exists(dir.resolve("CURRENT.tmp")));
        assertFalse(Files.exists(dir.resolve("000042.sst.tmp")));
    }

    @Test
    void missingSstNamedByManifestIsAClearError() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(small(dir))) {
            putRange(db, "k", 0, 50);
            db.flush();
        }
        Path sst = files(dir, "*.sst").get(0);
        Files.delete(sst);
        NoKVException e = assertThrows(NoKVException.class, () -> NoKV.open(small(dir)));
        assertTrue(e.getMessage().contains(sst.getFileName().toString()), e.getMessage());
        // The failed open released the lock and changed nothing: restoring the file makes it open again.
        assertTrue(Files.exists(dir.resolve("CURRENT")));
    }

    @Test
    void corruptSstNamedByManifestIsAClearError() throws IOException {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(small(dir))) {
            putRange(db, "k", 0, 50);
            db.flush();
        }
        Path sst = files(dir, "*.sst").get(0);
        byte[] bytes = Files.readAllBytes(sst);
        Files.write(sst, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        NoKVException e = assertThrows(NoKVException.class, () -> NoKV.open(small(dir)));
        assertTrue(e.getMessage().contains(sst.getFileName().toString()), e.getMessage());
    }

    @Test
    void crashBetweenSstWriteAndManifestEdit() throws IOException {
        // A table written and renamed into place, but the edit naming it never became durable: the
        // state a crash leaves. Produce it by planting a real table the manifest does not name.
        Path donor = tmp.resolve("donor");
        try (DB db = NoKV.open(small(donor))) {
            putRange(db, "zz", 0, 50);
            db.flush();
        }
        Path dir = tmp.resolve("db");
        Path crashed;
        try (DB db = NoKV.open(small(dir).syncWrites(true))) {
            putRange(db, "k", 0, 100);
            crashed = crashCopy(dir, tmp.resolve("crashed"));
        }
        Path planted = crashed.resolve("000001.sst");
        Files.copy(files(donor, "*.sst").get(0), planted);
        try (DB db = NoKV.open(small(crashed))) {
            assertRange(db, "k", 0, 100);
            assertNull(db.get(b("zz1")), "the unnamed table's data must not appear");
            db.flush();
            assertRange(db, "k", 0, 100);
        }
        try (DB db = NoKV.open(small(crashed))) {
            assertRange(db, "k", 0, 100);
        }
    }

    @Test
    void metadataAndSafePointSurviveReopen() {
        Path dir = tmp.resolve("db");
        try (DB db = NoKV.open(small(dir).keepVersionsUntilSafePoint(true))) {
            db.putMetadata("a", b("1"));
            db.putMetadata("b", b("2"));
            db.putMetadata("a", null);
            db.setSafePoint(42);
            db.setSafePoint(7); // monotonic
        }
        try (DB db = NoKV.open(small(dir).keepVersionsUntilSafePoint(true))) {
            assertNull(db.getMetadata("a"));
            assertArrayEquals(b("2"), db.getMetadata("b"));
            assertEquals(1, db.metadata().size());
            assertEquals(42, db.safePoint());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseFails() {
        Path dir = tmp.resolve("db");
        DB db = NoKV.open(small(dir));
        db.put(b("k"), b("v"));
        db.close();
        db.close();
        assertThrows(NoKVException.class, () -> db.put(b("k"), b("v")));
        assertThrows(NoKVException.class, () -> db.get(b("k")));
    }
}
