package io.nokv.node.cli;

import io.nokv.testkit.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nokv-config manifest} seeding, read back by {@code nokv regions}. */
class NokvRegionsCommandTest {
    @TempDir
    Path dir;

    private String store() {
        return dir.resolve("store-1").toString();
    }

    private void seed(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "manifest";
        full[1] = "--workdir";
        full[2] = store();
        System.arraycopy(args, 0, full, 3, args.length);
        CliRun r = CliRun.config(full);
        assertEquals(0, r.code(), r.err());
        assertEquals("logged region " + args[1] + " to " + store() + "\n", r.out());
    }

    @Test
    void seededRegionsAreListedSortedAsTextAndJson() {
        seed("--region-id", "2", "--start-key", "m", "--peer", "1:102", "--peer", "2:202", "--state", "tombstone");
        seed("--region-id", "1", "--end-key", "m", "--peer", "1:101", "--peer", "2:201", "--peer", "3:301");
        CliRun text = CliRun.nokv("regions", "--workdir", store());
        assertEquals(0, text.code(), text.err());
        assertEquals("""
                Regions:
                - id=1 state=running epoch={ver:1 conf:3} range=[-inf,"m") peers=[{store:1 peer:101} {store:2 peer:201} {store:3 peer:301}]
                - id=2 state=tombstone epoch={ver:1 conf:2} range=["m",+inf) peers=[{store:1 peer:102} {store:2 peer:202}]
                """, text.out());
        CliRun json = CliRun.nokv("regions", "--workdir", store(), "--json");
        assertEquals(0, json.code(), json.err());
        assertEquals("{\"regions\":["
                + "{\"id\":1,\"start_key\":\"\",\"end_key\":\"m\",\"epoch\":{\"version\":1,\"conf_version\":3},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":101},{\"store_id\":2,\"peer_id\":201},{\"store_id\":3,\"peer_id\":301}],\"state\":\"running\"},"
                + "{\"id\":2,\"start_key\":\"m\",\"end_key\":\"\",\"epoch\":{\"version\":1,\"conf_version\":2},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":102},{\"store_id\":2,\"peer_id\":202}],\"state\":\"tombstone\"}]}\n", json.out());
    }

    @Test
    void seedingTwiceUpdates() {
        seed("--region-id", "5", "--peer", "1:51");
        seed("--region-id", "5", "--start-key", "hex:00ff", "--end-key", "a b", "--epoch-version", "3",
                "--epoch-conf-version", "9", "--peer", "1:51", "--peer", "2:52");
        CliRun text = CliRun.nokv("regions", "--workdir", store());
        assertEquals("""
                Regions:
                - id=5 state=running epoch={ver:3 conf:9} range=["hex:00ff","hex:612062") peers=[{store:1 peer:51} {store:2 peer:52}]
                """, text.out());
        assertTrue(CliRun.nokv("regions", "--workdir", store(), "--json").out()
                .contains("\"start_key\":\"hex:00ff\",\"end_key\":\"hex:612062\""));
    }

    @Test
    void emptyStore() throws Exception {
        seed("--region-id", "1", "--peer", "1:1");
        // a store whose only entry is something else still lists no regions
        Path other = dir.resolve("plain");
        try (var db = io.nokv.engine.NoKV.open(io.nokv.engine.Options.at(other))) {
            db.putMetadata("unrelated", new byte[] {1});
        }
        CliRun r = CliRun.nokv("regions", "--workdir", other.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("Regions: (none)\n", r.out());
        assertEquals("{\"regions\":[]}\n", CliRun.nokv("regions", "--workdir", other.toString(), "--json").out());
    }

    @Test
    void notAStoreIsAOneLineError() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        CliRun r = CliRun.nokv("regions", "--workdir", dir.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("nokv regions: ") && r.err().contains("not a NoKV store"), r.err());
    }

    @Test
    void manifestInputErrors() {
        String[][] cases = {
                {"--peer", "1x", "bad --peer \"1x\""},
                {"--peer", "1:0", "bad --peer \"1:0\""},
                {"--peer", "1:2", "--state", "removing", "unknown --state \"removing\""},
                {"--peer", "1:2", "--start-key", "hex:zz", "\"hex:zz\""},
                {"--peer", "1:2", "--start-key", "q", "--end-key", "b", "start key is not before end key"},
                {"--peer", "1:2", "--peer", "1:3", "distinct stores"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length + 2];
            args[0] = "manifest";
            args[1] = "--workdir=" + store();
            args[2] = "--region-id=4";
            System.arraycopy(c, 0, args, 3, c.length - 1);
            CliRun r = CliRun.config(args);
            assertEquals(1, r.code(), String.join(" ", args));
            assertTrue(r.err().startsWith("nokv-config manifest: ") && r.err().contains(c[c.length - 1]), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
        }
        assertTrue(Files.notExists(Path.of(store())), "nothing is created when the input is bad");
        assertEquals(1, CliRun.config("manifest", "--workdir", store(), "--region-id", "0", "--peer", "1:1").code());
        assertEquals(2, CliRun.config("manifest", "--workdir", store(), "--region-id", "4").code(), "--peer is required");
    }

    @Test
    void regionsWhileAnotherProcessHoldsTheStore() throws Exception {
        seed("--region-id", "1", "--end-key", "x", "--peer", "1:101");
        try (ChildProcess child = ChildProcess.javaMain(List.of(), HoldStoreOpen.class.getName(), store()).stderrApart().start()) {
            assertEquals("ready", child.awaitLine(l -> true, Duration.ofSeconds(60)), "child did not open the store");

            CliRun r = CliRun.nokv("regions", "--workdir", store());
            assertEquals(0, r.code(), r.err());
            assertEquals("""
                    Regions:
                    - id=1 state=running epoch={ver:1 conf:1} range=[-inf,"x") peers=[{store:1 peer:101}]
                    - id=9 state=running epoch={ver:4 conf:2} range=["x",+inf) peers=[{store:1 peer:901}]
                    """, r.out());

            CliRun seedLive = CliRun.config("manifest", "--workdir", store(), "--region-id", "3", "--peer", "1:3");
            assertEquals(1, seedLive.code());
            assertTrue(seedLive.err().contains("locked by another process"), seedLive.err());

            child.closeInput();
            assertEquals(0, child.awaitExit(Duration.ofSeconds(30)), child.output());
        }
    }
}
