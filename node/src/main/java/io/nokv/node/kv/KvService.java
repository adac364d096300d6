package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.VersionedValue;
import io.nokv.node.kv.proto.*;
import io.nokv.node.mvcc.MvccReader;
import io.nokv.node.mvcc.ReadResults;
import io.nokv.node.raft.RegionStateMachine;
import io.nokv.node.raft.ReservedKeys;
import io.nokv.node.raft.StoreRaftServer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The TinyKv gRPC service of one store. Every request names its region in {@code context}; the
 * region must be hosted here with the same epoch, its keys inside the region, and this store its
 * leader, else the response carries a region error the client acts on. Writes go through Raft,
 * reads run after a linearizable barrier. Bad input is an INVALID_ARGUMENT status, never a crash.
 */
public final class KvService extends TinyKvGrpc.TinyKvImplBase {

    /** Request limits; beyond them a request is refused (INVALID_ARGUMENT or ServerIsBusy). */
    public record Limits(int maxKeysPerRequest, int maxPendingProposals, long requestTimeoutMs) {
        public static Limits defaults() {
            return new Limits(10_000, 1024, 10_000);
        }
    }

    private static final long LATEST = Long.MAX_VALUE - 2;

    private final StoreRaftServer raft;
    private final MvccReader reader;
    private final KvMetrics metrics;
    private final Limits limits;
    private final Semaphore pending;
    private final ExecutorService workers;
    private final String addr;

    public KvService(StoreRaftServer raft, KvMetrics metrics, Limits limits, ExecutorService workers, String addr) {
        this.raft = raft;
        this.reader = new MvccReader(raft.db());
        this.metrics = metrics;
        this.limits = limits;
        this.pending = new Semaphore(limits.maxPendingProposals());
        this.workers = workers;
        this.addr = addr;
    }

    // ---- routing --------------------------------------------------------------------------------

    /** The region a request may run in, or the region error that says why not. */
    private record Route(RegionStateMachine machine, RegionMeta meta, RegionError error) {
    }

    private Route route(Context ctx, List<ByteString> keys, boolean needLeader) {
        if (ctx == null || ctx.getRegionId() == 0) {
            throw invalid("context.region_id is required");
        }
        if (keys.size() > limits.maxKeysPerRequest()) {
            throw invalid("too many keys in one request: " + keys.size() + " > " + limits.maxKeysPerRequest());
        }
        for (ByteString k : keys) {
            if (ReservedKeys.isForbiddenUserKey(k.toByteArray())) {
                throw invalid("keys starting with 0xFF 0xFF are reserved");
            }
        }
        long regionId = ctx.getRegionId();
        RegionStateMachine sm = raft.machine(regionId);
        RegionMeta meta = sm == null ? null : sm.meta();
        if (meta == null || !"running".equalsIgnoreCase(meta.getState())) {
            return new Route(null, null, RegionErrors.epochNotMatch("region " + regionId + " is not served by store "
                    + raft.storeId(), meta, currentRegions()));
        }
        if (ctx.hasRegionEpoch() && (ctx.getRegionEpoch().getVersion() != meta.getEpochVersion()
                || ctx.getRegionEpoch().getConfVer() != meta.getEpochConfVersion())) {
            return new Route(null, null, RegionErrors.epochNotMatch("region " + regionId + ": stale epoch {ver:"
                    + ctx.getRegionEpoch().getVersion() + " conf:" + ctx.getRegionEpoch().getConfVer()
                    + "}, current {ver:" + meta.getEpochVersion() + " conf:" + meta.getEpochConfVersion() + "}",
                    meta, currentRegions()));
        }
        for (ByteString k : keys) {
            if (!contains(meta, k)) {
                return new Route(null, null, RegionErrors.keyNotInRegion(k.toByteArray(), meta));
            }
        }
        if (needLeader && !raft.isLeader(regionId)) {
            return new Route(null, null, RegionErrors.notLeader(regionId, meta, raft.leaderStoreId(regionId)));
        }
        return new Route(sm, meta, null);
    }

