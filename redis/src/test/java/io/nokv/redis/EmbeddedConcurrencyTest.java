package io.nokv.redis;

import io.nokv.testkit.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The atomicity the gateway promises, with 16 real connections at once: no lost INCR, exactly one
 * SET NX winner per key, and TTLs that expire (lazily on read, and actively out of DBSIZE).
 */
class EmbeddedConcurrencyTest {
    static final int CONNECTIONS = 16;

    @TempDir
    static Path dir;
    static RedisGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = EmbeddedGateway.start(dir);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static Jedis connect() {
        return EmbeddedGateway.client(gateway);
    }

    /** Runs {@code work(connection index)} on 16 connections released together; returns their results. */
    static <T> List<T> onEveryConnection(WorkOn<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        CyclicBarrier start = new CyclicBarrier(CONNECTIONS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    try (Jedis j = connect()) {
                        start.await();
                        return work.run(j, id);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(5, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    interface WorkOn<T> {
        T run(Jedis jedis, int connection) throws Exception;
    }

    @Test
    void concurrentIncrLosesNothing() throws Exception {
        int perConnection = 500;
        onEveryConnection((j, id) -> {
            for (int i = 0; i < perConnection; i++) {
                j.incr("counter");
                j.incrBy("counter-" + (i % 4), 2); // a few hot keys besides the one
            }
            return null;
        });
        try (Jedis j = connect()) {
            assertEquals(String.valueOf(CONNECTIONS * perConnection), j.get("counter"));
            long spread = 0;
            for (int k = 0; k < 4; k++) {
                spread += Long.parseLong(j.get("counter-" + k));
            }
            assertEquals(2L * CONNECTIONS * perConnection, spread);
        }
    }

    @Test
    void setNxHasExactlyOneWinner() throws Exception {
        int keys = 50;
        List<List<Integer>> wins = onEveryConnection((j, id) -> {
            List<Integer> won = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                if ("OK".equals(j.set("lock:" + k, "owner-" + id, SetParams.setParams().nx()))) {
                    won.add(k);
                }
            }
            return won;
        });
        int[] winners = new int[keys];
        wins.forEach(w -> w.forEach(k -> winners[k]++));
        try (Jedis j = connect()) {
            for (int k = 0; k < keys; k++) {
                assertEquals(1, winners[k], "winners of lock:" + k);
                int key = k;
                int owner = -1;
                for (int c = 0; c < CONNECTIONS; c++) {
                    if (wins.get(c).contains(key)) {
                        owner = c;
                    }
                }
                assertEquals("owner-" + owner, j.get("lock:" + k), "the value is the winner's");
            }
        }
    }

    @Test
    void expiredKeysVanishFromReadsAndThenFromTheStore() {
        try (Jedis j = connect()) {
            j.flushDB();
            for (int i = 0; i < 300; i++) {
                j.set("short:" + i, "v", SetParams.setParams().px(300));
            }
            j.set("long", "v", SetParams.setParams().ex(1000));
            j.set("forever", "v");
            Poll.until("short-lived keys to read as absent", Duration.ofSeconds(30), () -> j.get("short:299") == null);
            assertNull(j.get("short:0"));
            assertEquals(0, j.exists("short:0") ? 1 : 0);
            assertEquals(2, j.dbSize());
            // the active sweep deletes them from the store itself, not just from reads
            Poll.until("the sweep to delete expired keys", Duration.ofSeconds(30),
                    () -> gateway.keyspace().store().scan(new byte[0], 1000).size() == 2);
            assertEquals("v", j.get("long"));
            assertEquals("v", j.get("forever"));
            assertEquals(true, j.info("stats").contains("expired_keys:300"));
        }
    }
}
