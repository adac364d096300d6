package io.nokv.redis;

import io.nokv.testkit.Poll;
import io.nokv.client.ClientOptions;
import io.nokv.client.NokvClient;
import io.nokv.node.config.AddressScope;
import io.nokv.redis.store.ClusterStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway in cluster mode over a real three-store cluster ({@code ./jbang run-local-cluster}
 * as a process, on free ports): atomic INCR and SET NX from 16 connections, TTL expiry, kill -9 of
 * a store under a write load without losing an acknowledged write, and an unavailable cluster
 * answered with an error instead of a hang. Run under {@code flock /tmp/nokv-cpu.lock}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterGatewayIT {
    @TempDir
    static Path dir;
    static Process cluster;
    static final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    static final Map<Long, Long> storePids = new ConcurrentHashMap<>();
    static RedisGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path config = writeConfig(dir.resolve("raft_config.json"));
        Path root = Path.of(System.getProperty("nokv.root", "..")).toAbsolutePath().normalize();
        cluster = new ProcessBuilder(root.resolve("jbang").toString(), "run-local-cluster", "--config", config.toString(),
                "--workdir", dir.resolve("cluster").toString(), "--no-raft-debug-log")
                .directory(root.toFile()).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "cluster-output");
        reader.setDaemon(true);
        reader.start();
        Pattern store = Pattern.compile("^\\s+store (\\d+): \\S+ \\(pid (\\d+)\\)");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        List<String> seen = new ArrayList<>();
        while (true) {
            String l = lines.poll(1, TimeUnit.SECONDS);
            if (l != null) {
                seen.add(l);
                Matcher m = store.matcher(l);
                if (m.find()) {
                    storePids.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                }
                if (l.equals("Press Ctrl+C to stop")) {
                    break;
                }
            }
            if (System.nanoTime() > deadline || (l == null && !cluster.isAlive())) {
                throw new AssertionError("cluster did not start:\n" + String.join("\n", seen));
            }
        }
        assertEquals(3, storePids.size(), String.join("\n", seen));
        NokvClient client = NokvClient.fromConfig(config, AddressScope.LOCAL, ClientOptions.defaults()
                .withRpcTimeout(Duration.ofSeconds(3)).withLockWait(Duration.ofSeconds(5)));
        gateway = new RedisGateway(new ClusterStore(client, "cluster"),
                RedisGateway.Settings.defaults(new InetSocketAddress("127.0.0.1", 0), "cluster"));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (cluster != null) {
            cluster.descendants().forEach(ProcessHandle::destroyForcibly);
            cluster.destroyForcibly();
        }
    }

    static Jedis connect() {
        return EmbeddedGateway.client(gateway);
    }

    @Test
    @Order(1)
    void commandsWork() {
        try (Jedis j = connect()) {
            assertEquals("OK", j.set("apple", "red"));
            assertEquals("OK", j.set("zebra", "striped")); // the other region
            assertEquals(List.of("red", "striped"), j.mget("apple", "zebra"));
            assertNull(j.set("apple", "green", SetParams.setParams().nx()));
            assertEquals(1, j.incr("n"));
            assertEquals(2, j.del("apple", "zebra"));
            assertEquals("OK", j.mset("a1", "x", "z1", "y"));
            assertEquals(1, j.msetnx("a2", "x", "z2", "y"));
            assertEquals("OK", j.rename("a1", "z9"));
            assertEquals("x", j.get("z9"));
            assertTrue(j.dbSize() >= 4);
        }
    }

    @Test
    @Order(2)
    void concurrentIncrAndSetNxAreAtomic() throws Exception {
        int perConnection = 40;
        List<List<Integer>> wins = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            int id = c;
            List<Integer> won = new ArrayList<>();
            wins.add(won);
            Thread t = new Thread(() -> {
                try (Jedis j = connect()) {
                    for (int i = 0; i < perConnection; i++) {
                        j.incr("hits");
                        if ("OK".equals(j.set("owner:" + (i % 10), "c" + id, SetParams.setParams().nx()))) {
                            won.add(i % 10);
                        }
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(5));
        }
        try (Jedis j = connect()) {
            assertEquals(String.valueOf(16 * perConnection), j.get("hits"));
            for (int k = 0; k < 10; k++) {
                int key = k;
                assertEquals(1, wins.stream().mapToLong(w -> w.stream().filter(x -> x == key).count()).sum(), "owner:" + k);
            }
        }
    }

    @Test
    @Order(3)
    void ttlExpires() {
        try (Jedis j = connect()) {
            j.set("short", "v", SetParams.setParams().px(500));
            assertTrue(j.pttl("short") > 0);
            Poll.until("the key to expire", Duration.ofSeconds(60), () -> j.get("short") == null);
            assertEquals(-2, j.ttl("short"));
        }
    }

    @Test
    @Order(4)
    void killNineOfAStoreUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int id = w;
            Thread t = new Thread(() -> {
                try (Jedis j = connect()) {
                    for (int i = 0; !stop.get(); i++) {
                        String key = (i % 2 == 0 ? "a" : "n") + "-w" + id + "-" + i; // both regions
                        try {
                            if ("OK".equals(j.set(key, "v" + i))) {
                                acknowledged.put(key, "v" + i);
                            }
                        } catch (JedisDataException e) {
                            // TRYAGAIN / ERR while the cluster recovers: not acknowledged
                        }
                    }
                }
            });
            writers.add(t);
            t.start();
        }
        Poll.until("some writes before the kill", Duration.ofMinutes(2), () -> acknowledged.size() >= 50);
        long pid = storePids.get(3L);
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        int atKill = acknowledged.size();
        Poll.until("writes to continue after the kill", Duration.ofMinutes(3), () -> acknowledged.size() >= atKill + 50);
        stop.set(true);
        for (Thread t : writers) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        try (Jedis j = connect()) {
            for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                assertEquals(e.getValue(), j.get(e.getKey()), "acknowledged write of " + e.getKey());
            }
        }
    }

    @Test
    @Order(5)
    void unavailableClusterIsAnErrorNotAHang() {
        cluster.descendants().forEach(ProcessHandle::destroyForcibly);
        try (Jedis j = connect()) {
            Poll.until("an error reply", Duration.ofMinutes(3), () -> {
                try {
                    j.incr("n");
                    return false;
                } catch (JedisDataException e) {
                    assertTrue(e.getMessage().startsWith("TRYAGAIN ") || e.getMessage().startsWith("ERR "), e.getMessage());
                    return true;
                }
            });
            assertEquals("PONG", j.ping(), "the gateway itself stays up");
        }
    }

    /** The example topology (3 stores; regions [-, "m") and ["m", -)) on free loopback ports. */
    static Path writeConfig(Path file) throws IOException {
        int tso = freePort();
        StringBuilder stores = new StringBuilder();
        for (int s = 1; s <= 3; s++) {
            String addr = "127.0.0.1:" + freePort();
            stores.append(s == 1 ? "" : ",").append("{\"store_id\":").append(s).append(",\"listen_addr\":\"").append(addr)
                    .append("\",\"addr\":\"").append(addr).append("\",\"raft_addr\":\"127.0.0.1:").append(freePort()).append("\"}");
        }
        String json = "{\"max_retries\":5,\"tso\":{\"listen_addr\":\"127.0.0.1:" + tso + "\",\"advertise_url\":\"http://127.0.0.1:" + tso
                + "\"},\"stores\":[" + stores + "],\"regions\":["
                + "{\"id\":1,\"start_key\":\"\",\"end_key\":\"m\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":101},{\"store_id\":2,\"peer_id\":201},{\"store_id\":3,\"peer_id\":301}],\"leader_store_id\":1},"
                + "{\"id\":2,\"start_key\":\"m\",\"end_key\":\"\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":102},{\"store_id\":2,\"peer_id\":202},{\"store_id\":3,\"peer_id\":302}],\"leader_store_id\":2}]}";
        Files.writeString(file, json);
        return file;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
