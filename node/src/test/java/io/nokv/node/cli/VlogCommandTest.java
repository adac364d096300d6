package io.nokv.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.manifest.Manifest;
import io.nokv.engine.manifest.VersionEdit;
import io.nokv.engine.vlog.VlogFormat;
import io.nokv.engine.vlog.VlogMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.nokv.node.cli.InspectCommandsTest.fields;
import static io.nokv.node.cli.InspectCommandsTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nokv vlog} (and the value-log parts of stats and manifest) on a store whose segments and
 * discard statistics are laid out here in the documented formats (docs/engine-vlog.md).
 */
class VlogCommandTest {
    @TempDir
    Path dir;

    /** Segments 1..4 with 1000, 1000, 1000, 500 record bytes; 1 is 80% stale, 2 20%, 3 emptied by GC, 4 active. */
    private Path storeWithValueLog() throws Exception {
        Path store = dir.resolve("store");
        NoKV.open(Options.at(store)).close();
        Files.createDirectories(VlogFormat.dir(store));
        long[] recordBytes = {0, 1000, 1000, 1000, 500};
        for (int id = 1; id <= 4; id++) {
            ByteBuffer b = ByteBuffer.allocate(VlogFormat.SEGMENT_HEADER_BYTES + (int) recordBytes[id]);
            b.put(VlogFormat.MAGIC).putLong(id);
            Files.write(VlogFormat.segmentPath(store, id), b.array());
        }
        TreeMap<Long, Long> discard = new TreeMap<>(Map.of(1L, 800L, 2L, 200L, 3L, 1000L));
        try (Manifest m = Manifest.open(store, 4 << 20)) {
            m.apply(new VersionEdit()
                    .putMeta(VlogFormat.META_HEAD, VlogMetadata.encodeHead(4, 216))
                    .putMeta(VlogFormat.META_DISCARD, VlogMetadata.encodeDiscard(discard))
                    .putMeta(VlogFormat.META_PENDING_DELETE, VlogMetadata.encodePending(List.of(3L))));
        }
        return store;
    }

    @Test
    void segmentsWithStaleRatioAndStatus() throws Exception {
        Path store = storeWithValueLog();
        JsonNode v = json("vlog", "--workdir", store.toString(), "--json");
        assertEquals(List.of("active_segment", "head", "gc_threshold", "total_bytes", "stale_bytes", "segments"), fields(v));
        assertEquals(4, v.get("active_segment").asLong());
        assertEquals(List.of("segment", "offset"), fields(v.get("head")));
        assertEquals(4, v.get("head").get("segment").asLong());
        assertEquals(216, v.get("head").get("offset").asLong());
        assertEquals(0.5, v.get("gc_threshold").asDouble());
        assertEquals(3500 + 4 * 16, v.get("total_bytes").asLong());
        assertEquals(2000, v.get("stale_bytes").asLong());
        JsonNode segments = v.get("segments");
        assertEquals(4, segments.size());
        assertEquals(List.of("id", "size", "live_bytes", "stale_bytes", "stale_ratio", "status"), fields(segments.get(0)));
        String[] status = {"gc-candidate", "sealed", "pending-delete", "active"};
        double[] ratio = {0.8, 0.2, 1.0, 0.0};
        for (int i = 0; i < 4; i++) {
            JsonNode s = segments.get(i);
            assertEquals(i + 1, s.get("id").asLong());
            assertEquals(status[i], s.get("status").asText());
            assertEquals(ratio[i], s.get("stale_ratio").asDouble(), 1e-9);
            assertEquals(s.get("size").asLong() - 16, s.get("live_bytes").asLong() + s.get("stale_bytes").asLong());
        }

        JsonNode strict = json("vlog", "--workdir", store.toString(), "--json", "--gc-threshold", "0.9");
        assertEquals("sealed", strict.get("segments").get(0).get("status").asText());

        CliRun text = CliRun.nokv("vlog", "--workdir", store.toString());
        assertEquals(0, text.code(), text.err());
        List<String> lines = text.out().lines().toList();
        assertTrue(lines.contains("Active segment  : 4"), text.out());
        assertTrue(lines.contains("Head            : segment=4 offset=216"), text.out());
        assertTrue(lines.contains("  id  bytes  live  stale  stale%  status"), text.out());
        assertTrue(lines.contains("   1   1016   200    800   80.00  gc-candidate"), text.out());
        assertTrue(lines.contains("   3   1016     0   1000  100.00  pending-delete"), text.out());

        JsonNode stats = json("stats", "--workdir", store.toString(), "--json");
        JsonNode vs = stats.get("value_log");
        assertEquals(List.of("segments", "active_segment", "head", "bytes", "stale_bytes", "gc_candidates", "pending_delete"),
                fields(vs));
        assertEquals(4, vs.get("segments").asInt());
        assertEquals(1, vs.get("gc_candidates").asInt());
        assertEquals(1, vs.get("pending_delete").asInt());
        assertTrue(CliRun.nokv("stats", "--workdir", store.toString()).out().lines()
                .anyMatch(l -> l.matches("ValueLog\\.Segments +4 +\\(active=4 gc_candidates=1 pending_delete=1\\)")));

        JsonNode manifest = json("manifest", "--workdir", store.toString(), "--json");
        JsonNode mv = manifest.get("value_log");
        assertEquals(List.of("head", "discard", "pending_delete"), fields(mv));
        assertEquals(3, mv.get("discard").size());
        assertEquals(800, mv.get("discard").get(0).get("stale_bytes").asLong());
        assertEquals(3, mv.get("pending_delete").get(0).asLong());
    }

