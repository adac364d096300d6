package io.nokv.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import io.nokv.testkit.ChildProcess;
import io.nokv.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inspectors read a store that another process holds open, and leave that process's lock intact. */
class InspectLiveStoreTest {
    @TempDir
    Path dir;

    @Test
    void inspectorsWorkOnALiveStoreAndKeepItsLock() throws Exception {
        Path store = dir.resolve("live");
        try (ChildProcess child = ChildProcess.javaMain(List.of(), HoldStoreWriting.class.getName(), store.toString()).stderrApart().start()) {
            assertEquals("ready", child.awaitLine(l -> true, Duration.ofSeconds(60)), "child did not open the store");

            JsonNode stats = InspectCommandsTest.json("stats", "--workdir", store.toString(), "--json");
            assertEquals(100, stats.get("sst_entries").asLong());
            assertEquals(7, stats.get("wal_entries").asLong(), "the unflushed writes are in the live WAL");
            assertEquals(1, stats.get("levels").get(0).get("files").asInt());
            JsonNode manifest = InspectCommandsTest.json("manifest", "--workdir", store.toString(), "--json");
            assertEquals(1, manifest.get("levels").get(0).get("file_count").asInt());
            InspectCommandsTest.assertKey(manifest.get("levels").get(0).get("files").get(0).get("smallest"), "default", "key000");
            AtomicReference<JsonNode> seen = new AtomicReference<>(stats.get("live"));
            Poll.until("the live store to write its STATS", Duration.ofSeconds(30), () -> {
                JsonNode l = seen.get();
                if (!l.isNull() && l.get("stats").get("column_families").get(0).get("reads").asLong() >= 5) {
                    return true;
                }
                try {
                    seen.set(InspectCommandsTest.json("stats", "--workdir", store.toString(), "--json").get("live"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return false;
            });
            JsonNode live = seen.get();
            assertEquals(child.pid(), live.get("pid").asLong());
            assertEquals(107, live.get("stats").get("column_families").get(0).get("writes").asLong());
            assertEquals("key042", live.get("stats").get("hot_read_keys").get(0).get("key").asText());
            for (List<String> args : List.of(List.of("stats"), List.of("manifest"), List.of("vlog"))) {
                CliRun text = CliRun.nokv(args.get(0), "--workdir", store.toString());
                assertEquals(0, text.code(), text.err());
            }

            NoKVException locked = assertThrows(NoKVException.class, () -> NoKV.open(Options.at(store)).close(),
                    "the owner's lock must survive the inspectors");
            assertTrue(locked.getMessage().contains("locked"), locked.getMessage());

            child.closeInput();
            assertEquals(0, child.awaitExit(Duration.ofSeconds(30)), child.output());
        }
        NoKV.open(Options.at(store)).close();
    }
}
