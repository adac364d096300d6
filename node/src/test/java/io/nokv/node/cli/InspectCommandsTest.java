package io.nokv.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nokv stats} and {@code nokv manifest} on a store built here with known contents. */
class InspectCommandsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path store;

    @BeforeEach
    void buildStore() {
        store = dir.resolve("store");
        try (DB db = NoKV.open(Options.at(store))) {
            for (int i = 0; i < 50; i++) {
                db.put(key("a", i), "v".getBytes());
                db.put(ColumnFamily.WRITE, key("w", i), "v".getBytes());
            }
            db.flush();
            for (int i = 0; i < 50; i++) {
                db.put(key("b", i), "v".getBytes());
            }
            db.flush();
        }
    }

    static byte[] key(String prefix, int i) {
        return String.format("%s%02d", prefix, i).getBytes();
    }

    static JsonNode json(String... args) throws Exception {
        CliRun r = CliRun.nokv(args);
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().lines().count(), "one line of JSON");
        return JSON.readTree(r.out());
    }

    static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static void assertKey(JsonNode key, String cf, String userKey) {
        assertEquals(List.of("cf", "key", "version"), fields(key));
        assertEquals(cf, key.get("cf").asText());
        assertEquals(userKey, key.get("key").asText());
        assertTrue(key.get("version").isIntegralNumber());
    }

    @Test
    void manifestJsonAfterFlushes() throws Exception {
        JsonNode m = json("manifest", "--workdir", store.toString(), "--json");
        assertEquals(List.of("manifest_file", "next_file_id", "last_version", "safe_point", "wal_checkpoint", "levels",
                "value_log", "metadata_keys"), fields(m));
        assertTrue(m.get("manifest_file").asText().startsWith("MANIFEST-"));
        assertEquals(150, m.get("last_version").asLong());
        assertTrue(m.get("wal_checkpoint").isIntegralNumber() && m.get("safe_point").isIntegralNumber());
        assertTrue(m.get("metadata_keys").isArray());
        JsonNode levels = m.get("levels");
        assertEquals(7, levels.size());
        JsonNode l0 = levels.get(0);
        assertEquals(List.of("level", "file_count", "total_bytes", "file_ids", "files"), fields(l0));
        assertEquals(2, l0.get("file_count").asInt());
        JsonNode older = l0.get("files").get(0);
        JsonNode newer = l0.get("files").get(1);
        assertEquals(List.of("id", "size", "entries", "tombstones", "min_version", "max_version", "smallest", "largest"),
                fields(older));
        assertEquals(List.of(older.get("id").asLong(), newer.get("id").asLong()),
                List.of(l0.get("file_ids").get(0).asLong(), l0.get("file_ids").get(1).asLong()));
        assertEquals(older.get("size").asLong() + newer.get("size").asLong(), l0.get("total_bytes").asLong());
        assertEquals(Files.size(store.resolve(String.format("%06d.sst", older.get("id").asLong()))), older.get("size").asLong());
        assertEquals(100, older.get("entries").asLong());
        assertEquals(0, older.get("tombstones").asLong());
        assertEquals(1, older.get("min_version").asLong());
        assertEquals(100, older.get("max_version").asLong());
        assertKey(older.get("smallest"), "default", "a00");
        assertKey(older.get("largest"), "write", "w49");
        assertEquals(50, newer.get("entries").asLong());
        assertKey(newer.get("smallest"), "default", "b00");
        assertKey(newer.get("largest"), "default", "b49");
        for (int level = 1; level < 7; level++) {
            assertEquals(0, levels.get(level).get("file_count").asInt());
        }
    }

    @Test
    void manifestAndStatsAfterCompactionAndUnflushedWrites() throws Exception {
        try (DB db = NoKV.open(Options.at(store))) {
            db.compactRange(null, null);
            db.put("zz".getBytes(), "v".getBytes());
            db.delete(key("a", 0));
            db.put(ColumnFamily.LOCK, "l".getBytes(), 500, "v".getBytes());
        }
        JsonNode m = json("manifest", "--workdir", store.toString(), "--json");
        JsonNode levels = m.get("levels");
        assertEquals(0, levels.get(0).get("file_count").asInt());
        List<JsonNode> files = new ArrayList<>();
        int populated = 0;
        for (JsonNode level : levels) {
            level.get("files").forEach(files::add);
            populated += level.get("file_count").asInt() > 0 ? 1 : 0;
        }
        assertEquals(1, populated, "compactRange moved everything to one level");
        assertKey(files.get(0).get("smallest"), "default", "a00");
        assertKey(files.get(files.size() - 1).get("largest"), "write", "w49");
        assertEquals(150, files.stream().mapToLong(f -> f.get("entries").asLong()).sum());

        JsonNode s = json("stats", "--workdir", store.toString(), "--json");
        assertEquals(List.of("entries", "sst_entries", "wal_entries", "last_version", "safe_point", "levels", "compaction",
                "wal", "value_log", "regions", "live"), fields(s));
        assertEquals(153, s.get("entries").asLong());
        assertEquals(150, s.get("sst_entries").asLong());
        assertEquals(3, s.get("wal_entries").asLong());
        assertEquals(List.of("level", "files", "bytes", "entries", "tombstones", "score"), fields(s.get("levels").get(0)));
        assertEquals(List.of("backlog_bytes", "max_score"), fields(s.get("compaction")));
        assertTrue(s.get("compaction").get("max_score").isNumber());
        JsonNode wal = s.get("wal");
        assertEquals(List.of("active_segment", "active_size", "segments", "bytes", "checkpoint", "obsolete_segments",
                "records", "torn_tail_bytes", "problem"), fields(wal));
        assertEquals(3, wal.get("records").asLong(), "three single-op writes, one record each");
        assertEquals(0, wal.get("torn_tail_bytes").asLong());
        assertTrue(wal.get("active_size").asLong() > 0 && wal.get("bytes").asLong() >= wal.get("active_size").asLong());
        assertEquals(List.of("total", "new", "running", "removing", "tombstone"), fields(s.get("regions")));
        assertEquals(0, s.get("regions").get("total").asInt());

        JsonNode live = s.get("live");
        assertEquals(List.of("written_at", "age_seconds", "pid", "stats"), fields(live));
        assertTrue(live.get("written_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), live.toString());
        assertTrue(live.get("age_seconds").asLong() < 600);
        assertEquals(ProcessHandle.current().pid(), live.get("pid").asLong(), "the store was closed by this JVM");
        JsonNode liveStats = live.get("stats");
        assertEquals(3, liveStats.get("column_families").size());
        assertEquals(List.of("cf", "reads", "writes", "bytes_read", "bytes_written"), fields(liveStats.get("column_families").get(0)));
        assertEquals("default", liveStats.get("column_families").get(0).get("cf").asText());
        assertEquals(2, liveStats.get("column_families").get(0).get("writes").asLong(), "this session's default-cf writes");
        assertEquals(1, liveStats.get("column_families").get(1).get("writes").asLong());
        assertTrue(liveStats.get("block_cache_hits").isIntegralNumber() && liveStats.get("write_stalls").isIntegralNumber());
        assertTrue(liveStats.get("hot_read_keys").isArray() && liveStats.get("hot_write_keys").isArray());

        CliRun text = CliRun.nokv("stats", "--workdir", store.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("Live figures \\(STATS written .*Z, \\d+ s ago by pid \\d+\\):")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches(" +default +0 +2 +0 +\\d+")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches(" +BlockCache\\.HitRate +\\d\\.\\d\\d +\\(hits=\\d+ misses=\\d+\\)")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("Entries +153 +\\(sst=150 wal=3\\)")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("WAL\\.Records +3 .*")), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches(" +L0 +0 +0 +0 +0 +0\\.00")), text.out());
    }

    @Test
    void hotKeysOfTheLastSessionAndNoStatsFile() throws Exception {
        try (DB db = NoKV.open(Options.at(store).hotKeySampleEvery(1))) {
            for (int i = 0; i < 30; i++) {
                db.get("hot-key".getBytes());
                db.get(key("a", i));
                db.put(ColumnFamily.LOCK, new byte[] {(byte) 0xff, 1}, 10 + i, "v".getBytes());
            }
        }
        JsonNode live = json("stats", "--workdir", store.toString(), "--json").get("live").get("stats");
        JsonNode hotRead = live.get("hot_read_keys").get(0);
        assertEquals(List.of("cf", "key", "count"), fields(hotRead));
        assertEquals("default", hotRead.get("cf").asText());
        assertEquals("hot-key", hotRead.get("key").asText());
        assertEquals(30, hotRead.get("count").asLong());
        assertEquals("hex:ff01", live.get("hot_write_keys").get(0).get("key").asText());
        CliRun text = CliRun.nokv("stats", "--workdir", store.toString());
        assertTrue(text.out().contains("HotKeys.Read:\n  - default:\"hot-key\"  count=30\n"), text.out());
        assertTrue(text.out().contains("HotKeys.Write:\n  - lock:\"hex:ff01\"  count=30\n"), text.out());

        Path quiet = dir.resolve("quiet");
        NoKV.open(Options.at(quiet).statsFileIntervalMs(0)).close();
        assertTrue(json("stats", "--workdir", quiet.toString(), "--json").get("live").isNull());
        assertTrue(CliRun.nokv("stats", "--workdir", quiet.toString()).out()
                .contains("Live figures: (none: the store has not written STATS)"));
    }

    @Test
    void tornWalTailIsReportedAndLeftAlone() throws Exception {
        try (DB db = NoKV.open(Options.at(store))) {
            db.put("x".getBytes(), "v".getBytes());
        }
        JsonNode before = json("stats", "--workdir", store.toString(), "--json").get("wal");
        Path segment = store.resolve("wal").resolve(String.format("%08d.log", before.get("active_segment").asLong()));
        Files.write(segment, new byte[] {1, 2, 3, 4, 5}, java.nio.file.StandardOpenOption.APPEND); // half an append
        long size = Files.size(segment);
        CliRun r = CliRun.nokv("stats", "--workdir", store.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode wal = JSON.readTree(r.out()).get("wal");
        assertEquals(5, wal.get("torn_tail_bytes").asLong());
        assertEquals(1, wal.get("records").asLong());
        assertEquals(size, Files.size(segment), "the inspector repairs nothing");
    }

    @Test
    void statsVerifyListsWhatOpenWouldRefuseAndExitsNonZero() throws Exception {
        CliRun healthy = CliRun.nokv("stats", "--workdir", store.toString(), "--verify");
        assertEquals(0, healthy.code(), healthy.err());
        assertTrue(healthy.out().startsWith("verify: ok"), healthy.out());

        Path sst;
        try (var s = Files.list(store)) {
            sst = s.filter(p -> p.getFileName().toString().endsWith(".sst")).sorted().findFirst().orElseThrow();
        }
        Files.delete(sst);
        long newest;
        try (var s = Files.list(store.resolve("wal"))) {
            newest = s.mapToLong(p -> Long.parseLong(p.getFileName().toString().replace(".log", ""))).max().orElseThrow();
        }
        Path afterGap = store.resolve("wal").resolve(String.format("%08d.log", newest + 2)); // segment newest+1 "lost"
        Files.write(afterGap, new byte[0]);

        CliRun plain = CliRun.nokv("stats", "--workdir", store.toString());
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.out().contains("(unreadable: WAL segment") && plain.out().contains("run with --verify"), plain.out());
        assertTrue(json("stats", "--workdir", store.toString(), "--json").get("wal").get("problem").asText()
                .contains(String.format("%08d.log", newest + 1)));

        CliRun r = CliRun.nokv("stats", "--workdir", store.toString(), "--verify");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains(sst.getFileName().toString()) && r.err().contains("missing"), r.err());
        assertTrue(r.err().contains(String.format("%08d.log", newest + 1)), r.err());
        assertTrue(r.err().contains("2 problem(s)"), r.err());
    }

    @Test
    void aGarbageOrEmptyStatsFileDoesNotFailStats() throws Exception {
        for (byte[] content : List.of(new byte[0], "{not json".getBytes(), "{\"format\": 7}".getBytes())) {
            Files.write(store.resolve("STATS"), content);
            CliRun text = CliRun.nokv("stats", "--workdir", store.toString());
            assertEquals(0, text.code(), text.err());
            assertTrue(text.out().contains("Live figures: (none: "), text.out());
            JsonNode live = json("stats", "--workdir", store.toString(), "--json").get("live");
            assertTrue(live.get("error").asText().contains("STATS"), live.toString());
        }
    }

    @Test
    void manifestText() {
        CliRun r = CliRun.nokv("manifest", "--workdir", store.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).matches("Manifest {8}: MANIFEST-\\d+"), lines.get(0));
        assertTrue(lines.contains("Last version    : 150"), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("- L0 files=2 bytes=\\d+ ids=\\[\\d+ \\d+]")), r.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches(" {4}\\d{6}\\.sst +\\d+ +B +entries=100 +tombstones=0 +versions=1\\.\\.100 +"
                + "default:\"a00\"@\\d+ \\.\\. write:\"w49\"@\\d+")), r.out());
        assertTrue(lines.contains("- L1 files=0 bytes=0 ids=[]"), r.out());
    }

    @Test
    void notAStoreIsAOneLineError() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        for (String cmd : List.of("stats", "manifest", "vlog")) {
            for (Path target : List.of(dir, dir.resolve("missing"))) {
                CliRun r = CliRun.nokv(cmd, "--workdir", target.toString());
                assertEquals(1, r.code(), cmd);
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().startsWith("nokv " + cmd + ": ") && r.err().contains("not a NoKV store"), r.err());
                assertEquals("", r.out());
            }
        }
    }
}
