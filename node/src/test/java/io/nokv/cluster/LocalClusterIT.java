package io.nokv.cluster;

import io.nokv.node.FileTree;
import io.nokv.client.NokvClient;
import io.nokv.client.NokvException;
import io.nokv.client.Transaction;
import io.nokv.testkit.ChildProcess;
import io.nokv.testkit.TestPorts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster helpers as a user runs them: {@code ./jbang run-local-cluster} and friends as real
 * processes on a config with free loopback ports. The tests share one config and workdir and run
 * in order (each cluster start costs most of a minute on two cores, so checks share starts): start
 * and write, stop with SIGINT; restart and find the data, kill -9 everything under a write load,
 * restart and find every committed transaction, stop with SIGTERM; then the by-hand path
 * (bootstrap-from-config + serve-from-config) and bad input.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterIT {
    static final Duration START = Duration.ofMinutes(5);

    @TempDir
    static Path dir;
    static Path config;
    static Path work;

    @BeforeAll
    static void writeConfig() throws Exception {
        config = writeConfig(dir.resolve("raft_config.json"), 3);
        work = dir.resolve("cluster");
    }

    /** The example topology (3 stores, regions [-, "m") and ["m", -)) on free ports; region 2's last peer on {@code lastPeerStore}. */
    static Path writeConfig(Path file, long lastPeerStore) throws Exception {
        int tso = TestPorts.free();
        StringBuilder stores = new StringBuilder();
        for (int s = 1; s <= 3; s++) {
            String addr = "127.0.0.1:" + TestPorts.free();
            stores.append(s == 1 ? "" : ",").append("{\"store_id\":").append(s).append(",\"listen_addr\":\"").append(addr)
                    .append("\",\"addr\":\"").append(addr).append("\",\"raft_addr\":\"127.0.0.1:").append(TestPorts.free()).append("\"}");
        }
        String json = "{\"max_retries\":5,\"tso\":{\"listen_addr\":\"127.0.0.1:" + tso + "\",\"advertise_url\":\"http://127.0.0.1:" + tso
                + "\"},\"stores\":[" + stores + "],\"regions\":["
                + "{\"id\":1,\"start_key\":\"\",\"end_key\":\"m\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":101},{\"store_id\":2,\"peer_id\":201},{\"store_id\":3,\"peer_id\":301}],\"leader_store_id\":1},"
                + "{\"id\":2,\"start_key\":\"m\",\"end_key\":\"\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":102},{\"store_id\":2,\"peer_id\":202},{\"store_id\":" + lastPeerStore
                + ",\"peer_id\":302}],\"leader_store_id\":2}]}";
        Files.writeString(file, json);
        return file;
    }

    static ChildProcess startCluster() throws Exception {
        ChildProcess p = ChildProcess.jbang("run-local-cluster", "--config", config.toString(), "--workdir", work.toString(),
                "--no-raft-debug-log");
        try {
            p.awaitLine(l -> l.startsWith("Cluster running. TSO available at http://127.0.0.1:"), START);
            p.awaitLine(l -> l.equals("Press Ctrl+C to stop"), Duration.ofSeconds(30));
        } catch (AssertionError e) {
            p.close();
            throw e;
        }
        return p;
    }

    static void stop(ChildProcess p, String signal) throws Exception {
        p.signal(signal);
        int code = p.awaitExit(Duration.ofMinutes(2));
        assertEquals(0, code, p.output());
        assertTrue(p.output().contains("Shutting down..."), p.output());
    }

    @Test
    @Order(1)
    void runLocalClusterServesTransactionsAcrossBothRegionsAndStopsOnSigint() throws Exception {
        try (ChildProcess p = startCluster()) {
            String out = p.output();
            for (int s = 1; s <= 3; s++) {
                assertTrue(out.contains("Seeded store " + s + " at "), out);
                assertTrue(out.contains("  store " + s + ": 127.0.0.1:"), out);
            }
            try (NokvClient c = NokvClient.fromConfig(config)) {
                Transaction t = c.begin();
                t.put("apple", "red");
                t.put("zebra", "striped");
                t.commit();
                c.rawPut("raw-key", "raw-value");
                assertEquals("red", c.get("apple"));
                assertEquals("striped", c.get("zebra"));
                assertEquals(List.of("apple", "zebra"), c.scan("a", "", 10).stream().map(kv -> kv.keyString()).toList());

                // The README's JShell session, fed on stdin: the client at the prompt.
                String session = "var c = NokvClient.fromConfig(\"" + config + "\");\n"
                        + "System.out.println(\"GOT \" + c.get(\"zebra\"));\n"
                        + "var t = c.begin(); t.put(\"from-shell\", \"yes\"); t.commit();\n"
                        + "c.close();\n/exit\n";
                try (ChildProcess shell = ChildProcess.jbangWithInput(session, "shell")) {
                    assertEquals(0, shell.awaitExit(START), shell.output());
                    assertTrue(shell.output().contains("GOT striped"), shell.output());
                }
                assertEquals("yes", c.get("from-shell"));
            }
            stop(p, "INT");
        }
    }

    @Test
    @Order(3)
    void secondRunKeepsTheDataAndKillNineOfEverythingUnderAWriteLoadLosesNoCommittedTransaction() throws Exception {
        Set<Integer> committed = ConcurrentHashMap.newKeySet();
        AtomicBoolean running = new AtomicBoolean(true);
        try (ChildProcess p = startCluster(); NokvClient c = NokvClient.fromConfig(config)) {
            for (int s = 1; s <= 3; s++) {
                assertTrue(p.output().contains("Store " + s + " already bootstrapped; skipping manifest seeding"), p.output());
            }
            assertEquals("red", c.get("apple"), "committed before the SIGINT of the first run");
            assertEquals("striped", c.get("zebra"));
            assertEquals("raw-value", c.rawGet("raw-key"));
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int id = w;
                Thread t = new Thread(() -> {
                    for (int n = id; running.get(); n += 4) {
                        try {
                            Transaction txn = c.begin();
                            txn.put("load-" + n, Integer.toString(n));   // region 1
                            txn.put("zload-" + n, Integer.toString(n));  // region 2
                            txn.commit();
                            committed.add(n);
                        } catch (NokvException e) {
                            // after the kill: outcome unknown, not counted
                        }
                    }
                }, "writer-" + w);
                t.start();
                writers.add(t);
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (committed.size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(committed.size() >= 40, "only " + committed.size() + " commits in 2 minutes");
            assertTrue(p.descendants().size() >= 4, "the TSO and three stores are children: " + p.descendants());
            p.killTree();
            running.set(false);
            for (Thread t : writers) {
                t.join(120_000);
            }
        }
        assertTrue(Files.exists(work.resolve("store-1").resolve("CURRENT")));
        try (ChildProcess p = startCluster(); NokvClient c = NokvClient.fromConfig(config)) {
            assertTrue(p.output().contains("Store 1 already bootstrapped; skipping manifest seeding"), p.output());
            for (int n : committed) {
                assertEquals(Integer.toString(n), c.get("load-" + n), "load-" + n);
                assertEquals(Integer.toString(n), c.get("zload-" + n), "zload-" + n);
            }
            assertEquals("red", c.get("apple"));
            stop(p, "TERM");
        }
    }

    @Test
    @Order(4)
    void bootstrapThenServeFromConfigByHandGivesTheSameCluster() throws Exception {
        Path byHand = dir.resolve("by-hand");
        String template = byHand.resolve("store-{id}").toString();
        ChildProcess.Result boot = ChildProcess.run(START, "bootstrap-from-config", "--config", config.toString(),
                "--path-template", template);
        assertEquals(0, boot.code(), boot.output());
        for (int s = 1; s <= 3; s++) {
            assertTrue(boot.output().contains("bootstrapped store " + s + " at " + byHand.resolve("store-" + s)), boot.output());
        }
        ChildProcess.Result again = ChildProcess.run(START, "bootstrap-from-config", "--config", config.toString(),
                "--path-template", template);
        assertTrue(again.output().contains("Store 2 already bootstrapped; skipping"), again.output());

        String tsoAddr = Files.readString(config).replaceAll("(?s).*\"listen_addr\":\"(127\\.0\\.0\\.1:\\d+)\",\"advertise_url\".*", "$1");
        List<ChildProcess> procs = new ArrayList<>();
        try {
            procs.add(ChildProcess.jbang("nokv-tso", "--addr", tsoAddr, "--data-dir", byHand.resolve("tso").toString()));
            for (int s = 1; s <= 3; s++) {
                procs.add(ChildProcess.jbang("serve-from-config", "--config", config.toString(), "--store-id", Integer.toString(s),
                        "--workdir", byHand.resolve("store-" + s).toString()));
            }
            // The first transaction asks the TSO for a timestamp: wait for it too, not only the stores.
            procs.get(0).awaitLine(l -> l.startsWith("TSO service listening on"), START);
            for (ChildProcess p : procs.subList(1, procs.size())) {
                p.awaitLine(l -> l.startsWith("TinyKv service listening on"), START);
            }
            try (NokvClient c = NokvClient.fromConfig(config)) {
                Transaction t = c.begin();
                t.put("hand-a", "1");
                t.put("zhand-b", "2");
                t.commit();
                assertEquals("1", c.get("hand-a"));
                assertEquals("2", c.get("zhand-b"));
                assertEquals(null, c.get("apple"), "a different data root");
            }
            for (ChildProcess p : procs) {
                p.signal("TERM");
            }
            for (ChildProcess p : procs) {
                assertEquals(0, p.awaitExit(Duration.ofMinutes(1)), p.output());
            }
        } finally {
            procs.forEach(ChildProcess::close);
        }

        // A store with data that lost CURRENT: seeding it again (as run-local-cluster does at every
        // start) would create an empty store over it and the next open would delete the old files.
        Path store1 = byHand.resolve("store-1");
        Files.delete(store1.resolve("CURRENT"));
        Map<String, Long> before = FileTree.sizes(store1);
        ChildProcess.Result refused = ChildProcess.run(START, "bootstrap-from-config", "--config", config.toString(),
                "--path-template", template);
        check(refused, "bootstrap-from-config: ", store1 + " has no CURRENT but holds store files (MANIFEST-");
        assertTrue(refused.output().contains("refusing, nothing was changed"), refused.output());
        assertEquals(before, FileTree.sizes(store1), "nothing created, moved or deleted");
        refused = ChildProcess.run(START, "run-local-cluster", "--config", config.toString(), "--workdir", byHand.toString());
        check(refused, "run-local-cluster: ", store1 + " has no CURRENT but holds store files");
        assertEquals(before, FileTree.sizes(store1), "nothing created, moved or deleted");
    }

    @Test
    @Order(5)
    void badInputIsOneLineAndANonZeroExit() throws Exception {
        Path unknownStore = writeConfig(dir.resolve("unknown-store.json"), 9);
        check(ChildProcess.run(START, "run-local-cluster", "--config", dir.resolve("missing.json").toString(),
                "--workdir", dir.resolve("w1").toString()), "run-local-cluster: ", "config file not found");
        check(ChildProcess.run(START, "run-local-cluster", "--config", unknownStore.toString(),
                "--workdir", dir.resolve("w2").toString()), "run-local-cluster: ", "9");
        check(ChildProcess.run(START, "bootstrap-from-config", "--config", config.toString(),
                "--path-template", dir.resolve("no-id").toString()), "bootstrap-from-config: ", "must contain {id}");
        check(ChildProcess.run(START, "serve-from-config", "--config", config.toString(), "--store-id", "7",
                "--workdir", dir.resolve("w3").toString()), "serve-from-config: ", "store 7 is not in");
        assertTrue(Files.notExists(dir.resolve("w2").resolve("store-1")), "nothing seeded from a bad config");
    }

    private static void check(ChildProcess.Result r, String prefix, String mention) {
        assertTrue(r.code() != 0, "exit code 0 for bad input:\n" + r.output());
        List<String> lines = r.output().lines().filter(l -> !l.startsWith("[jbang]") && !l.isBlank())
                .filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS:")) // the JVM's notice, not the helper's output
                .toList();
        assertEquals(1, lines.size(), "want one line, got:\n" + r.output());
        assertTrue(lines.get(0).startsWith(prefix) && lines.get(0).contains(mention), r.output());
    }
}