    private List<RegionMeta> currentRegions() {
        List<RegionMeta> out = new ArrayList<>();
        raft.machines().values().forEach(m -> {
            RegionMeta r = m.meta();
            if (r != null && "running".equalsIgnoreCase(r.getState())) {
                out.add(r);
            }
        });
        out.sort((a, b) -> Long.compare(a.getId(), b.getId()));
        return out;
    }

    static boolean contains(RegionMeta meta, ByteString key) {
        byte[] k = key.toByteArray();
        byte[] s = meta.getStartKey().toByteArray();
        byte[] e = meta.getEndKey().toByteArray();
        return Arrays.compareUnsigned(k, s) >= 0 && (e.length == 0 || Arrays.compareUnsigned(k, e) < 0);
    }

    private static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }

    // ---- the two paths: write through Raft, read after the barrier ---------------------------

    private <T> void write(String rpc, StreamObserver<T> obs, Context ctx, List<ByteString> keys,
                           Function<RegionError, T> onRegionError, RaftCommand.Builder cmd,
                           Function<RaftCommandResult, T> onResult) {
        long t0 = System.nanoTime();
        Route r;
        try {
            r = route(ctx, keys, true);
        } catch (StatusRuntimeException e) {
            fail(rpc, obs, t0, e);
            return;
        }
        if (r.error() != null) {
            done(rpc, obs, t0, onRegionError.apply(r.error()), true);
            return;
        }
        if (!pending.tryAcquire()) {
            metrics.serverBusy.incrementAndGet();
            done(rpc, obs, t0, onRegionError.apply(RegionErrors.serverIsBusy(
                    "more than " + limits.maxPendingProposals() + " proposals pending")), true);
            return;
        }
        metrics.proposals.incrementAndGet();
        cmd.setRegionId(ctx.getRegionId())
                .setEpoch(RegionEpoch.newBuilder().setVersion(r.meta().getEpochVersion())
                        .setConfVer(r.meta().getEpochConfVersion()))
                .setProposerTimeMs(System.currentTimeMillis())
                .setRegionStart(r.meta().getStartKey())
                .setRegionEnd(r.meta().getEndKey());
        RegionMeta meta = r.meta();
        raft.propose(cmd.build())
                .orTimeout(limits.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((res, err) -> {
                    pending.release();
                    if (err == null) {
                        if (res.getResultCase() == RaftCommandResult.ResultCase.RAW_ERROR && !rpc.startsWith("Raw")) {
                            fail(rpc, obs, t0, invalid(res.getRawError()));
                        } else if (res.getResultCase() == RaftCommandResult.ResultCase.REGION_ERROR) {
                            done(rpc, obs, t0, onRegionError.apply(res.getRegionError()), true);
                        } else {
                            done(rpc, obs, t0, onResult.apply(res), false);
                        }
                        return;
                    }
                    metrics.proposalFailures.incrementAndGet();
                    handleFailure(rpc, obs, t0, err, ctx.getRegionId(), meta, onRegionError);
                }, workers);
    }

    private <T> void read(String rpc, StreamObserver<T> obs, Context ctx, List<ByteString> keys,
                          Function<RegionError, T> onRegionError, Function<RegionMeta, T> reader) {
        long t0 = System.nanoTime();
        Route r;
        try {
            r = route(ctx, keys, true);
        } catch (StatusRuntimeException e) {
            fail(rpc, obs, t0, e);
            return;
        }
        if (r.error() != null) {
            done(rpc, obs, t0, onRegionError.apply(r.error()), true);
            return;
        }
        RegionMeta meta = r.meta();
        raft.readBarrier(ctx.getRegionId())
                .orTimeout(limits.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(v -> reader.apply(meta), workers)
                .whenComplete((res, err) -> {
                    if (err == null) {
                        done(rpc, obs, t0, res, false);
                    } else {
                        handleFailure(rpc, obs, t0, err, ctx.getRegionId(), meta, onRegionError);
                    }
                });
    }

    private <T> void handleFailure(String rpc, StreamObserver<T> obs, long t0, Throwable err, long regionId,
                                   RegionMeta meta, Function<RegionError, T> onRegionError) {
        Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (c instanceof StoreRaftServer.NotLeaderException nle) {
            done(rpc, obs, t0, onRegionError.apply(RegionErrors.notLeader(regionId, meta, nle.leaderStoreId())), true);
        } else if (c instanceof TimeoutException) {
            fail(rpc, obs, t0, Status.DEADLINE_EXCEEDED.withDescription("region " + regionId + ": no result within "
                    + limits.requestTimeoutMs() + " ms (a write may still be applied)").asRuntimeException());
        } else if (c instanceof IllegalArgumentException) {
            fail(rpc, obs, t0, invalid(c.getMessage()));
        } else if (c instanceof StatusRuntimeException sre) {
            fail(rpc, obs, t0, sre);
        } else {
            fail(rpc, obs, t0, Status.UNAVAILABLE.withDescription("region " + regionId + ": " + c)
                    .asRuntimeException());
        }
    }

    private <T> void done(String rpc, StreamObserver<T> obs, long t0, T response, boolean error) {
        metrics.record(rpc, System.nanoTime() - t0, error);
        obs.onNext(response);
        obs.onCompleted();
    }

    private <T> void fail(String rpc, StreamObserver<T> obs, long t0, StatusRuntimeException e) {
        metrics.record(rpc, System.nanoTime() - t0, true);
        obs.onError(e);
    }

    /** For handlers that validate before routing: bad input becomes a status, never an escaped exception. */
    private <T> boolean guard(String rpc, StreamObserver<T> obs, Runnable body) {
        long t0 = System.nanoTime();
        try {
            body.run();
            return true;
        } catch (StatusRuntimeException e) {
            fail(rpc, obs, t0, e);
        } catch (IllegalArgumentException e) {
            fail(rpc, obs, t0, invalid(e.getMessage()));
        } catch (RuntimeException e) {
            fail(rpc, obs, t0, Status.INTERNAL.withDescription(String.valueOf(e)).asRuntimeException());
        }
        return false;
    }

    private static long readTs(long version) {
        return version == 0 ? LATEST : Math.min(version, LATEST);
    }

    private int limit(int requested) {
        return requested <= 0 ? limits.maxKeysPerRequest() : Math.min(requested, limits.maxKeysPerRequest());
    }

    private static byte[] clipStart(byte[] start, RegionMeta m) {
        byte[] rs = m.getStartKey().toByteArray();
        return Arrays.compareUnsigned(start, rs) < 0 ? rs : start;
    }

    private static byte[] clipEnd(byte[] end, RegionMeta m) {
        byte[] re = m.getEndKey().toByteArray();
        if (end.length == 0) {
            return re;
        }
        if (re.length == 0) {
            return end;
        }
        return Arrays.compareUnsigned(end, re) < 0 ? end : re;
    }

    // ---- transactional reads -------------------------------------------------------------------

    @Override
    public void kvGet(KvGetRequest req, StreamObserver<KvGetResponse> obs) {
        GetRequest g = req.getRequest();
        read("KvGet", obs, req.getContext(), List.of(g.getKey()),
                e -> KvGetResponse.newBuilder().setRegionError(e).build(),
                meta -> KvGetResponse.newBuilder().setResponse(get(g)).build());
    }

    private GetResponse get(GetRequest g) {
        ReadResults.GetResult r = reader.get(g.getKey().toByteArray(), readTs(g.getVersion()));
        GetResponse.Builder b = GetResponse.newBuilder();
        if (r.locked() != null) {
            b.setError(io.nokv.node.kv.proto.KeyError.newBuilder().setLocked(ProtoMapping.locked(r.locked())));
        } else if (r.value() == null) {
            b.setNotFound(true);
        } else {
            b.setValue(ByteString.copyFrom(r.value()));
        }
        return b.build();
    }

    @Override
    public void kvBatchGet(KvBatchGetRequest req, StreamObserver<KvBatchGetResponse> obs) {
        List<ByteString> keys = new ArrayList<>();
        req.getRequest().getRequestsList().forEach(g -> keys.add(g.getKey()));
        read("KvBatchGet", obs, req.getContext(), keys,
                e -> KvBatchGetResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
                    req.getRequest().getRequestsList().forEach(g -> b.addResponses(get(g)));
                    return KvBatchGetResponse.newBuilder().setResponse(b).build();
                });
    }

    @Override
    public void kvScan(KvScanRequest req, StreamObserver<KvScanResponse> obs) {
        ScanRequest s = req.getRequest();
        List<ByteString> keys = s.getStartKey().isEmpty() ? List.of() : List.of(s.getStartKey());
        read("KvScan", obs, req.getContext(), s.getReverse() ? List.of() : keys,
                e -> KvScanResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    ReadResults.ScanResult r = reader.scan(s.getStartKey().toByteArray(), s.getEndKey().toByteArray(),
                            limit((int) s.getLimit()), readTs(s.getVersion()), s.getReverse(),
                            meta.getStartKey().toByteArray(), meta.getEndKey().toByteArray());
                    ScanResponse.Builder b = ScanResponse.newBuilder();
                    for (ReadResults.KvPair p : r.pairs()) {
                        b.addKvs(KV.newBuilder().setKey(ByteString.copyFrom(p.key())).setValue(ByteString.copyFrom(p.value())));
                    }
                    if (r.locked() != null) {
                        b.setError(io.nokv.node.kv.proto.KeyError.newBuilder().setLocked(ProtoMapping.locked(r.locked())));
                    }
                    return KvScanResponse.newBuilder().setResponse(b).build();
                });
    }

    @Override
    public void kvScanLock(KvScanLockRequest req, StreamObserver<KvScanLockResponse> obs) {
        ScanLockRequest s = req.getRequest();
        read("KvScanLock", obs, req.getContext(), List.of(),
                e -> KvScanLockResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    ScanLockResponse.Builder b = ScanLockResponse.newBuilder();
                    byte[] start = clipStart(s.getStartKey().toByteArray(), meta);
                    for (ReadResults.LockInfo li : reader.scanLock(readTs(s.getMaxVersion()), start,
                            meta.getEndKey().toByteArray(), limit((int) s.getLimit()))) {
                        b.addLocks(LockInfo.newBuilder().setKey(ByteString.copyFrom(li.key()))
                                .setPrimaryLock(ByteString.copyFrom(li.lock().primary()))
                                .setLockVersion(li.lock().startTs()).setLockTtl(li.lock().ttlMillis())
                                .setLockType(ProtoMapping.op(li.lock().kind())));
                    }
                    return KvScanLockResponse.newBuilder().setResponse(b).build();
                });
    }

    // ---- transactional writes ------------------------------------------------------------------

    @Override
    public void kvPrewrite(KvPrewriteRequest req, StreamObserver<KvPrewriteResponse> obs) {
        PrewriteRequest p = req.getRequest();
        List<ByteString> keys = new ArrayList<>();
        if (!guard("KvPrewrite", obs, () -> {
            if (p.getMutationsCount() == 0) {
                throw invalid("prewrite without mutations");
            }
            p.getMutationsList().forEach(m -> {
                ProtoMapping.mutation(m);
                keys.add(m.getKey());
            });
        })) {
            return;
        }
        write("KvPrewrite", obs, req.getContext(), keys,
                e -> KvPrewriteResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setPrewrite(p),
                res -> KvPrewriteResponse.newBuilder().setResponse(res.getPrewrite()).build());
    }

    @Override
    public void kvCommit(KvCommitRequest req, StreamObserver<KvCommitResponse> obs) {
        write("KvCommit", obs, req.getContext(), req.getRequest().getKeysList(),
                e -> KvCommitResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setCommit(req.getRequest()),
                res -> KvCommitResponse.newBuilder().setResponse(res.getCommit()).build());
    }

    @Override
    public void kvBatchRollback(KvBatchRollbackRequest req, StreamObserver<KvBatchRollbackResponse> obs) {
        write("KvBatchRollback", obs, req.getContext(), req.getRequest().getKeysList(),
                e -> KvBatchRollbackResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setRollback(req.getRequest()),
                res -> KvBatchRollbackResponse.newBuilder().setResponse(res.getRollback()).build());
    }

    @Override
    public void kvCheckTxnStatus(KvCheckTxnStatusRequest req, StreamObserver<KvCheckTxnStatusResponse> obs) {
        write("KvCheckTxnStatus", obs, req.getContext(), List.of(req.getRequest().getPrimaryKey()),
                e -> KvCheckTxnStatusResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setCheckTxnStatus(req.getRequest()),
                res -> KvCheckTxnStatusResponse.newBuilder().setResponse(res.getCheckTxnStatus()).build());
    }

    @Override
    public void kvResolveLock(KvResolveLockRequest req, StreamObserver<KvResolveLockResponse> obs) {
        write("KvResolveLock", obs, req.getContext(), req.getRequest().getKeysList(),
                e -> KvResolveLockResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setResolveLock(req.getRequest()),
                res -> KvResolveLockResponse.newBuilder().setResponse(res.getResolveLock()).build());
    }

    // ---- raw ---------------------------------------------------------------------------------

    @Override
    public void rawGet(RawGetRequest req, StreamObserver<RawGetResponse> obs) {
        read("RawGet", obs, req.getContext(), List.of(req.getKey()),
                e -> RawGetResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    VersionedValue v = raft.db().getVersioned(ColumnFamily.DEFAULT, req.getKey().toByteArray(),
                            Long.MAX_VALUE - 1);
                    return v == null ? RawGetResponse.newBuilder().setNotFound(true).build()
                            : RawGetResponse.newBuilder().setValue(ByteString.copyFrom(v.value())).build();
                });
    }

    @Override
    public void rawScan(RawScanRequest req, StreamObserver<RawScanResponse> obs) {
        List<ByteString> keys = req.getStartKey().isEmpty() ? List.of() : List.of(req.getStartKey());
        read("RawScan", obs, req.getContext(), keys,
                e -> RawScanResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    RawScanResponse.Builder b = RawScanResponse.newBuilder();
                    IteratorOptions o = IteratorOptions.defaults().columnFamily(ColumnFamily.DEFAULT)
                            .lowerBound(clipStart(req.getStartKey().toByteArray(), meta));
                    byte[] end = clipEnd(req.getEndKey().toByteArray(), meta);
                    o.upperBound(end.length == 0 ? ReservedKeys.USER_FORBIDDEN_PREFIX : end);
                    int max = limit((int) req.getLimit());
                    try (DbIterator it = raft.db().newIterator(o)) {
                        for (it.seekToFirst(); it.valid() && b.getKvsCount() < max; it.next()) {
                            if (ReservedKeys.isForbiddenUserKey(it.key())) {
                                break;
                            }
                            b.addKvs(RawKvPair.newBuilder().setKey(ByteString.copyFrom(it.key()))
                                    .setValue(ByteString.copyFrom(it.value())));
                        }
                    }
                    return b.build();
                });
    }

    @Override
    public void rawPut(RawPutRequest req, StreamObserver<RawPutResponse> obs) {
        write("RawPut", obs, req.getContext(), List.of(req.getKey()),
                e -> RawPutResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setRawPut(req.toBuilder().clearContext()),
                res -> RawPutResponse.newBuilder().setError(res.getRawError()).build());
    }

    @Override
    public void rawDelete(RawDeleteRequest req, StreamObserver<RawDeleteResponse> obs) {
        write("RawDelete", obs, req.getContext(), List.of(req.getKey()),
                e -> RawDeleteResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setRawDelete(req.toBuilder().clearContext()),
                res -> RawDeleteResponse.newBuilder().setError(res.getRawError()).build());
    }

    @Override
    public void rawBatchPut(RawBatchPutRequest req, StreamObserver<RawBatchPutResponse> obs) {
        List<ByteString> keys = new ArrayList<>();
        req.getPairsList().forEach(p -> keys.add(p.getKey()));
        write("RawBatchPut", obs, req.getContext(), keys,
                e -> RawBatchPutResponse.newBuilder().setRegionError(e).build(),
                RaftCommand.newBuilder().setRawBatchPut(req.toBuilder().clearContext()),
                res -> RawBatchPutResponse.newBuilder().setError(res.getRawError()).build());
    }

    // ---- admin -------------------------------------------------------------------------------

    private List<RegionInfo> regionInfos() {
        List<RegionInfo> out = new ArrayList<>();
        for (RegionMeta m : raft.directory().all()) {
            RegionInfo.Builder b = RegionInfo.newBuilder().setRegion(m);
            RegionStateMachine sm = raft.machine(m.getId());
            if (sm != null) {
                b.setLocal(true).setAppliedIndex(sm.appliedIndex());
                long leader = raft.leaderStoreId(m.getId());
                m.getPeersList().stream().filter(p -> p.getStoreId() == leader).findFirst().ifPresent(b::setLeader);
            }
            out.add(b.build());
        }
        return out;
    }

    @Override
    public void listRegions(ListRegionsRequest req, StreamObserver<ListRegionsResponse> obs) {
        long t0 = System.nanoTime();
        done("ListRegions", obs, t0, ListRegionsResponse.newBuilder().addAllRegions(regionInfos()).build(), false);
    }

    @Override
    public void status(StatusRequest req, StreamObserver<StatusResponse> obs) {
        long t0 = System.nanoTime();
        List<RegionInfo> infos = regionInfos();
        long leaders = infos.stream().filter(i -> i.getLocal() && raft.isLeader(i.getRegion().getId())).count();
        done("Status", obs, t0, StatusResponse.newBuilder().setStoreId(raft.storeId()).setAddr(addr)
                .setRaftAddr(raft.config().raftAddr()).addAllRegions(infos).setLeaderCount(leaders).build(), false);
    }

    @Override
    public void transferLeader(TransferLeaderRequest req, StreamObserver<TransferLeaderResponse> obs) {
        admin("TransferLeader", obs, req.getContext(),
                e -> TransferLeaderResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    raft.transferLeader(meta.getId(), req.getToStoreId(), limits.requestTimeoutMs());
                    return TransferLeaderResponse.getDefaultInstance();
                },
                msg -> TransferLeaderResponse.newBuilder().setError(msg).build());
    }

    @Override
    public void changePeer(ChangePeerRequest req, StreamObserver<ChangePeerResponse> obs) {
        admin("ChangePeer", obs, req.getContext(),
                e -> ChangePeerResponse.newBuilder().setRegionError(e).build(),
                meta -> {
                    if (req.getPeer().getStoreId() == 0 || req.getPeer().getPeerId() == 0) {
                        throw new IllegalArgumentException("peer.store_id and peer.peer_id are required");
                    }
                    RegionMeta next = raft.changePeer(meta.getId(), req.getPeer(),
                            req.getChangeType() == ChangePeerRequest.ChangeType.AddNode, limits.requestTimeoutMs());
                    return ChangePeerResponse.newBuilder().setRegion(next).build();
                },
                msg -> ChangePeerResponse.newBuilder().setError(msg).build());
    }

    private interface AdminAction<T> {
        T run(RegionMeta meta) throws Exception;
    }

    private <T> void admin(String rpc, StreamObserver<T> obs, Context ctx, Function<RegionError, T> onRegionError,
                           AdminAction<T> action, Function<String, T> onError) {
        long t0 = System.nanoTime();
        Route r;
        try {
            r = route(ctx, List.of(), true);
        } catch (StatusRuntimeException e) {
            fail(rpc, obs, t0, e);
            return;
        }
        if (r.error() != null) {
            done(rpc, obs, t0, onRegionError.apply(r.error()), true);
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                done(rpc, obs, t0, action.run(r.meta()), false);
            } catch (IllegalArgumentException e) {
                fail(rpc, obs, t0, invalid(e.getMessage()));
            } catch (Exception e) {
                done(rpc, obs, t0, onError.apply(String.valueOf(e.getMessage())), true);
            }
        }, workers);
    }
}