    @Test
    void realValueLogAgreesWithTheLiveStats() throws Exception {
        Path store = dir.resolve("real");
        Options options = Options.at(store).valueThreshold(64).vlogSegmentBytes(8 << 10).vlogGcIntervalMillis(0);
        io.nokv.engine.StatsSnapshot.ValueLogStats live;
        try (io.nokv.engine.DB db = NoKV.open(options)) {
            byte[] big = new byte[1000];
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 20; i++) {
                    db.put(("k" + i).getBytes(), big);
                }
                db.flush();
            }
            db.compactRange(null, null);
            live = db.stats().vlog();
        }
        JsonNode v = json("vlog", "--workdir", store.toString(), "--json");
        JsonNode segments = v.get("segments");
        assertEquals(live.segments(), segments.size());
        assertTrue(segments.size() > 3, "8 KiB segments hold 60 values of 1000 bytes in several files");
        assertEquals(live.totalBytes(), v.get("total_bytes").asLong());
        assertEquals(live.staleBytes(), v.get("stale_bytes").asLong());
        assertTrue(v.get("stale_bytes").asLong() > 0, "two overwrites made values stale");
        long fileBytes = 0;
        for (JsonNode s : segments) {
            long id = s.get("id").asLong();
            assertEquals(Files.size(VlogFormat.segmentPath(store, id)), s.get("size").asLong());
            fileBytes += s.get("size").asLong();
            Double ratio = live.staleRatios().get(id);
            if (ratio != null) {
                assertEquals(ratio, s.get("stale_ratio").asDouble(), 1e-9, "segment " + id);
            }
        }
        assertEquals(fileBytes, v.get("total_bytes").asLong());
        assertEquals("active", segments.get(segments.size() - 1).get("status").asText());
        assertTrue(java.util.stream.StreamSupport.stream(segments.spliterator(), false)
                .anyMatch(s -> s.get("status").asText().equals("gc-candidate")), v.toString());
    }

    @Test
    void freshStoreAndSeededStoreWithoutValueLog() throws Exception {
        Path fresh = dir.resolve("fresh");
        NoKV.open(Options.at(fresh)).close();
        JsonNode v = json("vlog", "--workdir", fresh.toString(), "--json");
        assertEquals(1, v.get("segments").size(), "an opened store has started its first segment");
        assertEquals("active", v.get("segments").get(0).get("status").asText());
        assertEquals(0, v.get("stale_bytes").asLong());

        Path seeded = dir.resolve("seeded"); // what nokv-config manifest leaves before the first start
        Manifest.open(seeded, 4 << 20).close();
        JsonNode none = json("vlog", "--workdir", seeded.toString(), "--json");
        assertEquals(0, none.get("segments").size());
        assertEquals(0, none.get("active_segment").asLong());
        CliRun text = CliRun.nokv("vlog", "--workdir", seeded.toString());
        assertTrue(text.out().contains("Segments: (none)"), text.out());
        assertEquals(0, json("stats", "--workdir", seeded.toString(), "--json").get("value_log").get("segments").asInt());
    }

    @Test
    void badThresholdAndNotAStore() throws Exception {
        Path store = dir.resolve("plain");
        NoKV.open(Options.at(store)).close();
        CliRun bad = CliRun.nokv("vlog", "--workdir", store.toString(), "--gc-threshold", "0");
        assertEquals(1, bad.code());
        assertEquals("nokv vlog: --gc-threshold must be in (0, 1], got 0.0\n", bad.err());
        CliRun none = CliRun.nokv("vlog", "--workdir", dir.resolve("nothing").toString());
        assertEquals(1, none.code());
        assertEquals(1, none.err().lines().count());
        assertTrue(none.err().startsWith("nokv vlog: ") && none.err().contains("not a NoKV store"), none.err());
    }
}
