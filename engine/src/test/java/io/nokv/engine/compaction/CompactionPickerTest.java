package io.nokv.engine.compaction;

import io.nokv.engine.Options;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.manifest.FileMeta;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactionPickerTest {
    private static final long MB = 1 << 20;

    private final Options options = Options.at(Path.of("unused"))
            .l0CompactionTrigger(4).levelBaseBytes(10 * MB).levelMultiplier(10).maxLevels(4);
    private final CompactionPicker picker = new CompactionPicker(options);

    @Test
    void l0BelowTriggerIsLeftAlone() {
        List<List<FileMeta>> levels = levels(
                List.of(file(1, 0, "a", "z"), file(2, 0, "a", "z"), file(3, 0, "a", "z")), List.of(), List.of(), List.of());
        assertEquals(0.75, picker.scores(levels)[0], 1e-9);
        assertTrue(picker.pick(levels, Set.of()).isEmpty());
    }

    @Test
    void l0AtTriggerTakesTheOverlapClosureAndTheOverlappingL1Files() {
        // Oldest file 1 [a,c] pulls in 3 [b,d], whose range pulls in 4 [d,f]; 2 [x,z] stays.
        List<FileMeta> l0 = List.of(file(1, 0, "a", "c"), file(2, 0, "x", "z"), file(3, 0, "b", "d"), file(4, 0, "d", "f"));
        List<FileMeta> l1 = List.of(file(10, 1, "a", "b"), file(11, 1, "e", "e"), file(12, 1, "g", "h"));
        CompactionTask task = picker.pick(levels(l0, l1, List.of(), List.of()), Set.of()).orElseThrow();
        assertEquals(0, task.level());
        assertEquals(1, task.outputLevel());
        assertEquals(List.of(1L, 3L, 4L), ids(task.inputs()));
        assertEquals(List.of(10L, 11L), ids(task.outputLevelInputs()));
        assertTrue(task.bottommost());
    }

    @Test
    void filesTouchingOnlyAtDifferentVersionsOfOneKeyStillOverlap() {
        // Internal ranges ..k@7 and k@5.. do not intersect (k@7 sorts first) but share user key k.
        FileMeta older = new FileMeta(1, 0, 1, key("a", 1), key("k", 7), 1, 7, 2, 0);
        FileMeta newer = new FileMeta(2, 0, 1, key("k", 5), key("m", 5), 5, 5, 2, 0);
        List<FileMeta> l0 = List.of(older, newer, file(3, 0, "x", "y"), file(4, 0, "x", "y"));
        CompactionTask task = picker.pick(levels(l0, List.of(), List.of(), List.of()), Set.of()).orElseThrow();
        assertEquals(List.of(1L, 2L), ids(task.inputs()));
    }

    @Test
    void busyFilesAreNeverPicked() {
        List<FileMeta> l0 = List.of(file(1, 0, "a", "c"), file(2, 0, "b", "d"), file(3, 0, "m", "n"), file(4, 0, "x", "z"));
        List<FileMeta> l1 = List.of(file(10, 1, "m", "m"), file(11, 1, "x", "x"));
        List<List<FileMeta>> levels = levels(l0, l1, List.of(), List.of());
        // File 2 is busy: file 1 cannot go without it (they overlap); the next free seed is 3.
        CompactionTask task = picker.pick(levels, Set.of(2L)).orElseThrow();
        assertEquals(List.of(3L), ids(task.inputs()));
        assertEquals(List.of(10L), ids(task.outputLevelInputs()));
        // Busy L1 file 10 blocks 3; 4 is next.
        task = picker.pick(levels, Set.of(2L, 10L)).orElseThrow();
        assertEquals(List.of(4L), ids(task.inputs()));
        assertTrue(picker.pick(levels, Set.of(2L, 10L, 11L)).isEmpty());
    }

    @Test
    void levelScoresPickTheHighestAndOneFilePlusTheOverlapBelow() {
        // L1 target 10 MiB holds 30 MiB (score 3); L0 at 5/4 = 1.25; L2 target 100 MiB holds 150 (1.5).
        List<FileMeta> l0 = List.of(file(1, 0, "a", "z"), file(2, 0, "a", "z"), file(3, 0, "a", "z"),
                file(4, 0, "a", "z"), file(5, 0, "a", "z"));
        List<FileMeta> l1 = List.of(sized(10, 1, "a", "f", 10 * MB), sized(11, 1, "g", "m", 10 * MB), sized(12, 1, "n", "z", 10 * MB));
        List<FileMeta> l2 = List.of(sized(20, 2, "a", "c", 50 * MB), sized(21, 2, "d", "h", 50 * MB), sized(22, 2, "p", "t", 50 * MB));
        List<FileMeta> l3 = List.of(sized(30, 3, "a", "b", 500 * MB));
        List<List<FileMeta>> levels = levels(l0, l1, l2, l3);
        double[] scores = picker.scores(levels);
        assertEquals(4, scores.length);
        assertEquals(1.25, scores[0], 1e-9);
        assertEquals(3.0, scores[1], 1e-9);
        assertEquals(1.5, scores[2], 1e-9);
        assertEquals(0.0, scores[3], 1e-9, "the bottom level has nowhere to go");
        assertEquals(5 * MB + 20 * MB + 50 * MB, picker.backlogBytes(levels));

        CompactionTask first = picker.pick(levels, Set.of()).orElseThrow();
        assertEquals(1, first.level());
        assertEquals(2, first.outputLevel());
        assertEquals(List.of(10L), ids(first.inputs()));
        assertEquals(List.of(20L, 21L), ids(first.outputLevelInputs()));
        assertFalse(first.bottommost(), "L3 file [a,b] overlaps");

        // Round robin: the next L1 picks continue after the last file's key, then wrap around.
        CompactionTask second = picker.pick(levels, Set.of()).orElseThrow();
        assertEquals(List.of(11L), ids(second.inputs()));
        assertEquals(List.of(21L), ids(second.outputLevelInputs()));
        assertTrue(second.bottommost());
        assertEquals(List.of(12L), ids(picker.pick(levels, Set.of()).orElseThrow().inputs()));
        assertEquals(List.of(10L), ids(picker.pick(levels, Set.of()).orElseThrow().inputs()));

        // With L1 all busy the next best score that can run is L2.
        CompactionTask l2Task = picker.pick(levels, Set.of(10L, 11L, 12L)).orElseThrow();
        assertEquals(2, l2Task.level());
        assertEquals(3, l2Task.outputLevel());
    }

    @Test
    void manualMovesEverythingInRangeToTheBottomLevelWithOlderOverlapsIncluded() {
        // Range [c, f): L0 file 5 [a,d] is in range; the older L0 file 2 [b,b] overlaps it and must
        // go too; L0 file 3 [x,z] stays. L1 [c,e] is in range; L2 [a,a] overlaps file 5's range (not
        // the user range) and must go down with it; L3 [e,e] is in range, L3 [m,n] stays.
        List<FileMeta> l0 = List.of(file(2, 0, "b", "b"), file(5, 0, "a", "d"), file(3, 0, "x", "z"));
        List<FileMeta> l1 = List.of(file(10, 1, "c", "e"), file(11, 1, "g", "h"));
        List<FileMeta> l2 = List.of(file(20, 2, "a", "a"), file(21, 2, "q", "r"));
        List<FileMeta> l3 = List.of(file(30, 3, "m", "n"), file(31, 3, "e", "e"));
        List<CompactionTask> tasks = picker.manual(levels(l0, l1, l2, l3), bytes("c"), bytes("f"));
        assertEquals(1, tasks.size());
        CompactionTask task = tasks.get(0);
        assertEquals(0, task.level());
        assertEquals(3, task.outputLevel());
        assertTrue(task.bottommost());
        Set<Long> inputs = new HashSet<>(ids(task.inputs()));
        assertEquals(Set.of(2L, 5L, 10L, 20L), inputs);
        assertEquals(List.of(31L), ids(task.outputLevelInputs()));
    }

    @Test
    void manualSplitsDisjointRangesIntoIndependentTasksAndMatchesEveryColumnFamily() {
        FileMeta lockCf = new FileMeta(40, 1, 1, InternalKey.encode(1, bytes("c"), 1), InternalKey.encode(1, bytes("d"), 1), 1, 1, 2, 0);
        FileMeta spansCfs = new FileMeta(41, 2, 1, InternalKey.encode(0, bytes("x"), 1), InternalKey.encode(2, bytes("a"), 1), 1, 1, 2, 0);
        FileMeta outside = new FileMeta(42, 3, 1, InternalKey.encode(2, bytes("f"), 1), InternalKey.encode(2, bytes("g"), 1), 1, 1, 2, 0);
        FileMeta bottomIn = new FileMeta(43, 3, 1, InternalKey.encode(0, bytes("a"), 1), InternalKey.encode(0, bytes("c"), 1), 1, 1, 2, 0);
        List<List<FileMeta>> levels = levels(List.of(), List.of(lockCf), List.of(spansCfs), List.of(bottomIn, outside));
        List<CompactionTask> tasks = picker.manual(levels, bytes("c"), bytes("e"));
        // lockCf [1|c, 1|d] and spansCfs [0|x, 2|a] overlap (cf 1 lies inside), bottomIn is its own task.
        assertEquals(2, tasks.size());
        Set<Set<Long>> groups = new HashSet<>();
        for (CompactionTask t : tasks) {
            Set<Long> all = new HashSet<>(ids(t.inputs()));
            all.addAll(ids(t.outputLevelInputs()));
            groups.add(all);
            assertEquals(3, t.outputLevel());
        }
        assertEquals(Set.of(Set.of(40L, 41L), Set.of(43L)), groups);
        // An open range takes every file.
        int total = 0;
        for (CompactionTask t : picker.manual(levels, null, null)) {
            total += t.inputs().size() + t.outputLevelInputs().size();
        }
        assertEquals(4, total);
        assertTrue(picker.manual(levels, bytes("e"), bytes("c")).isEmpty());
    }

    @SafeVarargs
    private static List<List<FileMeta>> levels(List<FileMeta>... levels) {
        List<List<FileMeta>> out = new ArrayList<>();
        for (List<FileMeta> level : levels) {
            out.add(level);
        }
        return out;
    }

    private static FileMeta file(long id, int level, String smallest, String largest) {
        return sized(id, level, smallest, largest, MB);
    }

    private static FileMeta sized(long id, int level, String smallest, String largest, long size) {
        return new FileMeta(id, level, size, key(smallest, 9), key(largest, 1), 1, 9, 10, 0);
    }

    private static byte[] key(String user, long version) {
        return InternalKey.encode(0, bytes(user), version);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<Long> ids(List<FileMeta> files) {
        List<Long> ids = new ArrayList<>();
        files.forEach(f -> ids.add(f.id()));
        return ids;
    }
}
