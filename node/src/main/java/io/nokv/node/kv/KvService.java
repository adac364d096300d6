package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.VersionedValue;
import io.nokv.node.config.Keys;
import io.nokv.node.kv.proto.*;
import io.nokv.node.mvcc.MvccReader;
import io.nokv.node.mvcc.ReadResults;
import io.nokv.node.raft.RegionStateMachine;
import io.nokv.node.raft.StoreRaftServer;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionProtos;
import io.nokv.node.region.RegionState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

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
    private final Supplier<String> addr;

    /** {@code addr}: where this service listens, as Status reports it (known once the server is bound). */
    public KvService(StoreRaftServer raft, KvMetrics metrics, Limits limits, ExecutorService workers, Supplier<String> addr) {
        this.raft = raft;
        this.reader = new MvccReader(raft.db());
        this.metrics = metrics;
        this.limits = limits;
        this.pending = new Semaphore(limits.maxPendingProposals());
        this.workers = workers;
        this.addr = addr;
    }

    // ---- one call: its RPC, where the answer goes, how its response carries a region error -------

    /**
     * One request in flight. Every way a request ends goes through here, so each RPC is counted
     * once in the metrics (with its latency and whether it failed) and answered once.
     */
    private final class Call<T> {
        final String rpc;
        final StreamObserver<T> obs;
        final Function<RegionError, T> withRegionError;
        final long t0 = System.nanoTime();

        Call(String rpc, StreamObserver<T> obs, Function<RegionError, T> withRegionError) {
            this.rpc = rpc;
            this.obs = obs;
            this.withRegionError = withRegionError;
        }

        void answer(T response, boolean error) {
            metrics.record(rpc, System.nanoTime() - t0, error);
            obs.onNext(response);
            obs.onCompleted();
        }

        void regionError(RegionError e) {
            answer(withRegionError.apply(e), true);
        }

        void fail(StatusRuntimeException e) {
            metrics.record(rpc, System.nanoTime() - t0, true);
            obs.onError(e);
        }

        /** The region the request may run in (this store leads it), or null once the call is answered. */
        RegionMeta route(Context ctx, List<ByteString> keys) {
            Route r;
            try {
                r = KvService.this.route(ctx, keys);
            } catch (StatusRuntimeException e) {
                fail(e);
                return null;
            }
            if (r.error() != null) {
                regionError(r.error());
                return null;
            }
            return r.meta();
        }

        /** Answers a proposal or read that failed after routing. */
        void failed(Throwable err, RegionMeta meta) {
            Throwable c = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            long regionId = meta.id();
            if (c instanceof StoreRaftServer.NotLeaderException nle) {
                regionError(RegionErrors.notLeader(regionId, meta, nle.leaderStoreId()));
            } else if (c instanceof TimeoutException) {
                fail(Status.DEADLINE_EXCEEDED.withDescription("region " + regionId + ": no result within "
                        + limits.requestTimeoutMs() + " ms (a write may still be applied)").asRuntimeException());
            } else if (c instanceof IllegalArgumentException) {
                fail(invalid(c.getMessage()));
            } else if (c instanceof StatusRuntimeException sre) {
                fail(sre);
            } else {
                fail(Status.UNAVAILABLE.withDescription("region " + regionId + ": " + c).asRuntimeException());
            }
        }

        /** For checks before routing: bad input becomes a status, never an escaped exception. */
        boolean validate(Runnable check) {
            try {
                check.run();
                return true;
            } catch (StatusRuntimeException e) {
                fail(e);
            } catch (IllegalArgumentException e) {
                fail(invalid(e.getMessage()));
            } catch (RuntimeException e) {
                fail(Status.INTERNAL.withDescription(String.valueOf(e)).asRuntimeException());
            }
            return false;
        }
    }

    private <T> Call<T> call(String rpc, StreamObserver<T> obs, Function<RegionError, T> withRegionError) {
        return new Call<>(rpc, obs, withRegionError);
    }

    // ---- routing --------------------------------------------------------------------------------

    /** The region a request may run in, or the region error that says why not. */
    private record Route(RegionMeta meta, RegionError error) {
    }

    private Route route(Context ctx, List<ByteString> keys) {
        if (ctx == null || ctx.getRegionId() == 0) {
            throw invalid("context.region_id is required");
        }
        if (keys.size() > limits.maxKeysPerRequest()) {
            throw invalid("too many keys in one request: " + keys.size() + " > " + limits.maxKeysPerRequest());
        }
        for (ByteString k : keys) {
            if (Keys.isReserved(k.toByteArray())) {
                throw invalid("keys starting with 0xFF 0xFF are reserved");
            }
        }
        long regionId = ctx.getRegionId();
        RegionStateMachine sm = raft.machine(regionId);
        RegionMeta meta = sm == null ? null : sm.meta();
        if (meta == null || meta.state() != RegionState.RUNNING) {
            return new Route(null, RegionErrors.epochNotMatch("region " + regionId + " is not served by store "
                    + raft.storeId(), meta, currentRegions()));
        }
        RegionEpoch epoch = meta.epoch();
        if (ctx.hasRegionEpoch() && (ctx.getRegionEpoch().getVersion() != epoch.version()
                || ctx.getRegionEpoch().getConfVer() != epoch.confVersion())) {
            return new Route(null, RegionErrors.epochNotMatch("region " + regionId + ": stale epoch {ver:"
                    + ctx.getRegionEpoch().getVersion() + " conf:" + ctx.getRegionEpoch().getConfVer()
                    + "}, current {ver:" + epoch.version() + " conf:" + epoch.confVersion() + "}",
                    meta, currentRegions()));
        }
        for (ByteString k : keys) {
            if (!meta.contains(k.toByteArray())) {
                return new Route(null, RegionErrors.keyNotInRegion(k.toByteArray(), meta));
            }
        }
        if (!raft.isLeader(regionId)) {
            return new Route(null, RegionErrors.notLeader(regionId, meta, raft.leaderStoreId(regionId)));
        }
        return new Route(meta, null);
    }

    private List<RegionMeta> currentRegions() {
        List<RegionMeta> out = new ArrayList<>();
        raft.machines().values().forEach(m -> {
            RegionMeta r = m.meta();
            if (r != null && r.state() == RegionState.RUNNING) {
                out.add(r);
            }
        });
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
        return out;
    }

    private static StatusRuntimeException invalid(String why) {
        return Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }

    // ---- the helpers every RPC goes through: one per kind -------------------------------------

    /** A transactional write: through Raft; a raw error of the command is bad input (INVALID_ARGUMENT). */
    private <T> void txnWrite(Call<T> call, Context ctx, List<ByteString> keys, RaftCommand.Builder cmd,
                              Function<RaftCommandResult, T> onResult) {
        propose(call, ctx, keys, cmd, res -> {
            if (res.getResultCase() == RaftCommandResult.ResultCase.RAW_ERROR) {
                call.fail(invalid(res.getRawError()));
            } else {
                call.answer(onResult.apply(res), false);
            }
        });
    }

    /** A raw write: through Raft; the command's raw error (empty on success) is the response's error field. */
    private <T> void rawWrite(Call<T> call, Context ctx, List<ByteString> keys, RaftCommand.Builder cmd,
                              Function<String, T> withError) {
        propose(call, ctx, keys, cmd, res -> call.answer(withError.apply(res.getRawError()), false));
    }

    private <T> void propose(Call<T> call, Context ctx, List<ByteString> keys, RaftCommand.Builder cmd,
                             Consumer<RaftCommandResult> onApplied) {
        RegionMeta meta = call.route(ctx, keys);
        if (meta == null) {
            return;
        }
        if (!pending.tryAcquire()) {
            metrics.serverBusy.incrementAndGet();
            call.regionError(RegionErrors.serverIsBusy("more than " + limits.maxPendingProposals() + " proposals pending"));
            return;
        }
        metrics.proposals.incrementAndGet();
        cmd.setRegionId(ctx.getRegionId())
                .setEpoch(RegionProtos.toProto(meta.epoch()))
                .setProposerTimeMs(System.currentTimeMillis())
                .setRegionStart(ByteString.copyFrom(meta.startKey()))
                .setRegionEnd(ByteString.copyFrom(meta.endKey()));
        raft.propose(cmd.build())
                .orTimeout(limits.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((res, err) -> {
                    pending.release();
                    if (err != null) {
                        metrics.proposalFailures.incrementAndGet();
                        call.failed(err, meta);
                    } else if (res.getResultCase() == RaftCommandResult.ResultCase.REGION_ERROR) {
                        call.regionError(res.getRegionError());
                    } else {
                        onApplied.accept(res);
                    }
                }, workers);
    }

    /** A read (transactional or raw): after the region's linearizable read barrier, on a worker. */
    private <T> void read(Call<T> call, Context ctx, List<ByteString> keys, Function<RegionMeta, T> reader) {
        RegionMeta meta = call.route(ctx, keys);
        if (meta == null) {
            return;
        }
        raft.readBarrier(ctx.getRegionId())
                .orTimeout(limits.requestTimeoutMs(), TimeUnit.MILLISECONDS)
                .thenApplyAsync(v -> reader.apply(meta), workers)
                .whenComplete((res, err) -> {
                    if (err == null) {
                        call.answer(res, false);
                    } else {
                        call.failed(err, meta);
                    }
                });
    }

    private interface AdminAction<T> {
        T run(RegionMeta meta) throws Exception;
    }

    /** An admin change of a region (leader, membership), run on the region's leader off the gRPC thread. */
    private <T> void admin(Call<T> call, Context ctx, AdminAction<T> action, Function<String, T> withError) {
        RegionMeta meta = call.route(ctx, List.of());
        if (meta == null) {
            return;
        }
        CompletableFuture.runAsync(() -> {
            try {
                call.answer(action.run(meta), false);
            } catch (IllegalArgumentException e) {
                call.fail(invalid(e.getMessage()));
            } catch (Exception e) {
                call.answer(withError.apply(String.valueOf(e.getMessage())), true);
            }
        }, workers);
    }

    /** An answer from this store alone (no region, no Raft). */
    private <T> void local(String rpc, StreamObserver<T> obs, Supplier<T> answer) {
        call(rpc, obs, e -> null).answer(answer.get(), false);
    }

    private static long readTs(long version) {
        return version == 0 ? LATEST : Math.min(version, LATEST);
    }

    private int limit(int requested) {
        return requested <= 0 ? limits.maxKeysPerRequest() : Math.min(requested, limits.maxKeysPerRequest());
    }

    private static byte[] clipStart(byte[] start, RegionMeta m) {
        byte[] rs = m.startKey();
        return Arrays.compareUnsigned(start, rs) < 0 ? rs : start;
    }

    private static byte[] clipEnd(byte[] end, RegionMeta m) {
        byte[] re = m.endKey();
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
        read(call("KvGet", obs, e -> KvGetResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), List.of(g.getKey()),
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
        read(call("KvBatchGet", obs, e -> KvBatchGetResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), keys,
                meta -> {
                    BatchGetResponse.Builder b = BatchGetResponse.newBuilder();
                    req.getRequest().getRequestsList().forEach(g -> b.addResponses(get(g)));
                    return KvBatchGetResponse.newBuilder().setResponse(b).build();
                });
    }

    @Override
    public void kvScan(KvScanRequest req, StreamObserver<KvScanResponse> obs) {
        ScanRequest s = req.getRequest();
        List<ByteString> keys = s.getStartKey().isEmpty() || s.getReverse() ? List.of() : List.of(s.getStartKey());
        read(call("KvScan", obs, e -> KvScanResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), keys,
                meta -> {
                    ReadResults.ScanResult r = reader.scan(s.getStartKey().toByteArray(), s.getEndKey().toByteArray(),
                            limit((int) s.getLimit()), readTs(s.getVersion()), s.getReverse(),
                            meta.startKey(), meta.endKey());
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
        read(call("KvScanLock", obs, e -> KvScanLockResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), List.of(),
                meta -> {
                    ScanLockResponse.Builder b = ScanLockResponse.newBuilder();
                    byte[] start = clipStart(s.getStartKey().toByteArray(), meta);
                    for (ReadResults.LockInfo li : reader.scanLock(readTs(s.getMaxVersion()), start,
                            meta.endKey(), limit((int) s.getLimit()))) {
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
        Call<KvPrewriteResponse> call = call("KvPrewrite", obs, e -> KvPrewriteResponse.newBuilder().setRegionError(e).build());
        PrewriteRequest p = req.getRequest();
        List<ByteString> keys = new ArrayList<>();
        boolean valid = call.validate(() -> {
            if (p.getMutationsCount() == 0) {
                throw invalid("prewrite without mutations");
            }
            p.getMutationsList().forEach(m -> {
                ProtoMapping.mutation(m);
                keys.add(m.getKey());
            });
        });
        if (valid) {
            txnWrite(call, req.getContext(), keys, RaftCommand.newBuilder().setPrewrite(p),
                    res -> KvPrewriteResponse.newBuilder().setResponse(res.getPrewrite()).build());
        }
    }

    @Override
    public void kvCommit(KvCommitRequest req, StreamObserver<KvCommitResponse> obs) {
        txnWrite(call("KvCommit", obs, e -> KvCommitResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), req.getRequest().getKeysList(), RaftCommand.newBuilder().setCommit(req.getRequest()),
                res -> KvCommitResponse.newBuilder().setResponse(res.getCommit()).build());
    }

    @Override
    public void kvBatchRollback(KvBatchRollbackRequest req, StreamObserver<KvBatchRollbackResponse> obs) {
        txnWrite(call("KvBatchRollback", obs, e -> KvBatchRollbackResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), req.getRequest().getKeysList(), RaftCommand.newBuilder().setRollback(req.getRequest()),
                res -> KvBatchRollbackResponse.newBuilder().setResponse(res.getRollback()).build());
    }

    @Override
    public void kvCheckTxnStatus(KvCheckTxnStatusRequest req, StreamObserver<KvCheckTxnStatusResponse> obs) {
        txnWrite(call("KvCheckTxnStatus", obs, e -> KvCheckTxnStatusResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), List.of(req.getRequest().getPrimaryKey()),
                RaftCommand.newBuilder().setCheckTxnStatus(req.getRequest()),
                res -> KvCheckTxnStatusResponse.newBuilder().setResponse(res.getCheckTxnStatus()).build());
    }

    @Override
    public void kvResolveLock(KvResolveLockRequest req, StreamObserver<KvResolveLockResponse> obs) {
        txnWrite(call("KvResolveLock", obs, e -> KvResolveLockResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), req.getRequest().getKeysList(), RaftCommand.newBuilder().setResolveLock(req.getRequest()),
                res -> KvResolveLockResponse.newBuilder().setResponse(res.getResolveLock()).build());
    }

    // ---- raw ---------------------------------------------------------------------------------

    @Override
    public void rawGet(RawGetRequest req, StreamObserver<RawGetResponse> obs) {
        read(call("RawGet", obs, e -> RawGetResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), List.of(req.getKey()),
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
        read(call("RawScan", obs, e -> RawScanResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), keys,
                meta -> {
                    RawScanResponse.Builder b = RawScanResponse.newBuilder();
                    IteratorOptions o = IteratorOptions.defaults().columnFamily(ColumnFamily.DEFAULT)
                            .lowerBound(clipStart(req.getStartKey().toByteArray(), meta));
                    byte[] end = clipEnd(req.getEndKey().toByteArray(), meta);
                    o.upperBound(end.length == 0 ? Keys.reservedPrefix() : end);
                    int max = limit((int) req.getLimit());
                    try (DbIterator it = raft.db().newIterator(o)) {
                        for (it.seekToFirst(); it.valid() && b.getKvsCount() < max; it.next()) {
                            if (Keys.isReserved(it.key())) {
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
        rawWrite(call("RawPut", obs, e -> RawPutResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), List.of(req.getKey()), RaftCommand.newBuilder().setRawPut(req.toBuilder().clearContext()),
                error -> RawPutResponse.newBuilder().setError(error).build());
    }

    @Override
    public void rawDelete(RawDeleteRequest req, StreamObserver<RawDeleteResponse> obs) {
        rawWrite(call("RawDelete", obs, e -> RawDeleteResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), List.of(req.getKey()), RaftCommand.newBuilder().setRawDelete(req.toBuilder().clearContext()),
                error -> RawDeleteResponse.newBuilder().setError(error).build());
    }

    @Override
    public void rawBatchPut(RawBatchPutRequest req, StreamObserver<RawBatchPutResponse> obs) {
        List<ByteString> keys = new ArrayList<>();
        req.getPairsList().forEach(p -> keys.add(p.getKey()));
        rawWrite(call("RawBatchPut", obs, e -> RawBatchPutResponse.newBuilder().setRegionError(e).build()),
                req.getContext(), keys, RaftCommand.newBuilder().setRawBatchPut(req.toBuilder().clearContext()),
                error -> RawBatchPutResponse.newBuilder().setError(error).build());
    }

    // ---- admin -------------------------------------------------------------------------------

    private List<RegionInfo> regionInfos() {
        List<RegionInfo> out = new ArrayList<>();
        for (RegionMeta m : raft.directory().all()) {
            RegionInfo.Builder b = RegionInfo.newBuilder().setRegion(RegionProtos.toProto(m));
            RegionStateMachine sm = raft.machine(m.id());
            if (sm != null) {
                b.setLocal(true).setAppliedIndex(sm.appliedIndex());
                m.peerOnStore(raft.leaderStoreId(m.id())).map(RegionProtos::toProto).ifPresent(b::setLeader);
            }
            out.add(b.build());
        }
        return out;
    }

    @Override
    public void listRegions(ListRegionsRequest req, StreamObserver<ListRegionsResponse> obs) {
        local("ListRegions", obs, () -> ListRegionsResponse.newBuilder().addAllRegions(regionInfos()).build());
    }

    @Override
    public void status(StatusRequest req, StreamObserver<StatusResponse> obs) {
        local("Status", obs, () -> {
            List<RegionInfo> infos = regionInfos();
            long leaders = infos.stream().filter(i -> i.getLocal() && raft.isLeader(i.getRegion().getId())).count();
            return StatusResponse.newBuilder().setStoreId(raft.storeId()).setAddr(addr.get())
                    .setRaftAddr(raft.config().raftAddr()).addAllRegions(infos).setLeaderCount(leaders).build();
        });
    }

    @Override
    public void transferLeader(TransferLeaderRequest req, StreamObserver<TransferLeaderResponse> obs) {
        admin(call("TransferLeader", obs, e -> TransferLeaderResponse.newBuilder().setRegionError(e).build()),
                req.getContext(),
                meta -> {
                    raft.transferLeader(meta.id(), req.getToStoreId(), limits.requestTimeoutMs());
                    return TransferLeaderResponse.getDefaultInstance();
                },
                msg -> TransferLeaderResponse.newBuilder().setError(msg).build());
    }

    @Override
    public void changePeer(ChangePeerRequest req, StreamObserver<ChangePeerResponse> obs) {
        admin(call("ChangePeer", obs, e -> ChangePeerResponse.newBuilder().setRegionError(e).build()),
                req.getContext(),
                meta -> {
                    if (req.getPeer().getStoreId() == 0 || req.getPeer().getPeerId() == 0) {
                        throw new IllegalArgumentException("peer.store_id and peer.peer_id are required");
                    }
                    RegionMeta next = raft.changePeer(meta.id(), RegionProtos.fromProto(req.getPeer()),
                            req.getChangeType() == ChangePeerRequest.ChangeType.AddNode, limits.requestTimeoutMs());
                    return ChangePeerResponse.newBuilder().setRegion(RegionProtos.toProto(next)).build();
                },
                msg -> ChangePeerResponse.newBuilder().setError(msg).build());
    }
}
