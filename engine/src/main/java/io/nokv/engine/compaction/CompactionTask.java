package io.nokv.engine.compaction;

import io.nokv.engine.manifest.FileMeta;

import java.util.List;

/**
 * One unit of compaction work: merge {@code inputs} (from {@code level}) with the overlapping
 * {@code outputLevelInputs} into new files at {@code outputLevel}. {@code bottommost} means no
 * deeper level can hold older data for these keys, so tombstones may be dropped.
 */
public record CompactionTask(
        int level,
        List<FileMeta> inputs,
        int outputLevel,
        List<FileMeta> outputLevelInputs,
        boolean bottommost,
        String reason) {
}
