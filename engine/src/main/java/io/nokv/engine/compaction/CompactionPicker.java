package io.nokv.engine.compaction;

import io.nokv.engine.Options;
import io.nokv.engine.manifest.FileMeta;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what to compact next in the leveled layout (see docs/engine-compaction.md).
 *
 * <p>Scores: L0 = file count / {@code l0CompactionTrigger}; Ln = level bytes / target, with target
 * {@code levelBaseBytes * levelMultiplier^(n-1)}. The bottom level ({@code maxLevels - 1}) has
 * nowhere to go and scores 0. {@link #pick} takes the highest score >= 1 for which it can build a task
 * that touches no busy file.
 *
 * <p>Files are compared by user key (lookup prefix), never by internal key: see {@link KeyRange}.
 * The one picker instance is shared by the compaction threads; {@link #pick} is synchronized because
 * it advances the per-level round-robin cursors.
 */
public final class CompactionPicker {
    private static final Comparator<FileMeta> BY_SMALLEST = (a, b) -> KeyRange.comparePrefix(a.smallest(), b.smallest());
    private static final Comparator<FileMeta> BY_ID = Comparator.comparingLong(FileMeta::id);

    private final int maxLevels;
    private final int l0Trigger;
    private final long levelBaseBytes;
    private final int levelMultiplier;
    /** Per level, the largest key of the file compacted last; the next pick starts after it. */
    private final byte[][] cursors;

    public CompactionPicker(Options options) {
        this.maxLevels = options.maxLevels();
        this.l0Trigger = options.l0CompactionTrigger();
        this.levelBaseBytes = options.levelBaseBytes();
        this.levelMultiplier = options.levelMultiplier();
        this.cursors = new byte[maxLevels][];
    }

    /** Target size of level {@code level} (>= 1). */
    public long targetBytes(int level) {
        if (level < 1) {
            throw new IllegalArgumentException("level 0 has a file-count trigger, not a byte target");
        }
        double target = levelBaseBytes * Math.pow(levelMultiplier, level - 1);
        return target >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) target;
    }

    /** One score per level (length {@code maxLevels}); the bottom level always scores 0. */
    public double[] scores(List<List<FileMeta>> levels) {
        double[] scores = new double[maxLevels];
        scores[0] = (double) files(levels, 0).size() / l0Trigger;
        for (int level = 1; level < maxLevels - 1; level++) {
            scores[level] = (double) bytes(files(levels, level)) / targetBytes(level);
        }
        return scores;
    }

    /**
     * Bytes that compaction still has to move to bring every level within its target: all of L0 once
     * it reaches the trigger (it all goes down together), plus each Ln's excess over its target.
     */
    public long backlogBytes(List<List<FileMeta>> levels) {
        long backlog = 0;
        List<FileMeta> l0 = files(levels, 0);
        if (l0.size() >= l0Trigger) {
            backlog += bytes(l0);
        }
        for (int level = 1; level < maxLevels - 1; level++) {
            backlog += Math.max(0, bytes(files(levels, level)) - targetBytes(level));
        }
        return backlog;
    }

    /** The most urgent task that touches no busy file, if any level scores >= 1. */
    public synchronized Optional<CompactionTask> pick(List<List<FileMeta>> levels, Set<Long> busyFileIds) {
        double[] scores = scores(levels);
        Integer[] order = new Integer[maxLevels - 1];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        for (int level : order) {
            if (scores[level] < 1.0) {
                break;
            }
            Optional<CompactionTask> task = level == 0
                    ? pickL0(levels, busyFileIds, scores[0])
                    : pickLevel(levels, level, busyFileIds, scores[level]);
            if (task.isPresent()) {
                return task;
            }
        }
        return Optional.empty();
    }

    /**
     * Seeds with the oldest free L0 file and adds every L0 file overlapping the growing range, so an
     * L0 file never goes down while an older overlapping one stays above it. A closure that reaches a
     * busy file is abandoned and the next-oldest free seed is tried.
     */
    private Optional<CompactionTask> pickL0(List<List<FileMeta>> levels, Set<Long> busy, double score) {
        List<FileMeta> l0 = new ArrayList<>(files(levels, 0));
        l0.sort(BY_ID);
        Set<Long> tried = new HashSet<>();
        for (FileMeta seed : l0) {
            if (busy.contains(seed.id()) || tried.contains(seed.id())) {
                continue;
            }
            List<FileMeta> inputs = overlapClosure(l0, seed);
            inputs.forEach(f -> tried.add(f.id()));
            if (anyBusy(inputs, busy)) {
                continue;
            }
            KeyRange range = KeyRange.of(inputs);
            List<FileMeta> l1 = overlapping(files(levels, 1), range);
            if (anyBusy(l1, busy)) {
                continue;
            }
            l1.forEach(range::widen);
            String reason = String.format("L0 score %.2f (%d files, trigger %d)", score, files(levels, 0).size(), l0Trigger);
            return Optional.of(new CompactionTask(0, inputs, 1, l1, isBottommost(levels, 2, range), reason));
        }
        return Optional.empty();
    }

    private static List<FileMeta> overlapClosure(List<FileMeta> l0ById, FileMeta seed) {
        List<FileMeta> chosen = new ArrayList<>();
        chosen.add(seed);
        KeyRange range = KeyRange.of(seed);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (FileMeta f : l0ById) {
                if (!chosen.contains(f) && range.overlaps(f)) {
                    chosen.add(f);
                    range.widen(f);
                    grew = true;
                }
            }
        }
        chosen.sort(BY_ID);
        return chosen;
    }

    /** One file of {@code level}, round-robin by key, plus the overlapping files of the next level. */
    private Optional<CompactionTask> pickLevel(List<List<FileMeta>> levels, int level, Set<Long> busy, double score) {
        List<FileMeta> candidates = new ArrayList<>(files(levels, level));
        candidates.sort(BY_SMALLEST);
        int start = 0;
        byte[] cursor = cursors[level];
        if (cursor != null) {
            while (start < candidates.size() && KeyRange.comparePrefix(candidates.get(start).smallest(), cursor) <= 0) {
                start++;
            }
        }
        List<FileMeta> next = files(levels, level + 1);
        for (int i = 0; i < candidates.size(); i++) {
            FileMeta file = candidates.get((start + i) % candidates.size());
            if (busy.contains(file.id())) {
                continue;
            }
            KeyRange range = KeyRange.of(file);
            List<FileMeta> below = overlapping(next, range);
            if (anyBusy(below, busy)) {
                continue;
            }
            below.forEach(range::widen);
            cursors[level] = file.largest();
            String reason = String.format("L%d score %.2f (%d bytes, target %d)", level, score, bytes(files(levels, level)), targetBytes(level));
            return Optional.of(new CompactionTask(level, List.of(file), level + 1, below, isBottommost(levels, level + 2, range), reason));
        }
        return Optional.empty();
    }

    /**
     * Tasks that move every file overlapping user keys [start, end) (null = open) of any column family
     * to the bottom level, {@code maxLevels - 1}, dropping what the GC rule allows on the way.
     *
     * <p>Unlike {@link #pick}, one task may take inputs from several levels: {@code inputs} holds every
     * chosen file above the bottom level (each with its own {@link FileMeta#level()}, which is the
     * level to delete it from) and {@code outputLevelInputs} the chosen bottom-level files. The chosen
     * set is closed downwards: any file older than a chosen one (deeper, or an older L0 file) that
     * overlaps it is chosen too, so no data ends up below older data. The tasks have disjoint key
     * ranges and disjoint files, so they are independent: run them in any order or in parallel. Every
     * task is bottommost. The caller must not run them while automatic compactions are running.
     */
    public List<CompactionTask> manual(List<List<FileMeta>> levels, byte[] startUserKey, byte[] endUserKey) {
        if (startUserKey != null && endUserKey != null && Arrays.compareUnsigned(startUserKey, endUserKey) >= 0) {
            return List.of();
        }
        int bottom = Math.max(maxLevels, levels.size()) - 1;
        List<List<FileMeta>> chosenByLevel = new ArrayList<>();
        List<FileMeta> chosen = new ArrayList<>();

        // L0, newest first: a file is chosen if it is in range or overlaps a newer chosen L0 file.
        List<FileMeta> l0 = new ArrayList<>(files(levels, 0));
        l0.sort(BY_ID.reversed());
        List<FileMeta> chosenL0 = new ArrayList<>();
        for (FileMeta f : l0) {
            if (KeyRange.overlapsUserRange(f, startUserKey, endUserKey) || overlapsAny(chosenL0, f)) {
                chosenL0.add(f);
            }
        }
        chosenByLevel.add(chosenL0);
        chosen.addAll(chosenL0);
        for (int level = 1; level <= bottom; level++) {
            List<KeyRange> above = mergedRanges(chosen);
            List<FileMeta> chosenHere = new ArrayList<>();
            for (FileMeta f : files(levels, level)) {
                if (KeyRange.overlapsUserRange(f, startUserKey, endUserKey) || overlapsSorted(above, f)) {
                    chosenHere.add(f);
                }
            }
            chosenByLevel.add(chosenHere);
            chosen.addAll(chosenHere);
        }

        List<CompactionTask> tasks = new ArrayList<>();
        for (KeyRange component : mergedRanges(chosen)) {
            List<FileMeta> inputs = new ArrayList<>();
            List<FileMeta> bottomInputs = new ArrayList<>();
            int topLevel = bottom;
            for (int level = 0; level <= bottom; level++) {
                for (FileMeta f : chosenByLevel.get(level)) {
                    if (!component.overlaps(f)) {
                        continue;
                    }
                    if (level == bottom) {
                        bottomInputs.add(f);
                    } else {
                        inputs.add(f);
                        topLevel = Math.min(topLevel, level);
                    }
                }
            }
            String reason = "manual compaction to L" + bottom;
            tasks.add(new CompactionTask(topLevel, inputs, bottom, bottomInputs, true, reason));
        }
        return tasks;
    }

    /** True when no level from {@code fromLevel} down holds a file overlapping {@code range}. */
    private static boolean isBottommost(List<List<FileMeta>> levels, int fromLevel, KeyRange range) {
        for (int level = fromLevel; level < levels.size(); level++) {
            if (!overlapping(levels.get(level), range).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static List<FileMeta> overlapping(List<FileMeta> files, KeyRange range) {
        List<FileMeta> out = new ArrayList<>();
        for (FileMeta f : files) {
            if (range.overlaps(f)) {
                out.add(f);
            }
        }
        out.sort(BY_SMALLEST);
        return out;
    }

    private static boolean overlapsAny(List<FileMeta> chosen, FileMeta f) {
        for (FileMeta c : chosen) {
            if (KeyRange.of(c).overlaps(f)) {
                return true;
            }
        }
        return false;
    }

    /** The union of the files' ranges as disjoint ranges sorted by key. */
    private static List<KeyRange> mergedRanges(List<FileMeta> files) {
        List<FileMeta> sorted = new ArrayList<>(files);
        sorted.sort(BY_SMALLEST);
        List<KeyRange> merged = new ArrayList<>();
        KeyRange current = null;
        for (FileMeta f : sorted) {
            if (current != null && KeyRange.comparePrefix(f.smallest(), current.largest()) <= 0) {
                current.widen(f);
            } else {
                current = KeyRange.of(f);
                merged.add(current);
            }
        }
        return merged;
    }

    /** Binary search over disjoint sorted ranges. */
    private static boolean overlapsSorted(List<KeyRange> ranges, FileMeta f) {
        int lo = 0;
        int hi = ranges.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (KeyRange.comparePrefix(ranges.get(mid).largest(), f.smallest()) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < ranges.size() && ranges.get(lo).overlaps(f);
    }

    private static boolean anyBusy(List<FileMeta> files, Set<Long> busy) {
        for (FileMeta f : files) {
            if (busy.contains(f.id())) {
                return true;
            }
        }
        return false;
    }

    private static List<FileMeta> files(List<List<FileMeta>> levels, int level) {
        return level < levels.size() ? levels.get(level) : List.of();
    }

    private static long bytes(List<FileMeta> files) {
        long total = 0;
        for (FileMeta f : files) {
            total += f.size();
        }
        return total;
    }
}
