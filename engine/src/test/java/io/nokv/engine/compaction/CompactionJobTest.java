package io.nokv.engine.compaction;

import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.sst.SstOptions;
import io.nokv.engine.sst.SstProperties;
import io.nokv.engine.sst.SstReader;
import io.nokv.engine.sst.SstWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactionJobTest {
    private static final SstOptions SST = new SstOptions(4096, 10, Options.Compression.NONE);

    @TempDir
    Path dir;

    private final AtomicLong nextId = new AtomicLong(100);

    /** a: versions around the horizon; b: a tombstone at/below it; c: a tombstone above it. */
    private NavigableMap<byte[], byte[]> gcFixture() {
        NavigableMap<byte[], byte[]> m = new TreeMap<>(InternalKey.COMPARATOR);
        m.put(key("a", 9), value("a9"));
        m.put(key("a", 7), EntryValue.tombstone());
        m.put(key("a", 6), value("a6"));
        m.put(key("a", 3), value("a3"));
        m.put(key("a", 1), value("a1"));
        m.put(key("b", 5), EntryValue.tombstone());
        m.put(key("b", 2), value("b2"));
        m.put(key("c", 8), EntryValue.tombstone());
        m.put(key("c", 4), value("c4"));
        return m;
    }

    @Test
    void gcKeepsVersionsAboveTheHorizonAndTheNewestAtOrBelowIt() {
        FileMeta input = writeTable(1, 0, gcFixture());
        CompactionResult result = run(task(List.of(input), List.of(), false), Long.MAX_VALUE, 6);
        assertEquals(List.of(
                        "0:a@9", "0:a@7", "0:a@6",
                        "0:b@5",
                        "0:c@8", "0:c@4"),
                keysOf(readAll(result.outputs())));
        assertEquals(3, result.versionsDropped(), "a@3, a@1, b@2");
        assertEquals(0, result.tombstonesDropped(), "not bottommost: b@5 still hides older data below");
    }

    @Test
    void bottommostDropsTheTombstoneAtOrBelowTheHorizonButNotAboveIt() {
        FileMeta input = writeTable(1, 0, gcFixture());
        CompactionResult result = run(task(List.of(input), List.of(), true), Long.MAX_VALUE, 6);
        assertEquals(List.of(
                        "0:a@9", "0:a@7", "0:a@6",
                        "0:c@8", "0:c@4"),
                keysOf(readAll(result.outputs())));
        assertEquals(1, result.tombstonesDropped(), "b@5");
        assertEquals(3, result.versionsDropped(), "a@3, a@1, b@2");
    }

    @Test
    void mergesInputsNewestFirstAndWritesReadableSortedOutputs() throws IOException {
        NavigableMap<byte[], byte[]> l1 = new TreeMap<>(InternalKey.COMPARATOR);
        NavigableMap<byte[], byte[]> olderL0 = new TreeMap<>(InternalKey.COMPARATOR);
        NavigableMap<byte[], byte[]> newerL0 = new TreeMap<>(InternalKey.COMPARATOR);
        for (int i = 0; i < 50; i++) {
            l1.put(key(String.format("k%03d", i * 2), 1), value("l1-" + i));
        }
        // The same internal key in both L0 files and L1: the newest L0 file's value must win.
        olderL0.put(key("k010", 1), value("older"));
        olderL0.put(key("k011", 3), value("older-odd"));
        newerL0.put(key("k010", 1), value("newest"));
        newerL0.put(key("k010", 5), value("newest-v5"));
        FileMeta l1File = writeTable(1, 1, l1);
        FileMeta oldL0 = writeTable(2, 0, olderL0);
        FileMeta newL0 = writeTable(3, 0, newerL0);

        CompactionResult result = run(new CompactionTask(0, List.of(oldL0, newL0), 1, List.of(l1File), true, "test"),
                Long.MAX_VALUE, 0);
        NavigableMap<byte[], byte[]> out = readAll(result.outputs());
        assertEquals(52, out.size());
        assertArrayEquals(value("newest"), out.get(key("k010", 1)));
        assertArrayEquals(value("newest-v5"), out.get(key("k010", 5)));
        assertArrayEquals(value("older-odd"), out.get(key("k011", 3)));
        assertEquals(l1File.size() + oldL0.size() + newL0.size(), result.bytesRead());

        assertEquals(1, result.outputs().size());
        FileMeta meta = result.outputs().get(0);
        assertEquals(1, meta.level());
        assertEquals(100, meta.id());
        assertEquals(Files.size(dir.resolve("000100.sst")), meta.size());
        assertEquals(meta.size(), result.bytesWritten());
        assertArrayEquals(out.firstKey(), meta.smallest());
        assertArrayEquals(out.lastKey(), meta.largest());
        assertEquals(52, meta.entries());
        assertEquals(1, meta.minVersion());
        assertEquals(5, meta.maxVersion());
    }

    @Test
    void splitsOutputsBySizeButNeverInsideAUserKey() {
        NavigableMap<byte[], byte[]> content = new TreeMap<>(InternalKey.COMPARATOR);
        byte[] payload = new byte[200];
        for (int k = 0; k < 300; k++) {
            int versions = 1 + k % 7;
            for (int v = 1; v <= versions; v++) {
                content.put(key(String.format("key%04d", k), v), EntryValue.value(payload));
            }
        }
        FileMeta input = writeTable(1, 1, content);
        long target = 16 * 1024;
        CompactionResult result = run(new CompactionTask(1, List.of(input), 2, List.of(), false, "test"), target, 0);

        List<FileMeta> outputs = result.outputs();
        assertTrue(outputs.size() >= 5, "expected several outputs, got " + outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            FileMeta f = outputs.get(i);
            if (i + 1 < outputs.size()) {
                FileMeta next = outputs.get(i + 1);
                assertTrue(f.size() >= target * 0.9, "only the last output may be small: " + f.size());
                assertTrue(InternalKey.compare(f.largest(), next.smallest()) < 0, "outputs are sorted");
                assertFalse(InternalKey.sameLookupPrefix(f.largest(), next.smallest()),
                        "a user key's versions must not straddle two outputs");
            }
        }
        NavigableMap<byte[], byte[]> out = readAll(outputs);
        assertEquals(keysOf(content.keySet()), keysOf(out), "nothing lost, nothing dropped above the horizon");
        assertEquals(0, result.versionsDropped());
    }

    @Test
    void manualTaskMergesSeveralLevelsIntoTheBottomOne() {
        NavigableMap<byte[], byte[]> l2 = new TreeMap<>(InternalKey.COMPARATOR);
        l2.put(key("a", 1), value("old"));
        l2.put(key("b", 1), value("b1"));
        NavigableMap<byte[], byte[]> l1 = new TreeMap<>(InternalKey.COMPARATOR);
        l1.put(key("a", 3), value("mid"));
        NavigableMap<byte[], byte[]> l0 = new TreeMap<>(InternalKey.COMPARATOR);
        l0.put(key("a", 5), EntryValue.tombstone());
        l0.put(key("c", 5), value("c5"));
        List<List<FileMeta>> levels = List.of(
                List.of(writeTable(3, 0, l0)), List.of(writeTable(2, 1, l1)), List.of(writeTable(1, 2, l2)), List.of());
        Options options = Options.at(dir).maxLevels(4);
        List<CompactionTask> tasks = new CompactionPicker(options).manual(levels, null, null);
        assertEquals(1, tasks.size());
        CompactionResult result = run(tasks.get(0), Long.MAX_VALUE, 10);
        // a's newest version at or below the horizon is a tombstone at the bottom: a disappears whole.
        assertEquals(List.of("0:b@1", "0:c@5"), keysOf(readAll(result.outputs())));
        assertTrue(result.outputs().stream().allMatch(f -> f.level() == 3));
        assertEquals(1, result.tombstonesDropped());
        assertEquals(2, result.versionsDropped());
    }

    @Test
    void randomInputsMatchTheGcRuleAppliedToAModel() {
        Random rnd = new Random(42);
        for (int round = 0; round < 6; round++) {
            // Newest source first: three L0 files, then L1 cut into files on user-key boundaries.
            List<NavigableMap<byte[], byte[]>> sources = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                NavigableMap<byte[], byte[]> m = new TreeMap<>(InternalKey.COMPARATOR);
                for (int i = 0; i < 300; i++) {
                    byte[] k = InternalKey.encode(rnd.nextInt(3), String.format("u%02d", rnd.nextInt(40)).getBytes(StandardCharsets.UTF_8),
                            rnd.nextInt(12));
                    m.put(k, rnd.nextInt(4) == 0 ? EntryValue.tombstone() : value("s" + s + "-" + i));
                }
                sources.add(m);
            }
            NavigableMap<byte[], byte[]> merged = new TreeMap<>(InternalKey.COMPARATOR);
            sources.forEach(m -> m.forEach(merged::putIfAbsent));

            long base = round * 100L;
            List<FileMeta> l0 = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                l0.add(writeTable(base + 3 - s, 0, sources.get(s)));  // newest source has the highest id
            }
            List<FileMeta> l1 = new ArrayList<>();
            NavigableMap<byte[], byte[]> chunk = new TreeMap<>(InternalKey.COMPARATOR);
            long l1Id = base + 10;
            for (Map.Entry<byte[], byte[]> e : sources.get(3).entrySet()) {
                if (chunk.size() >= 40 && !InternalKey.sameLookupPrefix(chunk.lastKey(), e.getKey())) {
                    l1.add(writeTable(l1Id++, 1, chunk));
                    chunk = new TreeMap<>(InternalKey.COMPARATOR);
                }
                chunk.put(e.getKey(), e.getValue());
            }
            l1.add(writeTable(l1Id, 1, chunk));

            long horizon = rnd.nextInt(12);
            boolean bottommost = rnd.nextBoolean();
            nextId.set(base + 50);
            CompactionResult result = run(new CompactionTask(0, l0, 1, l1, bottommost, "random"), 2048, horizon);

            NavigableMap<byte[], byte[]> expected = new TreeMap<>(InternalKey.COMPARATOR);
            byte[] previous = null;
            boolean seenAtOrBelow = false;
            for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
                if (previous == null || !InternalKey.sameLookupPrefix(previous, e.getKey())) {
                    seenAtOrBelow = false;
                }
                previous = e.getKey();
                if (InternalKey.version(e.getKey()) > horizon) {
                    expected.put(e.getKey(), e.getValue());
                } else if (!seenAtOrBelow) {
                    seenAtOrBelow = true;
                    if (!(bottommost && EntryValue.isTombstone(e.getValue()))) {
                        expected.put(e.getKey(), e.getValue());
                    }
                }
            }
            NavigableMap<byte[], byte[]> actual = readAll(result.outputs());
            assertEquals(keysOf(expected), keysOf(actual), "round " + round);
            for (byte[] k : expected.keySet()) {
                assertArrayEquals(expected.get(k), actual.get(k));
            }
            assertEquals(merged.size() - expected.size(), result.versionsDropped() + result.tombstonesDropped());
            for (int i = 0; i + 1 < result.outputs().size(); i++) {
                assertFalse(InternalKey.sameLookupPrefix(result.outputs().get(i).largest(), result.outputs().get(i + 1).smallest()));
            }
        }
    }

    @Test
    void everythingDroppedLeavesNoOutputs() {
        NavigableMap<byte[], byte[]> content = new TreeMap<>(InternalKey.COMPARATOR);
        content.put(key("gone", 3), EntryValue.tombstone());
        content.put(key("gone", 2), value("x"));
        FileMeta input = writeTable(1, 5, content);
        CompactionResult result = run(new CompactionTask(5, List.of(input), 6, List.of(), true, "test"), Long.MAX_VALUE, 10);
        assertTrue(result.outputs().isEmpty());
        assertEquals(0, result.bytesWritten());
        assertEquals(1, result.tombstonesDropped());
        assertEquals(1, result.versionsDropped());
    }

    @Test
    void failureDeletesEveryOutputAndThrows() throws IOException {
        NavigableMap<byte[], byte[]> content = new TreeMap<>(InternalKey.COMPARATOR);
        byte[] payload = new byte[300];
        for (int k = 0; k < 400; k++) {
            content.put(key(String.format("key%04d", k), 1), EntryValue.value(payload));
        }
        FileMeta input = writeTable(1, 1, content);
        // Reading fails after 300 entries, by which time several outputs are finished.
        Function<FileMeta, InternalIterator> failingOpener = meta -> new FailingAfter(open(meta), 300);
        CompactionJob job = new CompactionJob(new CompactionTask(1, List.of(input), 2, List.of(), false, "test"),
                failingOpener, dir, nextId::getAndIncrement, SST, 8 * 1024, 0);
        NoKVException e = assertThrows(NoKVException.class, job::run);
        assertTrue(e.getMessage().contains("L2"), e.getMessage());
        assertTrue(nextId.get() > 101, "outputs were started before the failure");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("000001.sst"), files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                    "only the input remains");
        }
    }

    private CompactionResult run(CompactionTask task, long targetFileBytes, long horizon) {
        return new CompactionJob(task, this::open, dir, nextId::getAndIncrement, SST, targetFileBytes, horizon).run();
    }

    private static CompactionTask task(List<FileMeta> inputs, List<FileMeta> below, boolean bottommost) {
        return new CompactionTask(0, inputs, 1, below, bottommost, "test");
    }

    private FileMeta writeTable(long id, int level, NavigableMap<byte[], byte[]> content) {
        try (SstWriter writer = new SstWriter(dir.resolve(String.format("%06d.sst", id)), SST)) {
            content.forEach(writer::add);
            SstProperties p = writer.finish();
            return new FileMeta(id, level, p.fileSize(), p.smallest(), p.largest(), p.minVersion(), p.maxVersion(),
                    p.entries(), p.tombstones());
        }
    }

    /** An iterator over one table that closes the table with it. */
    private InternalIterator open(FileMeta meta) {
        SstReader reader = SstReader.open(dir.resolve(String.format("%06d.sst", meta.id())), meta.id(), null);
        return new Delegating(reader.iterator()) {
            @Override
            public void close() {
                super.close();
                reader.close();
            }
        };
    }

    private NavigableMap<byte[], byte[]> readAll(List<FileMeta> files) {
        NavigableMap<byte[], byte[]> out = new TreeMap<>(InternalKey.COMPARATOR);
        for (FileMeta f : files) {
            try (InternalIterator it = open(f)) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    assertTrue(out.put(it.key(), it.value()) == null, "no key in two outputs");
                }
            }
        }
        return out;
    }

    /** Keys as "user@version", in order, so lists compare by content. */
    private static List<String> keysOf(Map<byte[], byte[]> m) {
        return keysOf(m.keySet());
    }

    private static List<String> keysOf(Iterable<byte[]> keys) {
        List<String> out = new ArrayList<>();
        for (byte[] k : keys) {
            out.add(InternalKey.cfId(k) + ":" + new String(InternalKey.userKey(k), StandardCharsets.UTF_8) + "@" + InternalKey.version(k));
        }
        return out;
    }

    private static byte[] key(String user, long version) {
        return InternalKey.encode(0, user.getBytes(StandardCharsets.UTF_8), version);
    }

    private static byte[] value(String s) {
        return EntryValue.value(s.getBytes(StandardCharsets.UTF_8));
    }

    private static class Delegating implements InternalIterator {
        final InternalIterator inner;

        Delegating(InternalIterator inner) {
            this.inner = inner;
        }

        public boolean valid() { return inner.valid(); }
        public void seekToFirst() { inner.seekToFirst(); }
        public void seekToLast() { inner.seekToLast(); }
        public void seek(byte[] k) { inner.seek(k); }
        public void seekForPrev(byte[] k) { inner.seekForPrev(k); }
        public void next() { inner.next(); }
        public void prev() { inner.prev(); }
        public byte[] key() { return inner.key(); }
        public byte[] value() { return inner.value(); }
        public void close() { inner.close(); }
    }

    /** Simulates a read error (say, a checksum mismatch) part way through an input. */
    private static final class FailingAfter extends Delegating {
        private int remaining;

        FailingAfter(InternalIterator inner, int entries) {
            super(inner);
            this.remaining = entries;
        }

        @Override
        public void next() {
            if (--remaining == 0) {
                throw new NoKVException("checksum mismatch in 000001.sst at offset 1234 (simulated)");
            }
            super.next();
        }
    }
}
