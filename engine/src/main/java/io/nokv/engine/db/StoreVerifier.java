package io.nokv.engine.db;

import io.nokv.engine.NoKVException;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.manifest.FileMeta;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.ManifestState;
import io.nokv.engine.sst.SstReader;
import io.nokv.engine.version.VersionSet;
import io.nokv.engine.vlog.VlogFormat;
import io.nokv.engine.vlog.VlogInspector;
import io.nokv.engine.wal.Wal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a store directory the way opening it would, without writing anything or taking the lock
 * (so it also runs beside a live store): CURRENT and the manifest replay; every table the manifest
 * names exists and every block of it passes its checksum; the WAL from the checkpoint on has no missing segment and
 * no damaged record; every value-log pointer in that WAL names bytes that exist. Each finding is
 * one line naming the file (and offset where there is one). A torn last record, which open
 * repairs, is not a finding.
 */
public final class StoreVerifier {
    private StoreVerifier() {
    }

    /** The problems that would make open refuse the store (or replay less than the WAL holds); empty when none. */
    public static List<String> verify(Path dir) {
        List<String> problems = new ArrayList<>();
        ManifestState state;
        try {
            state = Manifest.readOnly(dir);
        } catch (NoKVException e) {
            problems.add(e.getMessage());
            return problems; // without a manifest nothing else can be judged
        }
        for (List<FileMeta> level : state.levels()) {
            for (FileMeta f : level) {
                Path sst = VersionSet.sstPath(dir, f.id());
                if (!Files.exists(sst)) {
                    problems.add("SST file " + sst + " named by the manifest (level " + f.level() + ") is missing");
                    continue;
                }
                try (SstReader reader = SstReader.open(sst, f.id(), null);
                     InternalIterator it = reader.iterator()) {
                    // Every block, not only the footer: a damaged block stops compactions of the table.
                    for (it.seekToFirst(); it.valid(); it.next()) {
                        it.value();
                    }
                } catch (RuntimeException e) {
                    problems.add("SST file " + sst + " named by the manifest cannot be read: " + e.getMessage());
                }
            }
        }
        Map<Long, Path> segments = VlogInspector.listSegments(dir);
        long[] lostPointers = {0};
        String[] firstLost = {null};
        try {
            Wal.replay(dir.resolve("wal"), state.walCheckpoint(), payload -> BatchCodec.decode(payload, (cf, key, version, kind, value) -> {
                if (kind == BatchCodec.KIND_ENTRY && EntryValue.isPointer(value)) {
                    String lost = lostBytes(segments, value, EntryValue.payloadOffset(value));
                    if (lost != null && lostPointers[0]++ == 0) {
                        firstLost[0] = lost;
                    }
                }
            }), false);
        } catch (NoKVException e) {
            problems.add(e.getMessage());
        }
        if (lostPointers[0] > 0) {
            problems.add(lostPointers[0] + " value pointers in the WAL name value-log bytes that do not exist (first: "
                    + firstLost[0] + "); open would end replay at the first batch holding one");
        }
        return problems;
    }

    /** Why the pointer's bytes are not there, or null when they are. */
    private static String lostBytes(Map<Long, Path> segments, byte[] pointer, int off) {
        long segment = VlogFormat.pointerSegment(pointer, off);
        long end = VlogFormat.pointerOffset(pointer, off) + VlogFormat.pointerRecordLength(pointer, off);
        Path file = segments.get(segment);
        if (file == null) {
            // GC may have moved the value and deleted the segment; a later WAL record then holds the new pointer.
            return null;
        }
        try {
            long size = Files.size(file);
            return end <= size ? null : file + " ends at " + size + " but a pointer needs bytes up to offset " + end;
        } catch (IOException e) {
            return "cannot stat " + file + ": " + e.getMessage();
        }
    }
}
