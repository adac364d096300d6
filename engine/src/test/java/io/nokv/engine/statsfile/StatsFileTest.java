package io.nokv.engine.statsfile;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsFileTest {
    @TempDir
    Path dir;

    @Test
    void liveStoreRewritesStatsPeriodicallyAndAtClose() throws Exception {
        Path stats = dir.resolve(StatsFile.NAME);
        try (DB db = NoKV.open(Options.at(dir).statsFileIntervalMs(20).hotKeySampleEvery(1))) {
            db.put(ColumnFamily.WRITE, "hot\"key".getBytes(), "v".getBytes());
            db.put(ColumnFamily.WRITE, "hot\"key".getBytes(), "v".getBytes());
            Poll.until("STATS to show the writes", Duration.ofSeconds(10), () -> {
                try {
                    return Files.exists(stats) && Files.readString(stats).contains("\"writes\":2");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            db.get("absent".getBytes());
        }
        String json = Files.readString(stats);
        assertTrue(json.startsWith("{\"format\":1,\"written_at_ms\":"), json);
        assertTrue(json.contains("\"pid\":" + ProcessHandle.current().pid() + ",\"stats\":{\"entries\":"), json);
        assertTrue(json.contains("{\"cf\":\"default\",\"reads\":1,\"writes\":0,\"bytes_read\":6,\"bytes_written\":0}"),
                "the final write at close has the last read: " + json);
        assertTrue(json.contains("\"hot_write_keys\":[{\"cf\":\"write\",\"key\":\"686f74226b6579\",\"count\":2}]"), json);
        assertFalse(Files.exists(dir.resolve("STATS.tmp")));
    }

    @Test
    void offWritesNothing() {
        try (DB db = NoKV.open(Options.at(dir).statsFileIntervalMs(0))) {
            db.put("a".getBytes(), "b".getBytes());
        }
        assertFalse(Files.exists(dir.resolve(StatsFile.NAME)));
    }

    @Test
    void encodesRecordsListsAndStrings() {
        record Inner(String text, double ratio) {
        }
        record Outer(long someCount, List<Inner> items, byte[] raw, Map<Long, Double> ratios) {
        }
        assertEquals("{\"some_count\":3,\"items\":[{\"text\":\"a\\\"b\\\\\",\"ratio\":0.5}],\"raw\":\"00ff\","
                        + "\"ratios\":{\"2\":0.25,\"10\":1.0}}",
                StatsFile.encode(new Outer(3, List.of(new Inner("a\"b\\", 0.5)), new byte[] {0, (byte) 0xff},
                        Map.of(10L, 1.0, 2L, 0.25))));
    }
}
