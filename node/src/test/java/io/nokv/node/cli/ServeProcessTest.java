package io.nokv.node.cli;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.nokv.testkit.Poll;
import io.nokv.node.kv.proto.ListRegionsRequest;
import io.nokv.node.kv.proto.RawGetRequest;
import io.nokv.node.kv.proto.RegionInfo;
import io.nokv.node.kv.proto.RawGetResponse;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.kv.proto.RawPutResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nokv serve} as real processes: output, metrics, graceful stop, SIGKILL, and restarts keeping acknowledged data. */
class ServeProcessTest {

    static long region(String key) {
        return key.compareTo("m") < 0 ? 1 : 2;
    }

    /** Puts through whichever store leads the key's region; returns once one store acknowledged it. */
    static void put(StoreProcesses c, String key, String value) {
        long region = region(key);
        Poll.until("an acknowledged put of " + key, Duration.ofSeconds(30), () -> {
            for (long s : c.procs.keySet()) {
                try {
                    RawPutResponse r = c.stub(s).rawPut(RawPutRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                            .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build());
                    if (!r.hasRegionError() && r.getError().isEmpty()) {
                        return true;
                    }
                } catch (StatusRuntimeException e) {
                    // not up yet, or the write timed out: try again (raw puts are idempotent)
                }
            }
            return false;
        });
    }

    static String get(StoreProcesses c, String key) {
        long region = region(key);
        AtomicReference<String> v = new AtomicReference<>();
        Poll.until("a linearizable read of " + key, Duration.ofSeconds(30), () -> {
            for (long s : c.procs.keySet()) {
                try {
                    RawGetResponse r = c.stub(s).rawGet(RawGetRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                            .setKey(ByteString.copyFromUtf8(key)).build());
                    if (!r.hasRegionError()) {
                        v.set(r.getNotFound() ? null : r.getValue().toStringUtf8());
                        return true;
                    }
                } catch (StatusRuntimeException e) {
                    // try the next store
                }
            }
            return false;
        });
        return v.get();
    }

    @Test
    void restartsKeepAcknowledgedDataAfterGracefulStopAndSigkill(@TempDir Path dir) throws Exception {
        try (StoreProcesses c = new StoreProcesses(dir)) {
            c.startAll();
            String out = c.output(1);
            assertTrue(out.contains("Manifest regions: 2, local peers started: 2"), out);
            assertTrue(out.contains("TinyKv service listening on 127.0.0.1:" + c.kvPorts.get(1L) + " (store=1)"), out);
            assertTrue(out.contains("Raft listening on 127.0.0.1:" + c.raftPorts.get(1L)), out);
            assertTrue(out.contains("- id=1 range=[-inf,\"m\") peers=[{store:1 peer:101} {store:2 peer:201} {store:3 peer:301}]"), out);

            // 120 writes: past the snapshot threshold (50), so restarts also go through snapshots and a purged log.
            for (int i = 0; i < 60; i++) {
                put(c, String.format("a%03d", i), "v" + i);
                put(c, String.format("n%03d", i), "w" + i);
            }
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + c.metricsPorts.get(1L) + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("nokv_regions{store=\"1\"} 2"), metrics);
            assertTrue(metrics.contains("nokv_region_applied_index{store=\"1\",region=\"1\"}"), metrics);
            assertTrue(metrics.contains("nokv_rpc_requests_total{method=\"RawPut\"}"), metrics);

            // Graceful: SIGTERM → "Shutting down...", exit 0.
            for (long s : StoreProcesses.STORES) {
                assertEquals(0, c.stop(s), "exit code of store " + s);
            }
            assertTrue(c.output(2).contains("Shutting down..."), c.output(2));
            c.startAll();
            assertEquals("v59", get(c, "a059"));
            assertEquals("w0", get(c, "n000"));
            put(c, "after-graceful", "1");

            // kill -9 the leader of region 1: a write it acknowledged is read from the new leader.
            put(c, "b-before-leader-kill", "acked");
            long leader = leaderOf(c, 1);
            c.kill(leader);
            assertEquals("acked", get(c, "b-before-leader-kill"));
            put(c, "b-while-one-down", "2");
            c.start(leader);

            // SIGKILL every store while writers are busy; every acknowledged write survives the restart.
            java.util.Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                String prefix = (w % 2 == 0 ? "c" : "p") + w + "-";
                Thread t = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String k = prefix + i;
                        if (tryPut(c, k, "x" + i)) {
                            acked.add(k);
                        }
                    }
                });
                t.start();
                writers.add(t);
            }
            Poll.until("some acknowledged concurrent writes", Duration.ofSeconds(30), () -> acked.size() >= 20);
            for (long s : StoreProcesses.STORES) {
                c.kill(s);
            }
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
            c.startAll();
            for (int i = 0; i < 60; i++) {
                assertEquals("v" + i, get(c, String.format("a%03d", i)));
                assertEquals("w" + i, get(c, String.format("n%03d", i)));
            }
            assertEquals("1", get(c, "after-graceful"));
            assertEquals("2", get(c, "b-while-one-down"));
            for (String k : acked) {
                assertEquals("x" + k.substring(k.indexOf('-') + 1), get(c, k), "acknowledged " + k);
            }
        }
    }

    /** One attempt at each store, no retry: true only when a store acknowledged the write. */
    static boolean tryPut(StoreProcesses c, String key, String value) {
        long region = region(key);
        for (long s : StoreProcesses.STORES) {
            try {
                RawPutResponse r = c.stub(s).rawPut(RawPutRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                        .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build());
                if (!r.hasRegionError() && r.getError().isEmpty()) {
                    return true;
                }
            } catch (RuntimeException e) {
                // down or timed out: not acknowledged
            }
        }
        return false;
    }

    static long leaderOf(StoreProcesses c, long region) {
        long[] leader = {-1};
        Poll.until("a leader of region " + region, Duration.ofSeconds(30), () -> {
            for (long s : c.procs.keySet()) {
                try {
                    for (RegionInfo ri : c.stub(s).listRegions(ListRegionsRequest.getDefaultInstance()).getRegionsList()) {
                        if (ri.getRegion().getId() == region && ri.hasLeader() && c.procs.containsKey(ri.getLeader().getStoreId())) {
                            leader[0] = ri.getLeader().getStoreId();
                            return true;
                        }
                    }
                } catch (RuntimeException e) {
                    // try the next store
                }
            }
            return false;
        });
        return leader[0];
    }
}
