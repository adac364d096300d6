package io.nokv.node.bench;

import com.google.protobuf.ByteString;
import io.nokv.node.cli.StoreProcesses;
import io.nokv.node.kv.proto.CommitRequest;
import io.nokv.node.kv.proto.KvCommitRequest;
import io.nokv.node.kv.proto.KvCommitResponse;
import io.nokv.node.kv.proto.KvPrewriteRequest;
import io.nokv.node.kv.proto.KvPrewriteResponse;
import io.nokv.node.kv.proto.ListRegionsRequest;
import io.nokv.node.kv.proto.Mutation;
import io.nokv.node.kv.proto.PrewriteRequest;
import io.nokv.node.kv.proto.RawBatchPutRequest;
import io.nokv.node.kv.proto.RawBatchPutResponse;
import io.nokv.node.kv.proto.RawGetRequest;
import io.nokv.node.kv.proto.RawGetResponse;
import io.nokv.node.kv.proto.RawKvPair;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.kv.proto.RawPutResponse;
import io.nokv.node.kv.proto.RegionError;
import io.nokv.node.kv.proto.RegionInfo;
import io.nokv.node.kv.proto.TinyKvGrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * NoKV as the benchmark drives it: the raw gRPC API of three {@code nokv serve} processes (regions
 * 1 = [-, "m") and 2 = ["m", -)), each request sent straight to the region's leader, a NotLeader
 * hint followed. Transactions are the Percolator 2PC the Java client runs (prewrite the primary's
 * region first, commit the primary first), with timestamps from a local counter: the TSO has its
 * own benchmark, and this one measures the stores.
 */
final class NokvTarget {
    private final StoreProcesses cluster;
    private final long[] leaders = new long[3];
    private final AtomicLong ts = new AtomicLong(1_000_000);

    NokvTarget(StoreProcesses cluster) {
        this.cluster = cluster;
    }

    static long region(byte[] key) {
        return key.length > 0 && (key[0] & 0xff) < 'm' ? 1 : 2;
    }

    void waitForLeaders() throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (long s : StoreProcesses.STORES) {
                try {
                    for (RegionInfo ri : cluster.stub(s).listRegions(ListRegionsRequest.getDefaultInstance()).getRegionsList()) {
                        if (ri.hasLeader()) {
                            leaders[(int) ri.getRegion().getId()] = ri.getLeader().getStoreId();
                        }
                    }
                } catch (RuntimeException e) {
                    // store not answering yet
                }
            }
            if (leaders[1] > 0 && leaders[2] > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("regions 1 and 2 have no leader after 60 s");
    }

    /** Store id of the region's leader as last learnt. */
    long leader(long region) {
        return leaders[(int) region];
    }

    private TinyKvGrpc.TinyKvBlockingStub stub(long region) {
        return cluster.stub(leaders[(int) region]);
    }

    /** Follows a NotLeader hint; any region error counts as a failed operation. */
    private boolean ok(long region, boolean hasError, RegionError e) {
        if (!hasError) {
            return true;
        }
        if (e.hasNotLeader() && e.getNotLeader().hasLeader()) {
            leaders[(int) region] = e.getNotLeader().getLeader().getStoreId();
        }
        return false;
    }

    boolean put(byte[] key, byte[] value) {
        long region = region(key);
        RawPutResponse r = stub(region).rawPut(RawPutRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value)).build());
        return ok(region, r.hasRegionError(), r.getRegionError()) && r.getError().isEmpty();
    }

    boolean get(byte[] key) {
        long region = region(key);
        RawGetResponse r = stub(region).rawGet(RawGetRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                .setKey(ByteString.copyFrom(key)).build());
        return ok(region, r.hasRegionError(), r.getRegionError()) && r.getError().isEmpty();
    }

    /** Writes the keys in one RawBatchPut per region (setting up the read key space). */
    void load(List<byte[]> keys, byte[] value) {
        for (long region : new long[] {1, 2}) {
            RawBatchPutRequest.Builder b = RawBatchPutRequest.newBuilder().setContext(StoreProcesses.ctx(region));
            keys.stream().filter(k -> region(k) == region).forEach(k -> b.addPairs(RawKvPair.newBuilder()
                    .setKey(ByteString.copyFrom(k)).setValue(ByteString.copyFrom(value))));
            RawBatchPutResponse r = stub(region).rawBatchPut(b.build());
            if (r.hasRegionError() || !r.getError().isEmpty()) {
                throw new IllegalStateException("loading region " + region + " failed: " + r);
            }
        }
    }

    /** One 2PC transaction of {@code keys} puts alternating between the two regions. */
    boolean transaction(SplittableRandom rnd, int keys, byte[] value) {
        long start = ts.incrementAndGet();
        List<String> ks = new ArrayList<>();
        // Transactional keys ("b…" in region 1, "t…" in region 2) never overlap the raw ones ("a…", "n…").
        boolean firstInRegion1 = rnd.nextBoolean();
        for (int i = 0; i < keys; i++) {
            boolean region1 = (i % 2 == 0) == firstInRegion1;
            ks.add((region1 ? "b" : "t") + String.format("%06d-%d", rnd.nextInt(100_000), i));
        }
        String primary = ks.get(0);
        long primaryRegion = region(primary.getBytes());
        long[] order = primaryRegion == 1 ? new long[] {1, 2} : new long[] {2, 1};
        for (long region : order) {
            PrewriteRequest.Builder p = PrewriteRequest.newBuilder().setPrimaryLock(ByteString.copyFromUtf8(primary))
                    .setStartVersion(start).setLockTtl(10_000);
            ks.stream().filter(k -> region(k.getBytes()) == region).forEach(k -> p.addMutations(Mutation.newBuilder()
                    .setOp(Mutation.Op.Put).setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFrom(value))));
            if (p.getMutationsCount() == 0) {
                continue;
            }
            KvPrewriteResponse r = stub(region).kvPrewrite(KvPrewriteRequest.newBuilder()
                    .setContext(StoreProcesses.ctx(region)).setRequest(p).build());
            if (!ok(region, r.hasRegionError(), r.getRegionError()) || r.getResponse().getErrorsCount() > 0) {
                return false;
            }
        }
        long commit = ts.incrementAndGet();
        for (long region : order) {
            CommitRequest.Builder cr = CommitRequest.newBuilder().setStartVersion(start).setCommitVersion(commit);
            ks.stream().filter(k -> region(k.getBytes()) == region).forEach(k -> cr.addKeys(ByteString.copyFromUtf8(k)));
            if (cr.getKeysCount() == 0) {
                continue;
            }
            KvCommitResponse r = stub(region).kvCommit(KvCommitRequest.newBuilder()
                    .setContext(StoreProcesses.ctx(region)).setRequest(cr).build());
            if (!ok(region, r.hasRegionError(), r.getRegionError()) || r.getResponse().hasError()) {
                return false;
            }
        }
        return true;
    }
}
