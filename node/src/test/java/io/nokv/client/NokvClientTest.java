package io.nokv.client;

import io.nokv.node.kv.KvService;
import io.nokv.node.kv.KvTestCluster;
import io.nokv.node.raft.RaftTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client against three in-JVM stores (regions [-, "m") and ["m", -)) and an in-JVM TSO. One cluster for all tests; keys are per test. */
class NokvClientTest {
    @TempDir
    static Path dir;
    static KvTestCluster cluster;
    static NokvClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new KvTestCluster(dir, 1000, KvService.Limits.defaults());
        client = NokvClient.of(cluster.addrs(), cluster.tsoUrl);
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static List<String> keys(List<KvPair> pairs) {
        return pairs.stream().map(KvPair::keyString).toList();
    }

    @Test
    void rawApiAcrossBothRegions() {
        client.rawPut("raw-a", "1");
        client.rawPut("zraw-b", "2");
        assertEquals("1", client.rawGet("raw-a"));
        assertEquals("2", client.rawGet("zraw-b"));
        client.rawDelete("raw-a");
        assertNull(client.rawGet("raw-a"));

        Map<String, String> batch = new LinkedHashMap<>();
        for (String k : new String[] {"rs-k", "rs-l", "rs-l\u0000", "rs-lz", "rs-y"}) {
            batch.put(k, "v");
        }
        // Keys that extend each other and sit on both sides of "m" (region 1 ends there):
        // a scan must continue at the region end, not at "last key + 1 byte".
        batch.put("l", "v");
        batch.put("l\u0000x", "v");
        batch.put("m", "v");
        batch.put("m\u0000", "v");
        client.rawBatchPut(batch);
        assertEquals(List.of("l", "l\u0000x", "m", "m\u0000"), keys(client.rawScan("l", "m\u0001", 100)));
        assertEquals(List.of("l", "l\u0000x", "m"), keys(client.rawScan("l", "", 3)));
        assertEquals(List.of("rs-k", "rs-l", "rs-l\u0000", "rs-lz", "rs-y"), keys(client.rawScan("rs-", "rs-z", 10)));
    }

    @Test
    void oneTransactionSpansBothRegions() {
        Transaction t = client.begin();
        t.put("txa-apple", "red");
        t.put("txz-zebra", "striped");
        t.put("txb", "to be deleted");
        assertEquals("red", t.get("txa-apple"), "own writes are visible before commit");
        t.commit();
        assertTrue(t.commitTs() > t.startTs());

        Transaction t2 = client.begin();
        assertEquals("red", t2.get("txa-apple"));
        assertEquals("striped", t2.get("txz-zebra"));
        t2.delete("txb");
        t2.put("txc", "new");
        assertEquals(List.of("txa-apple", "txc", "txz-zebra"), keys(t2.scan("tx", "ty", 10)));
        t2.commit();
        assertEquals(List.of("txa-apple", "txc", "txz-zebra"), keys(client.scan("tx", "ty", 10)));
        assertEquals("striped", client.get("txz-zebra"));
    }

    @Test
    void snapshotReadsDoNotSeeLaterCommits() {
        Transaction w = client.begin();
        w.put("snap-k", "v1");
        w.commit();
        Transaction r = client.begin();
        Transaction w2 = client.begin();
        w2.put("snap-k", "v2");
        w2.commit();
        assertEquals("v1", r.get("snap-k"));
        assertEquals("v2", client.get("snap-k"));
    }

