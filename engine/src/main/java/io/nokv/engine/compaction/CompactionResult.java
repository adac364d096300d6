package io.nokv.engine.compaction;

import io.nokv.engine.manifest.FileMeta;

import java.util.List;

/**
 * What a finished {@link CompactionJob} produced. The outputs are durable files that no manifest
 * names yet: the caller installs them (and deletes the inputs) with one manifest edit.
 *
 * @param versionsDropped   entries dropped because a newer version at or below the GC horizon hides them
 *                          (shadowed tombstones included)
 * @param tombstonesDropped tombstones dropped because they were the newest version at or below the
 *                          horizon in a bottommost task, with nothing older left for them to hide
 */
public record CompactionResult(
        List<FileMeta> outputs,
        long bytesRead,
        long bytesWritten,
        long versionsDropped,
        long tombstonesDropped) {
}
