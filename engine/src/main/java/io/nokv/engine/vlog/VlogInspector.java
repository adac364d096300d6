package io.nokv.engine.vlog;

import io.nokv.engine.NoKVException;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.ManifestState;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Read-only view of a store's value log for offline tools ({@code nokv vlog}): reads the segment
 * directory and the manifest metadata, takes no lock and writes nothing, so it also works on a
 * store a live process holds open (figures are then a moment's snapshot).
 */
public final class VlogInspector {
    public enum Status {
        /** The newest segment: the one writes append to (offline: the one they appended to last). */
        ACTIVE,
        /** Sealed, stale ratio at or above the GC threshold: the next GC run may rewrite it. */
        GC_CANDIDATE,
        /** GC moved its live values away; deleted once no reader can reach it (at the latest at the next open). */
        PENDING_DELETE,
        /** Sealed, below the GC threshold. */
        SEALED
    }

    /**
     * One segment. {@code sizeBytes} is the file size (header included); {@code staleBytes} the
     * bytes compaction and TTL made unreachable (capped at the record bytes); {@code liveBytes} the rest.
     */
    public record Segment(long id, Path path, long sizeBytes, long liveBytes, long staleBytes, double staleRatio,
                          Status status) {
    }

    /** {@code headSegment/headOffset}: the vlog end covered by flushed tables (recovery validates from there). */
    public record Report(List<Segment> segments, long headSegment, long headOffset, long totalBytes, long staleBytes,
                         double gcThreshold) {
    }

    private VlogInspector() {
    }

    /** As {@link #read(Path, double)} with the default GC threshold 0.5. */
    public static Report read(Path storeDir) {
        return read(storeDir, 0.5);
    }

    /**
     * @throws NoKVException when {@code storeDir} is not a NoKV store (no CURRENT) or cannot be read
     */
    public static Report read(Path storeDir, double gcThreshold) {
        ManifestState state = Manifest.readOnly(storeDir);
        Map<String, byte[]> meta = state.metadata();
        long[] head = VlogMetadata.head(meta);
        TreeMap<Long, Long> discard = VlogMetadata.discard(meta);
        Set<Long> pending = VlogMetadata.pendingDelete(meta);
        TreeMap<Long, Path> files = listSegments(storeDir);
        List<Segment> segments = new ArrayList<>();
        long total = 0;
        long stale = 0;
        long active = files.isEmpty() ? -1 : files.lastKey();
        for (Map.Entry<Long, Path> e : files.entrySet()) {
            long size;
            try {
                size = Files.size(e.getValue());
            } catch (NoSuchFileException gone) {
                continue; // deleted by a live GC since the listing
            } catch (IOException io) {
                throw new NoKVException("cannot read the size of " + e.getValue() + ": " + io, io);
            }
            long records = Math.max(0, size - VlogFormat.SEGMENT_HEADER_BYTES);
            long s = Math.min(records, discard.getOrDefault(e.getKey(), 0L));
            double ratio = records == 0 ? 0 : (double) s / records;
            Status status;
            if (pending.contains(e.getKey())) {
                status = Status.PENDING_DELETE;
            } else if (e.getKey() == active) {
                status = Status.ACTIVE;
            } else if (ratio >= gcThreshold) {
                status = Status.GC_CANDIDATE;
            } else {
                status = Status.SEALED;
            }
            segments.add(new Segment(e.getKey(), e.getValue(), size, records - s, s, ratio, status));
            total += size;
            stale += s;
        }
        return new Report(List.copyOf(segments), head[0], head[1], total, stale, gcThreshold);
    }

    /** Segment id → path of every {@code %06d.vlog} in {@code <store>/vlog} (empty when there is no vlog dir). */
    public static TreeMap<Long, Path> listSegments(Path storeDir) {
        TreeMap<Long, Path> out = new TreeMap<>();
        Path dir = VlogFormat.dir(storeDir);
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                long id = VlogFormat.segmentId(p.getFileName().toString());
                if (id >= 0) {
                    out.put(id, p);
                }
            }
        } catch (IOException e) {
            throw new NoKVException("cannot list " + dir + ": " + e, e);
        }
        return out;
    }
}