    @Test
    void writeWriteConflictSurfacesAsTheExceptionAndLeavesNothingBehind() {
        Transaction a = client.begin();
        Transaction b = client.begin();
        a.put("ww-k", "a");
        b.put("ww-k", "b");
        b.put("zz-ww-other", "b"); // a second region: its prewrite must be rolled back too
        a.commit();
        TxnConflictException e = assertThrows(TxnConflictException.class, b::commit);
        assertEquals("ww-k", new String(e.key(), StandardCharsets.UTF_8));
        assertEquals("a", client.get("ww-k"));
        long t0 = System.nanoTime();
        assertNull(client.get("zz-ww-other"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "the loser's lock was rolled back, not waited out");
        assertThrows(IllegalStateException.class, () -> b.put("x", "y"));
    }

    @Test
    void lockOfAWriterThatDiedBeforeCommittingIsRolledBackByAReader() {
        Transaction setup = client.begin();
        setup.put("dead-a", "old");
        setup.put("zdead-b", "old");
        setup.commit();
        try (NokvClient writer = NokvClient.of(cluster.addrs(), cluster.tsoUrl,
                ClientOptions.defaults().withLockTtl(Duration.ofMillis(300)))) {
            Transaction t = writer.begin();
            t.put("dead-a", "new");
            t.put("zdead-b", "new");
            t.crashAfterPrewrite();
        }
        assertEquals("old", client.get("zdead-b"), "a reader waits out the TTL, then rolls the writer back");
        assertEquals("old", client.get("dead-a"));
        Transaction next = client.begin();
        next.put("dead-a", "next");
        next.commit();
        assertEquals("next", client.get("dead-a"));
    }

    @Test
    void lockOfAWriterThatDiedAfterItsCommitPointIsCommittedByAReader() {
        Transaction t = client.begin();
        t.put("half-a", "new");      // primary (smallest key), region 1
        t.put("zhalf-b", "new");     // secondary, region 2: left locked
        t.crashAfterPrimaryCommit();
        long t0 = System.nanoTime();
        assertEquals("new", client.get("zhalf-b"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "no TTL wait for a committed primary");
        assertEquals(List.of("half-a"), keys(client.scan("half", "hal~", 10)));
    }

    @Test
    void commitAfterAnUnknownOutcomeFinishesAtThePrimarysCommitTs() {
        Transaction setup = client.begin();
        setup.put("unk-a", "old");   // primary, region 1
        setup.put("zunk-b", "old");  // secondary, region 2
        setup.commit();
        Transaction t = client.begin();
        t.put("unk-a", "new");
        t.put("zunk-b", "new");
        t.loseNextPrimaryCommitAnswer();
        NokvException unknown = assertThrows(NokvException.class, t::commit);
        assertTrue(unknown.getMessage().contains("unknown outcome"), unknown.getMessage());
        Transaction between = client.begin(); // starts after the primary's commit ts, before any retry's
        t.commit();
        assertEquals("new", between.get("unk-a"));
        assertEquals("new", between.get("zunk-b"), "the secondary committed at the primary's ts, not a later one");
        assertEquals("new", client.get("zunk-b"));
    }

    @Test
    void concurrentIncrementsLoseNoUpdate() throws Exception {
        int threads = 4;
        int perThread = 8;
        AtomicInteger conflicts = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    for (int n = 0; n < perThread; n++) {
                        while (true) {
                            Transaction t = client.begin();
                            String v = t.get("counter");
                            t.put("counter", Integer.toString(v == null ? 1 : Integer.parseInt(v) + 1));
                            t.put("zcounter-shadow", "touched"); // both regions in every transaction
                            try {
                                t.commit();
                                break;
                            } catch (TxnConflictException e) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(Integer.toString(threads * perThread), client.get("counter"), conflicts.get() + " conflicts");
    }

    @Test
    void staleEpochAndWrongLeaderHintsFromTheConfigAreCorrected() throws Exception {
        // The config says conf_version 1 (the stores have 3) and names a wrong leader: the first
        // requests get EpochNotMatch / NotLeader and the client recovers on its own.
        long l1 = cluster.raft.awaitLeader(1);
        long wrong = l1 == 1 ? 2 : 1;
        Path config = cluster.writeConfig(dir.resolve("client-config.json"), 1, wrong, wrong);
        try (NokvClient c = NokvClient.fromConfig(config)) {
            c.rawPut("epoch-a", "1");
            c.rawPut("zepoch-b", "2");
            Transaction t = c.begin();
            t.put("epoch-c", "3");
            t.commit();
            assertEquals("3", c.get("epoch-c"));
            assertFalse(c.regions().isEmpty());
        }
    }

    @Test
    void leaderMovesAreFollowed() throws Exception {
        client.rawPut("move-a", "before");
        long from = cluster.raft.awaitLeader(1);
        long to = from == 3 ? 1 : from + 1;
        cluster.raft.servers.get(from).transferLeader(1, to, 10_000);
        io.nokv.testkit.Poll.until("store " + to + " leads region 1", Duration.ofSeconds(20),
                () -> cluster.raft.servers.get(to).isLeader(1));
        client.rawPut("move-a", "after");
        assertEquals("after", client.rawGet("move-a"));
        Transaction t = client.begin();
        t.put("move-b", "txn");
        t.commit();
        assertEquals("txn", client.get("move-b"));
    }

    @Test
    void clientWithoutAnyReachableStoreFailsClearly() {
        NokvException e = assertThrows(NokvException.class,
                () -> NokvClient.of(List.of("127.0.0.1:" + io.nokv.testkit.TestPorts.free()), cluster.tsoUrl));
        assertTrue(e.getMessage().startsWith("no store answered"), e.getMessage());
        assertEquals(3, RaftTestCluster.STORES.length);
    }
}
