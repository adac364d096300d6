package io.nokv.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.nokv.engine.NoKV;
import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldStoreWriting.class.getName(), store.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BufferedReader childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return childOut.readLine();
                } catch (java.io.IOException e) {
                    return "io error: " + e;
                }
            }).get(60, TimeUnit.SECONDS);
            assertEquals("ready", line, "child did not open the store");

            JsonNode stats = InspectCommandsTest.json("stats", "--workdir", store.toString(), "--json");
            assertEquals(100, stats.get("sst_entries").asLong());
            assertEquals(7, stats.get("wal_entries").asLong(), "the unflushed writes are in the live WAL");
            assertEquals(1, stats.get("levels").get(0).get("files").asInt());
            JsonNode manifest = InspectCommandsTest.json("manifest", "--workdir", store.toString(), "--json");
            assertEquals(1, manifest.get("levels").get(0).get("file_count").asInt());
            InspectCommandsTest.assertKey(manifest.get("levels").get(0).get("files").get(0).get("smallest"), "default", "key000");
            long deadline = System.nanoTime() + 30_000_000_000L;
            JsonNode live = stats.get("live");
            while (live.isNull() || live.get("stats").get("column_families").get(0).get("reads").asLong() < 5) {
                assertTrue(System.nanoTime() < deadline, "the live store never wrote its STATS: " + live);
                Thread.sleep(20);
                live = InspectCommandsTest.json("stats", "--workdir", store.toString(), "--json").get("live");
            }
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
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertEquals(0, child.exitValue());
        NoKV.open(Options.at(store)).close();
    }
}
