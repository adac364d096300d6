package io.nokv.engine.manifest;

import io.nokv.engine.NoKVException;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.record.RecordFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    private static final long NO_REWRITE = 1L << 40;

    @TempDir
    Path dir;

    static FileMeta file(long id, int level, String smallest, String largest) {
        return new FileMeta(id, level, 1000 + id,
                InternalKey.encode(0, smallest.getBytes(StandardCharsets.UTF_8), 10),
                InternalKey.encode(0, largest.getBytes(StandardCharsets.UTF_8), 1), 1, 10, 50, 2);
    }

    /** Everything a state holds, byte arrays included, as comparable text. */
    static String describe(ManifestState s) {
        StringBuilder out = new StringBuilder();
        for (int level = 0; level < s.levels().size(); level++) {
            for (FileMeta f : s.levels().get(level)) {
                out.append("L").append(level).append(' ').append(f.id()).append(' ').append(f.level()).append(' ')
                        .append(f.size()).append(' ').append(Arrays.toString(f.smallest())).append(' ')
                        .append(Arrays.toString(f.largest())).append(' ').append(f.minVersion()).append(' ')
                        .append(f.maxVersion()).append(' ').append(f.entries()).append(' ').append(f.tombstones()).append('\n');
            }
        }
        out.append("next=").append(s.nextFileId()).append(" last=").append(s.lastVersion())
                .append(" wal=").append(s.walCheckpoint()).append(" safe=").append(s.safePoint()).append('\n');
        new TreeMap<>(s.metadata()).forEach((k, v) -> out.append(k).append('=').append(Arrays.toString(v)).append('\n'));
        return out.toString();
    }

    /** A workload of flush-like and compaction-like edits; returns the state after the last one. */
    static ManifestState applyMany(Manifest m, int rounds) {
        ManifestState s = m.current();
        for (int i = 0; i < rounds; i++) {
            long id = s.nextFileId();
            VersionEdit edit = new VersionEdit().addFile(file(id, 0, "k" + i, "k" + (i + 5)))
                    .nextFileId(id + 1).lastVersion(100 + i).walCheckpoint(i)
                    .putMeta("region/" + (i % 7), ("v" + i).getBytes(StandardCharsets.UTF_8));
            if (i % 3 == 2) {
                // move the oldest L0 file down, like a trivial compaction
                FileMeta oldest = s.level(0).get(0);
                edit.deleteFile(0, oldest.id()).addFile(oldest.withLevel(1));
            }
            if (i % 10 == 9) {
                edit.deleteMeta("region/" + ((i + 1) % 7)).safePoint(i);
            }
            s = m.apply(edit);
        }
        return s;
    }

    private List<String> manifestFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("MANIFEST-")).sorted().toList();
        }
    }

    private Map<String, byte[]> snapshotDir() throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void createsAStoreAndReopensIt() throws IOException {
        assertFalse(Manifest.exists(dir));
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertTrue(Manifest.exists(dir));
            assertEquals("MANIFEST-000001\n", Files.readString(dir.resolve("CURRENT")));
            assertEquals("MANIFEST-000001", m.current().manifestFileName());
            assertEquals(0, m.current().fileCount());
            assertEquals(1, m.current().nextFileId());
            m.apply(new VersionEdit().addFile(file(1, 0, "a", "c")).nextFileId(2).walCheckpoint(3));
        }
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(List.of(1L), m.current().level(0).stream().map(FileMeta::id).toList());
            assertEquals(3, m.current().walCheckpoint());
            assertEquals(2, m.current().nextFileId());
        }
        assertFalse(Files.exists(dir.resolve("CURRENT.tmp")));
    }

    @Test
    void manyEditsSurviveReopen() {
        String expected;
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            expected = describe(applyMany(m, 60));
            assertEquals(expected, describe(m.current()));
        }
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(expected, describe(m.current()));
        }
        assertEquals(expected, describe(Manifest.readOnly(dir)));
    }

    @Test
    void levelsAreOrderedL0ByIdDeeperBySmallestKey() {
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            ManifestState s = m.apply(new VersionEdit()
                    .addFile(file(7, 0, "m", "z")).addFile(file(3, 0, "a", "b"))
                    .addFile(file(5, 1, "x", "y")).addFile(file(9, 1, "c", "d")));
            assertEquals(List.of(3L, 7L), s.level(0).stream().map(FileMeta::id).toList());
            assertEquals(List.of(9L, 5L), s.level(1).stream().map(FileMeta::id).toList());
            assertEquals(10, s.nextFileId(), "never below the largest live id + 1");
            assertTrue(s.levels().size() >= ManifestState.MIN_LEVELS);
            assertEquals(List.of(), s.level(40));
        }
    }

    @Test
    void invalidEditsAreRejectedBeforeAnythingIsWritten() throws IOException {
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            m.apply(new VersionEdit().addFile(file(1, 0, "a", "b")));
            long size = Files.size(dir.resolve("MANIFEST-000001"));
            assertThrows(IllegalStateException.class, () -> m.apply(new VersionEdit().deleteFile(1, 1)));
            assertThrows(IllegalStateException.class, () -> m.apply(new VersionEdit().addFile(file(1, 2, "a", "b"))));
            assertThrows(IllegalStateException.class, () -> m.apply(new VersionEdit().addFile(file(2, -1, "a", "b"))));
            assertEquals(size, Files.size(dir.resolve("MANIFEST-000001")));
            assertEquals(1, m.current().fileCount());
            // the same id may move between levels within one edit
            m.apply(new VersionEdit().deleteFile(0, 1).addFile(file(1, 2, "a", "b")));
            assertEquals(1, m.current().level(2).size());
        }
    }

    @Test
    void logIsRewrittenAsASnapshotWhenItGrows() throws IOException {
        String expected;
        try (Manifest m = Manifest.open(dir, 2048)) {
            expected = describe(applyMany(m, 80));
            assertTrue(ManifestFiles.number(m.current().manifestFileName()) > 1, m.current().manifestFileName());
            assertEquals(List.of(m.current().manifestFileName()), manifestFiles(), "old logs deleted");
            assertEquals(m.current().manifestFileName() + "\n", Files.readString(dir.resolve("CURRENT")));
            assertFalse(m.current().metadata().isEmpty());
        }
        try (Manifest m = Manifest.open(dir, 2048)) {
            assertEquals(expected, describe(m.current()));
            String before = m.current().manifestFileName();
            m.apply(new VersionEdit().putMeta("after-reopen", new byte[]{1}));
            assertEquals(before, m.current().manifestFileName(), "a single edit does not rewrite again at once");
        }
    }

    @Test
    void tornTailEditIsTruncatedAtOpen() throws IOException {
        Path log = dir.resolve("MANIFEST-000001");
        String expected;
        long goodSize;
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            expected = describe(applyMany(m, 5));
            goodSize = Files.size(log);
        }
        byte[] next = RecordFormat.frame((byte) 1, VersionEditCodec.encode(new VersionEdit().addFile(file(99, 0, "a", "b"))));
        Files.write(log, Arrays.copyOf(next, next.length - 4), StandardOpenOption.APPEND);

        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(expected, describe(m.current()));
            assertEquals(goodSize, Files.size(log));
            m.apply(new VersionEdit().addFile(file(99, 0, "a", "b")));
        }
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(99, m.current().level(0).get(m.current().level(0).size() - 1).id());
        }
    }

    @Test
    void strayCurrentTmpAndOrphanManifestsAreRemoved() throws IOException {
        String expected;
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            expected = describe(applyMany(m, 3));
        }
        Files.writeString(dir.resolve("CURRENT.tmp"), "MANIFEST-000002\n");
        Files.write(dir.resolve("MANIFEST-000002"), new byte[]{1, 2, 3});
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(expected, describe(m.current()));
        }
        assertFalse(Files.exists(dir.resolve("CURRENT.tmp")));
        assertEquals(List.of("MANIFEST-000001"), manifestFiles());
    }

    @Test
    void manifestsLeftByACrashedCreationAreReplacedByAFreshStore() throws IOException {
        Files.write(dir.resolve("MANIFEST-000001"), new byte[]{9, 9, 9});
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(0, m.current().fileCount());
        }
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            assertEquals(0, m.current().fileCount());
        }
    }

    @Test
    void aStoreThatLostItsCurrentIsNotOverwrittenByANewOne() throws IOException {
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            applyMany(m, 2);
        }
        Files.delete(dir.resolve("CURRENT"));
        byte[] before = Files.readAllBytes(dir.resolve("MANIFEST-000001"));
        NoKVException e = assertThrows(NoKVException.class, () -> Manifest.open(dir, NO_REWRITE));
        assertTrue(e.getMessage().contains("CURRENT was lost"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(dir.resolve("MANIFEST-000001")));
        assertFalse(Manifest.exists(dir));
    }

    @Test
    void currentNamingAMissingFileIsAClearErrorAndNothingIsDeleted() throws IOException {
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            applyMany(m, 2);
        }
        Files.writeString(dir.resolve("CURRENT"), "MANIFEST-000042\n");
        NoKVException e = assertThrows(NoKVException.class, () -> Manifest.open(dir, NO_REWRITE));
        assertTrue(e.getMessage().contains("MANIFEST-000042") && e.getMessage().contains("does not exist"), e.getMessage());
        assertEquals(List.of("MANIFEST-000001"), manifestFiles(), "the other manifest may be all that is left");
        assertThrows(NoKVException.class, () -> Manifest.readOnly(dir));
    }

    @Test
    void garbageInCurrentIsAClearError() throws IOException {
        Manifest.open(dir, NO_REWRITE).close();
        Files.write(dir.resolve("CURRENT"), new byte[]{'M', 'A', 0, 1, '\n'});
        NoKVException e = assertThrows(NoKVException.class, () -> Manifest.open(dir, NO_REWRITE));
        assertTrue(e.getMessage().contains(dir.resolve("CURRENT") + " does not name a manifest file"), e.getMessage());
        assertEquals(List.of("MANIFEST-000001"), manifestFiles());
    }

    @Test
    void corruptEditFollowedByValidOnesIsAnErrorNamingFileAndOffset() throws IOException {
        Path log = dir.resolve("MANIFEST-000001");
        List<Long> offsets = new ArrayList<>();
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            for (int i = 0; i < 5; i++) {
                offsets.add(Files.size(log));
                m.apply(new VersionEdit().addFile(file(i + 1, 0, "a", "b")));
            }
        }
        long bad = offsets.get(2);
        flipByte(log, bad + RecordFormat.HEADER_BYTES + 3);
        byte[] before = Files.readAllBytes(log);

        NoKVException e = assertThrows(NoKVException.class, () -> Manifest.open(dir, NO_REWRITE));
        assertTrue(e.getMessage().contains("corrupt manifest edit in " + log + " at offset " + bad), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(log));
    }

    @Test
    void unknownTagIsAnErrorNamingFileAndOffset() throws IOException {
        Path log = dir.resolve("MANIFEST-000001");
        Manifest.open(dir, NO_REWRITE).close();
        long offset = Files.size(log);
        Files.write(log, RecordFormat.frame((byte) 1, new byte[]{(byte) 200, 0, 0}), StandardOpenOption.APPEND);
        NoKVException e = assertThrows(NoKVException.class, () -> Manifest.open(dir, NO_REWRITE));
        assertTrue(e.getMessage().contains(log + " at offset " + offset) && e.getMessage().contains("unknown tag 200"),
                e.getMessage());
    }

    @Test
    void readOnlyModifiesNothingAndIgnoresATornTail() throws IOException {
        String expected;
        try (Manifest m = Manifest.open(dir, NO_REWRITE)) {
            expected = describe(applyMany(m, 10));
        }
        Files.write(dir.resolve("MANIFEST-000001"), new byte[]{0, 0, 0, 40, 1, 2}, StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("CURRENT.tmp"), "junk");
        Files.writeString(dir.resolve("MANIFEST-000007"), "orphan");
        Map<String, byte[]> before = snapshotDir();

        assertEquals(expected, describe(Manifest.readOnly(dir)));

        Map<String, byte[]> after = snapshotDir();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), name));
    }

    @Test
    void readOnlyOfADirectoryWithoutCurrentSaysItIsNotAStore() {
        NoKVException e = assertThrows(NoKVException.class, () -> Manifest.readOnly(dir));
        assertEquals(dir + " is not a NoKV store (no CURRENT)", e.getMessage());
    }

    @Test
    void closedManifestRefusesEdits() {
        Manifest m = Manifest.open(dir, NO_REWRITE);
        m.close();
        assertThrows(NoKVException.class, () -> m.apply(new VersionEdit().lastVersion(5)));
    }

    static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x01));
            b.rewind();
            ch.write(b, offset);
        }
    }
}
