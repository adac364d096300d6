package io.nokv.node.kv;

import io.nokv.node.kv.proto.RawDeleteRequest;
import io.nokv.node.kv.proto.RawDeleteResponse;
import io.nokv.node.kv.proto.RawGetRequest;
import io.nokv.node.kv.proto.RawGetResponse;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.kv.proto.RawPutResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.nokv.node.kv.KvTestCluster.b;
import static io.nokv.node.kv.KvTestCluster.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many callers writing one region at once: their raw writes are batched into shared log entries
 * (RawWriteBatcher), and each caller still gets its own answer and finds its own writes.
 */
class RawWriteBatchingTest {

    @Test
    void concurrentRawWritesToOneRegionAreEachAnsweredAndApplied(@TempDir Path dir) throws Exception {
        try (KvTestCluster c = new KvTestCluster(dir)) {
            c.raft.servers.values().forEach(s -> s.setRawWriteBatchesInFlight(1)); // off by default
            c.raft.awaitLeader(1);
            Queue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 32; t++) {
                int caller = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 20; i++) {
                        String key = "c" + caller + "-" + i; // "c…" < "m": region 1
                        RawPutResponse p = c.leader(1).rawPut(RawPutRequest.newBuilder().setContext(ctx(1))
                                .setKey(b(key)).setValue(b("v" + i)).build());
                        if (p.hasRegionError() || !p.getError().isEmpty()) {
                            failures.add(key + ": " + p);
                        }
                        if (i % 5 == 0) {
                            RawDeleteResponse d = c.leader(1).rawDelete(RawDeleteRequest.newBuilder().setContext(ctx(1))
                                    .setKey(b(key)).build());
                            if (d.hasRegionError() || !d.getError().isEmpty()) {
                                failures.add(key + " (delete): " + d);
                            }
                        }
                    }
                }, "raw-writer-" + t);
                th.start();
                callers.add(th);
            }
            for (Thread th : callers) {
                th.join();
            }
            assertTrue(failures.isEmpty(), "failed writes: " + failures);
            for (int t = 0; t < 32; t++) {
                for (int i = 0; i < 20; i++) {
                    String key = "c" + t + "-" + i;
                    RawGetResponse g = c.leader(1).rawGet(RawGetRequest.newBuilder().setContext(ctx(1)).setKey(b(key)).build());
                    if (i % 5 == 0) {
                        assertTrue(g.getNotFound(), key + " was deleted");
                    } else {
                        assertEquals("v" + i, g.getValue().toStringUtf8(), key);
                    }
                }
            }
        }
    }
}
