package io.nokv.tso;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TsoClientTest {
    @TempDir
    Path dir;
    TsoHttpServer server;
    String url;

    @BeforeEach
    void start() throws Exception {
        server = TsoHttpServer.start(new InetSocketAddress("127.0.0.1", 0), new TimestampOracle(dir, 1, 1000));
        url = "127.0.0.1:" + server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void nextIsAboveEveryTimestampAnyClientObtainedBefore() {
        TsoClient a = new TsoClient(url, 1000);
        TsoClient b = new TsoClient(url, 1000);
        long seenByB = 0;
        for (int i = 0; i < 50; i++) {
            long fromA = a.next();
            assertTrue(fromA > seenByB, "a.next() = " + fromA + " is not above b's earlier " + seenByB);
            seenByB = b.next();
            assertTrue(seenByB > fromA);
        }
    }

    @Test
    void cachedUniqueTimestampsCanTrailAnotherClientsWhichIsWhyNextDoesNotCache() {
        TsoClient a = new TsoClient(url, 1000);
        TsoClient b = new TsoClient(url, 1000);
        long fromA = a.nextUnique();
        long fromB = b.nextUnique();
        assertTrue(a.nextUnique() < fromB, "a's cached range predates b's fetch");
        assertTrue(fromA < fromB);
    }

    @Test
    void concurrentCallersShareRequestsAndGetDistinctIncreasingTimestamps() throws Exception {
        TsoClient shared = new TsoClient(url, 1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            futures.add(pool.submit(() -> {
                List<Long> got = new ArrayList<>();
                long last = 0;
                for (int i = 0; i < 300; i++) {
                    long ts = shared.next();
                    assertTrue(ts > last, "per-thread order");
                    last = ts;
                    got.add(ts);
                }
                return got;
            }));
        }
        Set<Long> all = new HashSet<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertEquals(16 * 300, all.size(), "no timestamp handed out twice");
    }

    @Test
    void anUnreachableOracleIsAClearErrorForEveryWaiter() {
        server.close();
        TsoClient c = new TsoClient(url, 1);
        TsoException e = assertThrows(TsoException.class, c::next);
        assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        assertThrows(TsoException.class, c::next, "the client stays usable and reports again");
    }
}
