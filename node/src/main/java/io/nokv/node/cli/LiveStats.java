package io.nokv.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nokv.engine.statsfile.StatsFile;
import io.nokv.node.config.Keys;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures only a running store knows, from the {@code STATS} file it rewrites periodically and
 * at close ({@link StatsFile}): shown by {@code nokv stats} with their age. Hot-key keys are turned
 * from hex into the {@link Keys} convention.
 */
final class LiveStats {
    private LiveStats() {
    }

    /**
     * The {@code live} member of {@code nokv stats --json}, or null when the store never wrote
     * STATS. The file is only informational: one that cannot be read or parsed gives
     * {@code {"error": "<why>"}} instead of failing the command.
     */
    static Map<String, Object> read(Path storeDir, long nowMillis) {
        Path file = storeDir.resolve(StatsFile.NAME);
        JsonNode root;
        try {
            root = Cli.JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return unreadable(file + " cannot be read: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || root.path("format").asInt() != 1 || !root.path("stats").isObject()) {
            return unreadable(file + " is not a format-1 STATS file");
        }
        ObjectNode stats = (ObjectNode) root.get("stats");
        for (String list : new String[] {"hot_read_keys", "hot_write_keys"}) {
            for (JsonNode k : stats.path(list)) {
                byte[] key = HexFormat.of().parseHex(k.path("key").asText());
                ((ObjectNode) k).put("key", key.length == 0 ? "" : Keys.format(key));
            }
        }
        long written = root.path("written_at_ms").asLong();
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("written_at", Instant.ofEpochMilli(written).toString());
        live.put("age_seconds", Math.max(0, (nowMillis - written) / 1000));
        live.put("pid", root.path("pid").asLong());
        live.put("stats", stats);
        return live;
    }

    private static Map<String, Object> unreadable(String why) {
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("error", why);
        return live;
    }

    static void printText(Map<String, Object> live, PrintWriter out) {
        if (live == null) {
            out.println("Live figures: (none: the store has not written " + StatsFile.NAME + ")");
            return;
        }
        if (live.containsKey("error")) {
            out.println("Live figures: (none: " + live.get("error") + ")");
            return;
        }
        JsonNode s = (JsonNode) live.get("stats");
        out.println("Live figures (" + StatsFile.NAME + " written " + live.get("written_at") + ", " + live.get("age_seconds")
                + " s ago by pid " + live.get("pid") + "):");
        long hits = s.path("block_cache_hits").asLong();
        long misses = s.path("block_cache_misses").asLong();
        long checks = s.path("bloom_checks").asLong();
        new TextTable()
                .row("Memtable.Bytes", s.path("memtable_bytes").asLong(), "(immutables=" + s.path("immutable_memtables").asInt() + ")")
                .row("Flush.Runs", s.path("flush_runs").asLong(), "(last=" + s.path("flush_last_ms").asLong() + "ms max="
                        + s.path("flush_max_ms").asLong() + "ms pending=" + s.path("flush_pending").asInt() + ")")
                .row("Compaction.Runs", s.path("compaction_runs").asLong(), "(last=" + s.path("compaction_last_ms").asLong()
                        + "ms max=" + s.path("compaction_max_ms").asLong() + "ms)")
                .row("Compaction.Backlog", s.path("compaction_backlog").asLong(), "bytes (max score "
                        + String.format(Locale.ROOT, "%.2f", s.path("compaction_max_score").asDouble()) + ")")
                .row("WriteStalls", s.path("write_stalls").asLong(), "(" + s.path("write_stall_ms").asLong() + " ms)")
                .row("BlockCache.HitRate", ratio(hits, hits + misses), "(hits=" + hits + " misses=" + misses + ")")
                .row("Bloom.UsefulRate", ratio(s.path("bloom_negatives").asLong(), checks), "(checks=" + checks + ")")
                .row("ValueLog.GcRuns", s.path("vlog").path("gc_runs").asLong(), "(reclaimed=" + s.path("vlog").path("gc_bytes_reclaimed").asLong()
                        + " bytes, segments deleted=" + s.path("vlog").path("gc_segments_deleted").asLong() + ", values moved="
                        + s.path("vlog").path("gc_values_moved").asLong() + ")")
                .print(out, "  ");
        out.println("ColumnFamilies:");
        TextTable cfs = new TextTable().row("name", "reads", "writes", "bytes_read", "bytes_written");
        for (JsonNode cf : s.path("column_families")) {
            cfs.row(cf.path("cf").asText(), cf.path("reads").asLong(), cf.path("writes").asLong(),
                    cf.path("bytes_read").asLong(), cf.path("bytes_written").asLong());
        }
        cfs.print(out, "  ");
        hotKeys("HotKeys.Read:", s.path("hot_read_keys"), out);
        hotKeys("HotKeys.Write:", s.path("hot_write_keys"), out);
    }

    private static void hotKeys(String title, JsonNode keys, PrintWriter out) {
        if (keys.isEmpty()) {
            out.println(title + " (none)");
            return;
        }
        out.println(title);
        TextTable t = new TextTable();
        for (JsonNode k : keys) {
            t.row("- " + k.path("cf").asText() + ":" + Cli.quoted(k.path("key").asText()), "count=" + k.path("count").asLong());
        }
        t.print(out, "  ");
    }

    private static double ratio(long part, long total) {
        return total == 0 ? 0.0 : (double) part / total;
    }
}
