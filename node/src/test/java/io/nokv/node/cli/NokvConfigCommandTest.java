package io.nokv.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NokvConfigCommandTest {
    static final String EXAMPLE = Path.of(System.getProperty("nokv.root", "..")).resolve("raft_config.example.json").toString();

    @TempDir
    Path dir;

    private static String ok(String... args) {
        CliRun r = CliRun.config(args);
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        return r.out();
    }

    private static void assertFails(CliRun r, String sub, String fragment) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("nokv-config " + sub + ": "), r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void storesSimple() {
        assertEquals("""
                1 127.0.0.1:20170 127.0.0.1:20170 0.0.0.0:20160 nokv-node1:20160
                2 127.0.0.1:20171 127.0.0.1:20171 0.0.0.0:20160 nokv-node2:20160
                3 127.0.0.1:20172 127.0.0.1:20172 0.0.0.0:20160 nokv-node3:20160
                """, ok("stores", "--config", EXAMPLE));
    }

    @Test
    void storesJson() {
        assertEquals("[{\"store_id\":1,\"listen_addr\":\"127.0.0.1:20170\",\"addr\":\"127.0.0.1:20170\",\"docker_listen_addr\":\"0.0.0.0:20160\",\"docker_addr\":\"nokv-node1:20160\"},"
                + "{\"store_id\":2,\"listen_addr\":\"127.0.0.1:20171\",\"addr\":\"127.0.0.1:20171\",\"docker_listen_addr\":\"0.0.0.0:20160\",\"docker_addr\":\"nokv-node2:20160\"},"
                + "{\"store_id\":3,\"listen_addr\":\"127.0.0.1:20172\",\"addr\":\"127.0.0.1:20172\",\"docker_listen_addr\":\"0.0.0.0:20160\",\"docker_addr\":\"nokv-node3:20160\"}]\n",
                ok("stores", "--config", EXAMPLE, "--format", "JSON"));
    }

    @Test
    void regionsSimple() {
        assertEquals("""
                1 - m 1 1 1:101,2:201,3:301 1
                2 m - 1 1 1:102,2:202,3:302 2
                """, ok("regions", "--config", EXAMPLE, "--format", "simple"));
    }

    @Test
    void regionsJson() {
        assertEquals("[{\"id\":1,\"start_key\":\"\",\"end_key\":\"m\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":101},{\"store_id\":2,\"peer_id\":201},{\"store_id\":3,\"peer_id\":301}],\"leader_store_id\":1},"
                + "{\"id\":2,\"start_key\":\"m\",\"end_key\":\"\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":102},{\"store_id\":2,\"peer_id\":202},{\"store_id\":3,\"peer_id\":302}],\"leader_store_id\":2}]\n",
                ok("regions", "--config", EXAMPLE, "--format", "json"));
    }

    @Test
    void tsoBothFormats() {
        assertEquals("127.0.0.1:9494 http://127.0.0.1:9494\n", ok("tso", "--config", EXAMPLE));
        assertEquals("{\"listen_addr\":\"127.0.0.1:9494\",\"advertise_url\":\"http://127.0.0.1:9494\"}\n",
                ok("tso", "--config", EXAMPLE, "--format", "json"));
    }

    @Test
    void sparseStoreAndHexKeysPrintDashesAndHex() throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, """
                {"stores": [{"store_id": 4, "addr": "10.0.0.4:20160"}],
                 "regions": [
                   {"id": 8, "start_key": "", "end_key": "hex:00ff", "epoch": {"version": 2, "conf_version": 1},
                    "peers": [{"store_id": 4, "peer_id": 41}]},
                   {"id": 9, "start_key": "hex:00ff", "epoch": {"version": 2, "conf_version": 1},
                    "peers": [{"store_id": 4, "peer_id": 42}], "leader_store_id": 4}]}
                """);
        assertEquals("4 10.0.0.4:20160 10.0.0.4:20160 10.0.0.4:20160 10.0.0.4:20160\n", ok("stores", "--config", f.toString()));
        assertEquals("8 - hex:00ff 2 1 4:41 -\n9 hex:00ff - 2 1 4:42 4\n", ok("regions", "--config", f.toString()));
        assertFails(CliRun.config("tso", "--config", f.toString()), "tso", "tso block missing from configuration");
    }

    @Test
    void configErrorsAreOneLineExitOne() {
        assertFails(CliRun.config("stores", "--config", dir.resolve("none.json").toString()), "stores", "not found");
        assertFails(CliRun.config("regions", "--config", EXAMPLE, "--format", "yaml"), "regions", "unknown format \"yaml\"");
    }

    @Test
    void invalidConfigIsReported() throws IOException {
        Path f = dir.resolve("c.json");
        Files.writeString(f, Files.readString(Path.of(EXAMPLE)).replace("\"store_id\": 3, \"peer_id\": 301", "\"store_id\": 7, \"peer_id\": 301"));
        assertFails(CliRun.config("regions", "--config", f.toString()), "regions", "unknown store 7");
    }

    @Test
    void defaultConfigIsInTheWorkingDirectory() {
        CliRun r = CliRun.config("stores");
        // the test runs in node/, which has no raft_config.example.json
        assertFails(r, "stores", "raft_config.example.json");
    }

    @Test
    void badFlagsExitTwoWithUsage() {
        CliRun r = CliRun.config("stores", "--bogus");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Usage: nokv-config stores"), r.err());
    }

    @Test
    void noSubcommandPrintsUsageAndExitsOne() {
        CliRun r = CliRun.config();
        assertEquals(1, r.code());
        assertTrue(r.out().contains("Usage: nokv-config") && r.out().contains("manifest"), r.out());
    }

    @Test
    void helpEverywhere() {
        for (String sub : new String[] {"stores", "regions", "tso", "manifest"}) {
            CliRun r = CliRun.config(sub, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: nokv-config " + sub), r.out());
        }
    }
}
