package io.nokv.client;

import com.google.protobuf.ByteString;
import io.nokv.node.kv.proto.GetRequest;
import io.nokv.node.kv.proto.GetResponse;
import io.nokv.node.kv.proto.KeyError;
import io.nokv.node.kv.proto.KvGetRequest;
import io.nokv.node.kv.proto.KvScanRequest;
import io.nokv.node.kv.proto.KvScanResponse;
import io.nokv.node.kv.proto.ScanRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Transactional reads at a timestamp. A lock met on the way is resolved (or, while its owner is
 * alive, waited out up to {@code lockWait}) and the read is repeated: a read never fails because
 * of another transaction's lock alone.
 */
final class SnapshotReader {
    private final RegionRpc rpc;
    private final LockResolver resolver;

    SnapshotReader(RegionRpc rpc, LockResolver resolver) {
        this.rpc = rpc;
        this.resolver = resolver;
    }

    /** The value of {@code key} at {@code ts}, or null. */
    byte[] get(byte[] key, long ts) {
        GetRequest g = GetRequest.newBuilder().setKey(ByteString.copyFrom(key)).setVersion(ts).build();
        LockWait wait = new LockWait();
        while (true) {
            GetResponse r;
            try {
                r = rpc.send("get", key, List.of(key),
                        (stub, ctx) -> stub.kvGet(KvGetRequest.newBuilder().setContext(ctx).setRequest(g).build()),
                        resp -> resp.hasRegionError() ? resp.getRegionError() : null).response().getResponse();
            } catch (RegionRpc.RegionChanged e) {
                throw new IllegalStateException("one key cannot span regions", e);
            }
            if (r.hasError()) {
                onKeyError("get " + ByteKeys.format(key), r.getError(), wait);
                continue;
            }
            return r.getNotFound() ? null : r.getValue().toByteArray();
        }
    }

    /**
     * Up to {@code limit} pairs with {@code start <= key < end} (empty end = no bound) at {@code ts},
     * across regions: each region's scan stops at its end key and the next continues there.
     */
    List<KvPair> scan(byte[] start, byte[] end, int limit, long ts) {
        List<KvPair> out = new ArrayList<>();
        byte[] from = start;
        LockWait wait = new LockWait();
        while (out.size() < limit) {
            int want = limit - out.size();
            byte[] at = from;
            ScanRequest s = ScanRequest.newBuilder().setStartKey(ByteString.copyFrom(at)).setEndKey(ByteString.copyFrom(end))
                    .setLimit(want).setVersion(ts).build();
            RegionRpc.Answer<KvScanResponse> a;
            try {
                a = rpc.send("scan", at, List.of(),
                        (stub, ctx) -> stub.kvScan(KvScanRequest.newBuilder().setContext(ctx).setRequest(s).build()),
                        resp -> resp.hasRegionError() ? resp.getRegionError() : null);
            } catch (RegionRpc.RegionChanged e) {
                throw new IllegalStateException("a scan names no keys", e);
            }
            if (a.response().getResponse().hasError()) {
                onKeyError("scan from " + ByteKeys.format(at), a.response().getResponse().getError(), wait);
                continue; // the same region again, from the same key
            }
            a.response().getResponse().getKvsList().forEach(kv -> out.add(new KvPair(kv.getKey().toByteArray(),
                    kv.getValue().toByteArray())));
            byte[] regionEnd = a.region().endKey();
            if (a.response().getResponse().getKvsCount() >= want || ByteKeys.coversEnd(regionEnd, end)) {
                break;
            }
            from = regionEnd;
        }
        return out;
    }

    private void onKeyError(String what, KeyError e, LockWait wait) {
        if (!e.hasLocked()) {
            throw new NokvException(what + " failed: " + e.toString().strip());
        }
        if (!resolver.resolve(e.getLocked())) {
            wait.pause(what, e.getLocked(), rpc.options());
        }
    }

    /** Waits between reads that meet a live lock, with a deadline. */
    static final class LockWait {
        private long deadline;
        private int round;

        void pause(String what, io.nokv.node.kv.proto.Locked lock, ClientOptions options) {
            long now = System.nanoTime();
            if (round == 0) {
                deadline = now + options.lockWait().toNanos();
            } else if (now > deadline) {
                throw new NokvException(what + ": key " + ByteKeys.format(lock.getKey().toByteArray())
                        + " stayed locked by live transaction @" + lock.getLockVersion() + " for over " + options.lockWait());
            }
            RegionRpc.sleep(Math.min(500, 10L << Math.min(round++, 6)));
        }
    }
}
