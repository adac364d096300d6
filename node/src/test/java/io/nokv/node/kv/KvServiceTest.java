package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nokv.node.kv.proto.*;
import io.nokv.node.raft.RaftTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.nokv.node.kv.KvTestCluster.b;
import static io.nokv.node.kv.KvTestCluster.ctx;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KV service over one three-store cluster shared by the test methods (regions 1 = [-,m), 2 = [m,-)). */
class KvServiceTest {
    @TempDir
    static Path dir;
    static KvTestCluster c;
    static final AtomicLong ts = new AtomicLong(1000);

    @BeforeAll
    static void up() throws Exception {
        c = new KvTestCluster(dir);
        c.raft.awaitLeader(1);
        c.raft.awaitLeader(2);
    }

    @AfterAll
    static void down() throws Exception {
        c.close();
    }

    static long region(String key) {
        return key.compareTo("m") < 0 ? 1 : 2;
    }

    static long follower(long region) {
        long leader = c.raft.awaitLeader(region);
        return leader == 1 ? 2 : 1;
    }

    @Test
    void rawPutGetDeleteAndScanClippedToRegion() {
        for (String k : List.of("ca", "cb", "cc", "s1", "s2")) {
            RawPutResponse r = c.leader(region(k)).rawPut(RawPutRequest.newBuilder().setContext(ctx(region(k)))
                    .setKey(b(k)).setValue(b("v-" + k)).build());
            assertFalse(r.hasRegionError(), r.toString());
        }
        RawGetResponse g = c.leader(1).rawGet(RawGetRequest.newBuilder().setContext(ctx(1)).setKey(b("cb")).build());
        assertEquals("v-cb", g.getValue().toStringUtf8(), g.toString());
        c.leader(1).rawDelete(RawDeleteRequest.newBuilder().setContext(ctx(1)).setKey(b("cb")).build());
        assertTrue(c.leader(1).rawGet(RawGetRequest.newBuilder().setContext(ctx(1)).setKey(b("cb")).build()).getNotFound());
        // Region 1 ends at "m": its scan must not return "s1"/"s2" even though the engine holds them.
        RawScanResponse s = c.leader(1).rawScan(RawScanRequest.newBuilder().setContext(ctx(1)).setStartKey(b("c")).setEndKey(b("cz")).build());
        List<String> keys = s.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
        assertEquals(List.of("ca", "cc"), keys);
        RawScanResponse s2 = c.leader(2).rawScan(RawScanRequest.newBuilder().setContext(ctx(2)).setStartKey(b("s")).setEndKey(b("s3")).build());
        assertEquals(List.of("s1", "s2"), s2.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
    }

    @Test
    void regionErrors() {
        // Follower: NotLeader naming the leader.
        long leader = c.raft.awaitLeader(1);
        RawPutResponse nl = c.stub(follower(1)).rawPut(RawPutRequest.newBuilder().setContext(ctx(1))
                .setKey(b("b")).setValue(b("y")).build());
        assertTrue(nl.getRegionError().hasNotLeader(), nl.toString());
        assertEquals(leader, nl.getRegionError().getNotLeader().getLeader().getStoreId());
        RawGetResponse nlr = c.stub(follower(1)).rawGet(RawGetRequest.newBuilder().setContext(ctx(1)).setKey(b("b")).build());
        assertTrue(nlr.getRegionError().hasNotLeader());
        // Key outside the region.
        RawPutResponse kn = c.leader(1).rawPut(RawPutRequest.newBuilder().setContext(ctx(1)).setKey(b("zebra"))
                .setValue(b("y")).build());
        assertTrue(kn.getRegionError().hasKeyNotInRegion(), kn.toString());
        assertEquals(1, kn.getRegionError().getKeyNotInRegion().getRegionId());
        // Unknown region and stale epoch: EpochNotMatch with the current regions.
        RawGetResponse un = c.leader(1).rawGet(RawGetRequest.newBuilder().setContext(Context.newBuilder().setRegionId(99))
                .setKey(b("a")).build());
        assertTrue(un.getRegionError().hasEpochNotMatch());
        assertEquals(2, un.getRegionError().getEpochNotMatch().getCurrentRegionsCount());
        RawGetResponse st = c.leader(1).rawGet(RawGetRequest.newBuilder().setContext(Context.newBuilder().setRegionId(1)
                .setRegionEpoch(RegionEpoch.newBuilder().setVersion(0).setConfVer(3))).setKey(b("a")).build());
        assertTrue(st.getRegionError().hasEpochNotMatch());
        assertEquals(1, st.getRegionError().getEpochNotMatch().getCurrentEpoch().getVersion());
    }

    @Test
    void badRequestsGetAStatusAndTheServerStaysUp() {
        long l = c.raft.awaitLeader(1);
        StatusRuntimeException e1 = assertThrows(StatusRuntimeException.class, () -> c.stub(l).rawPut(
                RawPutRequest.newBuilder().setKey(b("a")).setValue(b("b")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e1.getStatus().getCode());
        StatusRuntimeException e2 = assertThrows(StatusRuntimeException.class, () -> c.stub(l).rawPut(
                RawPutRequest.newBuilder().setContext(ctx(1)).setKey(ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 1}))
                        .setValue(b("b")).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e2.getStatus().getCode());
        RawBatchPutRequest.Builder many = RawBatchPutRequest.newBuilder().setContext(ctx(1));
        for (int i = 0; i < 101; i++) {
            many.addPairs(RawKvPair.newBuilder().setKey(b("k" + i)).setValue(b("v")));
        }
        StatusRuntimeException e3 = assertThrows(StatusRuntimeException.class, () -> c.stub(l).rawBatchPut(many.build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e3.getStatus().getCode());
        StatusRuntimeException e4 = assertThrows(StatusRuntimeException.class, () -> c.stub(l).rawPut(
                RawPutRequest.newBuilder().setContext(ctx(1)).setKey(b("big"))
                        .setValue(ByteString.copyFrom(new byte[17 << 20])).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e4.getStatus().getCode());
        StatusRuntimeException e5 = assertThrows(StatusRuntimeException.class, () -> c.stub(l).kvPrewrite(
                KvPrewriteRequest.newBuilder().setContext(ctx(1)).setRequest(PrewriteRequest.newBuilder()
                        .addMutations(Mutation.newBuilder().setOp(Mutation.Op.Rollback).setKey(b("a")))
                        .setPrimaryLock(b("a")).setStartVersion(5)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e5.getStatus().getCode());
        StatusRuntimeException e6 = assertThrows(StatusRuntimeException.class, () -> c.stub(l).kvCommit(
                KvCommitRequest.newBuilder().setContext(ctx(1)).setRequest(CommitRequest.newBuilder()
                        .addKeys(b("a")).setStartVersion(10).setCommitVersion(5)).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, e6.getStatus().getCode());
        // Still serving.
        assertFalse(c.stub(l).rawPut(RawPutRequest.newBuilder().setContext(ctx(1)).setKey(b("alive"))
                .setValue(b("yes")).build()).hasRegionError());
        assertEquals(2, c.stub(l).status(StatusRequest.getDefaultInstance()).getRegionsCount());
    }

    // ---- Percolator ------------------------------------------------------------------------------

    static List<KeyError> prewrite(long startTs, String primary, long ttl, String... kvs) {
        List<KeyError> errors = new ArrayList<>();
        for (long region : new long[] {1, 2}) {
            PrewriteRequest.Builder p = PrewriteRequest.newBuilder().setPrimaryLock(b(primary)).setStartVersion(startTs)
                    .setLockTtl(ttl);
            for (int i = 0; i < kvs.length; i += 2) {
                if (region(kvs[i]) == region) {
                    p.addMutations(Mutation.newBuilder().setOp(Mutation.Op.Put).setKey(b(kvs[i])).setValue(b(kvs[i + 1])));
                }
            }
            if (p.getMutationsCount() == 0) {
                continue;
            }
            KvPrewriteResponse r = c.leader(region).kvPrewrite(KvPrewriteRequest.newBuilder().setContext(ctx(region))
                    .setRequest(p).build());
            assertFalse(r.hasRegionError(), r.toString());
            errors.addAll(r.getResponse().getErrorsList());
        }
        return errors;
    }

    static CommitResponse commit(long startTs, long commitTs, String... keys) {
        CommitRequest.Builder cr = CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs);
        for (String k : keys) {
            cr.addKeys(b(k));
        }
        long region = region(keys[0]);
        KvCommitResponse r = c.leader(region).kvCommit(KvCommitRequest.newBuilder().setContext(ctx(region)).setRequest(cr).build());
        assertFalse(r.hasRegionError(), r.toString());
        return r.getResponse();
    }

    static GetResponse get(String key, long version) {
        long region = region(key);
        KvGetResponse r = c.leader(region).kvGet(KvGetRequest.newBuilder().setContext(ctx(region))
                .setRequest(GetRequest.newBuilder().setKey(b(key)).setVersion(version)).build());
        assertFalse(r.hasRegionError(), r.toString());
        return r.getResponse();
    }

    @Test
    void twoPhaseCommitAcrossRegionsConflictsAndScans() {
        long t1 = ts.addAndGet(10);
        assertTrue(prewrite(t1, "da", 60_000, "da", "1", "zd", "26").isEmpty());
        // Before commit, a reader above t1 meets the lock.
        assertTrue(get("da", t1 + 1).getError().hasLocked());
        // Scan across the lock: stops at it and reports it.
        KvScanResponse locked = c.leader(1).kvScan(KvScanRequest.newBuilder().setContext(ctx(1))
                .setRequest(ScanRequest.newBuilder().setStartKey(b("d")).setVersion(t1 + 1)).build());
        assertTrue(locked.getResponse().getError().hasLocked());
        KvScanLockResponse sl = c.leader(1).kvScanLock(KvScanLockRequest.newBuilder().setContext(ctx(1))
                .setRequest(ScanLockRequest.newBuilder().setMaxVersion(t1)).build());
        assertTrue(sl.getResponse().getLocksList().stream().anyMatch(li -> li.getKey().toStringUtf8().equals("da")
                && li.getLockVersion() == t1), sl.toString());
        long c1 = ts.addAndGet(10);
        assertFalse(commit(t1, c1, "da").hasError());
        assertFalse(commit(t1, c1, "zd").hasError());
        assertEquals("1", get("da", c1).getValue().toStringUtf8());
        assertEquals("26", get("zd", c1).getValue().toStringUtf8());
        assertTrue(get("da", c1 - 1).getNotFound());

        // A transaction that started before c1 and writes "da" conflicts.
        List<KeyError> conflict = prewrite(c1 - 5, "da", 60_000, "da", "x");
        assertEquals(1, conflict.size());
        assertTrue(conflict.get(0).hasWriteConflict(), conflict.toString());

        // Region-end clipping: region 1's scan stops before "m" although "zd" is in the engine.
        KvScanResponse s = c.leader(1).kvScan(KvScanRequest.newBuilder().setContext(ctx(1))
                .setRequest(ScanRequest.newBuilder().setStartKey(b("d")).setVersion(c1 + 1)).build());
        assertFalse(s.getResponse().hasError(), s.toString());
        assertEquals(List.of("da"), s.getResponse().getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList());
    }

    @Test
    void rollbackThenLatePrewriteFailsAndCommitOfRolledBackFails() {
        long t = ts.addAndGet(10);
        KvBatchRollbackResponse rb = c.leader(1).kvBatchRollback(KvBatchRollbackRequest.newBuilder().setContext(ctx(1))
                .setRequest(BatchRollbackRequest.newBuilder().addKeys(b("fb")).setStartVersion(t)).build());
        assertFalse(rb.getResponse().hasError(), rb.toString());
        List<KeyError> late = prewrite(t, "fb", 60_000, "fb", "v");
        assertEquals(1, late.size());
        assertFalse(late.get(0).getAbort().isEmpty(), late.toString());
        CommitResponse cr = commit(t, t + 1, "fb");
        assertTrue(cr.hasError(), cr.toString());
    }

    @Test
    void expiredLockIsRolledBackAndResolved() {
        long t = ts.addAndGet(10);
        assertTrue(prewrite(t, "ea", 1, "ea", "1", "ze", "2").isEmpty());
        KvCheckTxnStatusResponse st = c.leader(1).kvCheckTxnStatus(KvCheckTxnStatusRequest.newBuilder().setContext(ctx(1))
                .setRequest(CheckTxnStatusRequest.newBuilder().setPrimaryKey(b("ea")).setLockTs(t)
                        .setCurrentTs(t + 100).setCurrentTime(System.currentTimeMillis() + 60_000)).build());
        assertEquals(CheckTxnStatusAction.CheckTxnStatusTTLExpireRollback, st.getResponse().getAction(), st.toString());
        KvResolveLockResponse rl = c.leader(2).kvResolveLock(KvResolveLockRequest.newBuilder().setContext(ctx(2))
                .setRequest(ResolveLockRequest.newBuilder().setStartVersion(t)).build());
        assertFalse(rl.getResponse().hasError(), rl.toString());
        assertEquals(1, rl.getResponse().getResolvedLocks());
        assertTrue(get("ze", t + 200).getNotFound());
        assertTrue(get("ea", t + 200).getNotFound());
        CommitResponse late = commit(t, t + 300, "ea");
        assertTrue(late.hasError(), "commit of a rolled-back transaction fails");
    }

    @Test
    void tooManyPendingProposalsIsServerIsBusy() throws Exception {
        long l = c.raft.awaitLeader(1);
        int port = io.nokv.testkit.TestPorts.free();
        try (KvServer busy = new KvServer("127.0.0.1", port, c.raft.servers.get(l), new KvMetrics(),
                new KvService.Limits(100, 0, 5_000)).start()) {
            var ch = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                RawPutResponse r = io.nokv.node.kv.proto.TinyKvGrpc.newBlockingStub(ch).rawPut(RawPutRequest.newBuilder()
                        .setContext(ctx(1)).setKey(b("busy")).setValue(b("1")).build());
                assertTrue(r.getRegionError().hasServerIsBusy(), r.toString());
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void adminRpcs() {
        ListRegionsResponse lr = c.stub(1).listRegions(ListRegionsRequest.getDefaultInstance());
        assertEquals(2, lr.getRegionsCount());
        // Another test may have just moved or stopped a leader: wait for the election, do not race it.
        io.nokv.testkit.Poll.until("region 1 reports a leader", java.time.Duration.ofSeconds(30),
                () -> c.stub(1).listRegions(ListRegionsRequest.getDefaultInstance()).getRegions(0).hasLeader());
        StatusResponse st = c.stub(2).status(StatusRequest.getDefaultInstance());
        assertEquals(2, st.getStoreId());
        assertTrue(st.getRegions(0).getAppliedIndex() > 0);
    }

    @Test
    void leaderTransferAndAcknowledgedWriteSurvivesLeaderLoss() throws Exception {
        long leader = c.raft.awaitLeader(2);
        long target = leader == 3 ? 1 : 3;
        TransferLeaderResponse tr = c.stub(leader).transferLeader(TransferLeaderRequest.newBuilder().setContext(ctx(2))
                .setToStoreId(target).build());
        assertTrue(tr.getError().isEmpty() && !tr.hasRegionError(), tr.toString());
        io.nokv.testkit.Poll.until("store " + target + " to lead region 2", java.time.Duration.ofSeconds(10),
                () -> c.raft.servers.get(target).isLeader(2));
        assertFalse(c.leader(2).rawPut(RawPutRequest.newBuilder().setContext(ctx(2)).setKey(b("survivor"))
                .setValue(b("acked")).build()).hasRegionError());
        c.stopStore(target);
        try {
            long next = c.raft.awaitLeader(2);
            assertTrue(next != target);
            RawGetResponse g = c.stub(next).rawGet(RawGetRequest.newBuilder().setContext(ctx(2)).setKey(b("survivor")).build());
            assertEquals("acked", g.getValue().toStringUtf8(), g.toString());
        } finally {
            c.startStore(target);
        }
        assertEquals(3, RaftTestCluster.STORES.length);
    }
}
