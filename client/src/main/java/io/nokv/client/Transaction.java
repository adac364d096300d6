package io.nokv.client;

import com.google.protobuf.ByteString;
import io.nokv.node.config.Keys;
import io.nokv.node.kv.proto.BatchRollbackRequest;
import io.nokv.node.kv.proto.CheckTxnStatusResponse;
import io.nokv.node.kv.proto.CommitRequest;
import io.nokv.node.kv.proto.KeyError;
import io.nokv.node.kv.proto.KvBatchRollbackRequest;
import io.nokv.node.kv.proto.KvBatchRollbackResponse;
import io.nokv.node.kv.proto.KvCommitRequest;
import io.nokv.node.kv.proto.KvCommitResponse;
import io.nokv.node.kv.proto.KvPrewriteRequest;
import io.nokv.node.kv.proto.KvPrewriteResponse;
import io.nokv.node.kv.proto.Mutation;
import io.nokv.node.kv.proto.PrewriteRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * A snapshot-isolation transaction (Percolator). Reads see the cluster as of {@link #startTs()}
 * plus this transaction's own writes; writes are buffered until {@link #commit()}, which runs
 * two-phase commit: prewrite the primary key's region, then the other regions in parallel, take a
 * commit timestamp, commit the primary (the commit point), then the secondaries. Not thread-safe:
 * one transaction belongs to one thread.
 */
public final class Transaction implements AutoCloseable {
    /** UNKNOWN: the primary's commit was sent but its answer lost; only {@link #commit()} may settle it. */
    private enum State { OPEN, COMMITTED, ROLLED_BACK, UNKNOWN }

    private final RegionRpc rpc;
    private final SnapshotReader reader;
    private final LockResolver resolver;
    private final Timestamps tso;
    private final ExecutorService pool;
    private final long startTs;
    private final NavigableMap<byte[], Mutation> writes = new TreeMap<>(ByteKeys.ORDER);
    private State state = State.OPEN;
    private long commitTs;
    /** Tests: the next answer to the primary's commit is dropped after the store applied it. */
    private boolean loseNextPrimaryCommitAnswer;

    Transaction(RegionRpc rpc, SnapshotReader reader, LockResolver resolver, Timestamps tso, ExecutorService pool) {
        this.rpc = rpc;
        this.reader = reader;
        this.resolver = resolver;
        this.tso = tso;
        this.pool = pool;
        this.startTs = tso.next();
    }

    public long startTs() {
        return startTs;
    }

    /** The commit timestamp once {@link #commit()} succeeded (0 before, and for read-only transactions). */
    public long commitTs() {
        return commitTs;
    }

    /** The value at the start timestamp (or this transaction's own pending write), or null. */
    public byte[] get(byte[] key) {
        Mutation m = writes.get(key);
        if (m != null) {
            return m.getOp() == Mutation.Op.Put ? m.getValue().toByteArray() : null;
        }
        return reader.get(key, startTs);
    }

    public String get(String key) {
        byte[] v = get(ByteKeys.utf8(key));
        return v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Up to {@code limit} pairs with {@code start <= key < end} (empty end = unbounded), as of the
     * start timestamp with this transaction's own writes applied.
     */
    public List<KvPair> scan(byte[] start, byte[] end, int limit) {
        NavigableMap<byte[], byte[]> merged = new TreeMap<>(ByteKeys.ORDER);
        // Own deletes may hide stored pairs: read enough stored pairs to still fill the limit.
        int own = (int) writes.subMap(start, true, end.length == 0 ? Keys.reservedPrefix() : end, false).size();
        for (KvPair p : reader.scan(start, end, limit + own, startTs)) {
            merged.put(p.key(), p.value());
        }
        for (Map.Entry<byte[], Mutation> w : writes.entrySet()) {
            byte[] k = w.getKey();
            if (!ByteKeys.inRange(k, start, end)) {
                continue;
            }
            if (w.getValue().getOp() == Mutation.Op.Put) {
                merged.put(k, w.getValue().getValue().toByteArray());
            } else {
                merged.remove(k);
            }
        }
        List<KvPair> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : merged.entrySet()) {
            if (out.size() == limit) {
                break;
            }
            out.add(new KvPair(e.getKey(), e.getValue()));
        }
        return out;
    }

    public List<KvPair> scan(String start, String end, int limit) {
        return scan(ByteKeys.utf8(start), ByteKeys.utf8(end), limit);
    }

    public void put(byte[] key, byte[] value) {
        checkOpen();
        if (key.length == 0) {
            throw new IllegalArgumentException("empty key");
        }
        writes.put(key.clone(), Mutation.newBuilder().setOp(Mutation.Op.Put).setKey(ByteString.copyFrom(key))
                .setValue(ByteString.copyFrom(value)).build());
    }

    public void put(String key, String value) {
        put(ByteKeys.utf8(key), ByteKeys.utf8(value));
    }

    public void delete(byte[] key) {
        checkOpen();
        if (key.length == 0) {
            throw new IllegalArgumentException("empty key");
        }
        writes.put(key.clone(), Mutation.newBuilder().setOp(Mutation.Op.Delete).setKey(ByteString.copyFrom(key)).build());
    }

    public void delete(String key) {
        delete(ByteKeys.utf8(key));
    }

    /**
     * Commits the buffered writes atomically. On a conflict everything this transaction prewrote is
     * rolled back and {@link TxnConflictException} is thrown; run the transaction again to retry.
     * Once the primary is committed the transaction is committed, even if committing a secondary
     * fails (readers finish it through the primary).
     *
     * <p>When the primary's commit had an unknown outcome (a {@link NokvException} saying so), the
     * transaction is neither open nor finished: calling {@code commit()} again asks the primary
     * what became of it and finishes at the commit timestamp it really has, or throws
     * {@link TxnConflictException} if it was rolled back. It never commits at a second timestamp.
     */
    public void commit() {
        if (state == State.UNKNOWN) {
            settleUnknownOutcome();
            return;
        }
        checkOpen();
        if (writes.isEmpty()) {
            state = State.COMMITTED;
            return;
        }
        byte[] primary = writes.firstKey();
        List<byte[]> keys = new ArrayList<>(writes.keySet());
        try {
            prewrite(primary, keys);
        } catch (RuntimeException e) {
            rollbackQuietly(keys);
            state = State.ROLLED_BACK;
            throw e;
        }
        commitPrimary(primary, keys, false);
        state = State.COMMITTED;
        commitSecondariesQuietly(keys);
    }

    /**
     * After an unknown outcome: the primary's status decides. Committed → finish the secondaries
     * at that commit ts. Still locked → send the same commit again, same ts (if the lost one is
     * still in flight, the two are one). Rolled back → refuse.
     */
    private void settleUnknownOutcome() {
        byte[] primary = writes.firstKey();
        List<byte[]> keys = new ArrayList<>(writes.keySet());
        CheckTxnStatusResponse status = resolver.checkTxnStatus(primary, startTs);
        if (status.hasError()) {
            throw new NokvException("transaction @" + startTs + ": the outcome of its commit is still unknown"
                    + " (check-txn-status of " + ByteKeys.format(primary) + " failed: " + status.getError().toString().strip()
                    + "); call commit() again");
        }
        if (status.getCommitVersion() > 0) {
            commitTs = status.getCommitVersion();
        } else if (status.getLockTtl() > 0) {
            commitPrimary(primary, keys, true);
        } else {
            state = State.ROLLED_BACK;
            rollbackQuietly(keys);
            throw new TxnConflictException("transaction @" + startTs + " was rolled back while the outcome of its"
                    + " commit was unknown (its lock expired and a reader rolled it back)", primary);
        }
        state = State.COMMITTED;
        commitSecondariesQuietly(keys);
    }

    private void commitSecondariesQuietly(List<byte[]> keys) {
        List<byte[]> secondaries = keys.subList(1, keys.size());
        if (!secondaries.isEmpty()) {
            try {
                commitSecondaries(secondaries);
            } catch (RuntimeException ignored) {
                // Committed already: readers that meet these locks commit them through the primary.
            }
        }
    }

    /** Tests: phase one only, as a writer that dies before its commit point (its locks stay behind). */
    void crashAfterPrewrite() {
        checkOpen();
        prewrite(writes.firstKey(), new ArrayList<>(writes.keySet()));
        state = State.ROLLED_BACK;
    }

    /** Tests: phase one and the primary's commit, as a writer that dies right after its commit point. */
    void crashAfterPrimaryCommit() {
        checkOpen();
        List<byte[]> keys = new ArrayList<>(writes.keySet());
        prewrite(writes.firstKey(), keys);
        commitPrimary(writes.firstKey(), keys, false);
        state = State.COMMITTED;
    }

    /** Tests: the store applies the primary's commit but its answer never arrives (an unknown outcome). */
    void loseNextPrimaryCommitAnswer() {
        loseNextPrimaryCommitAnswer = true;
    }

    /** Discards the buffered writes (nothing reaches the stores before commit). */
    public void rollback() {
        if (state == State.OPEN) {
            writes.clear();
            state = State.ROLLED_BACK;
        }
    }

    @Override
    public void close() {
        rollback();
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("transaction @" + startTs + " is " + state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    // ---- phase one ------------------------------------------------------------------------------

    private void prewrite(byte[] primary, List<byte[]> keys) {
        Map<Long, List<byte[]>> groups = rpc.group(keys);
        List<byte[]> primaryGroup = null;
        for (List<byte[]> g : groups.values()) {
            if (Arrays.equals(g.get(0), primary)) {
                primaryGroup = g;
            }
        }
        groups.values().remove(primaryGroup);
        prewriteGroup(primary, primaryGroup);
        List<CompletableFuture<Void>> rest = new ArrayList<>();
        for (List<byte[]> g : groups.values()) {
            rest.add(CompletableFuture.runAsync(() -> prewriteGroup(primary, g), pool));
        }
        awaitAll(rest);
    }

    private void prewriteGroup(byte[] primary, List<byte[]> group) {
        List<byte[]> pending = group;
        SnapshotReader.LockWait wait = new SnapshotReader.LockWait();
        for (int round = 0; ; round++) {
            List<byte[]> locked = new ArrayList<>();
            for (RegionRpc.Answer<KvPrewriteResponse> a : rpc.sendGrouped("prewrite", pending, this::prewriteCall,
                    r -> r.hasRegionError() ? r.getRegionError() : null)) {
                for (KeyError e : a.response().getResponse().getErrorsList()) {
                    if (e.hasLocked()) {
                        // A lock whose owner is gone (committed or expired) is cleared and we try again;
                        // a live owner means we conflict with it.
                        if (!resolver.resolve(e.getLocked())) {
                            throw new TxnConflictException("transaction @" + startTs + ": key "
                                    + ByteKeys.format(e.getLocked().getKey().toByteArray()) + " is locked by live transaction @"
                                    + e.getLocked().getLockVersion(), e.getLocked().getKey().toByteArray());
                        }
                        locked.add(e.getLocked().getKey().toByteArray());
                    } else if (e.hasWriteConflict()) {
                        throw new TxnConflictException("transaction @" + startTs + ": write conflict on key "
                                + ByteKeys.format(e.getWriteConflict().getKey().toByteArray()) + " (committed @"
                                + e.getWriteConflict().getConflictTs() + ")", e.getWriteConflict().getKey().toByteArray());
                    } else if (!e.getAbort().isEmpty()) {
                        throw new TxnConflictException("transaction @" + startTs + " aborted: " + e.getAbort(), null);
                    } else if (!e.getRetryable().isEmpty()) {
                        locked.add(primary); // retry the group
                    } else {
                        throw new NokvException("prewrite @" + startTs + " failed: " + e.toString().strip());
                    }
                }
            }
            if (locked.isEmpty()) {
                return;
            }
            if (round >= rpc.options().maxRetries()) {
                throw new TxnConflictException("transaction @" + startTs + ": keys stayed locked after "
                        + round + " resolutions", locked.get(0));
            }
            // Prewrite is idempotent for keys already locked by us: send the whole group again.
            wait.pause("prewrite", io.nokv.node.kv.proto.Locked.getDefaultInstance(), rpc.options());
        }
    }

    private RegionRpc.Call<KvPrewriteResponse> prewriteCall(List<byte[]> keys) {
        PrewriteRequest.Builder p = PrewriteRequest.newBuilder().setPrimaryLock(ByteString.copyFrom(writes.firstKey()))
                .setStartVersion(startTs).setLockTtl(rpc.options().lockTtl().toMillis()).setTxnSize(writes.size())
                .setMinCommitTs(startTs + 1);
        keys.forEach(k -> p.addMutations(writes.get(k)));
        PrewriteRequest req = p.build();
        return (stub, ctx) -> stub.kvPrewrite(KvPrewriteRequest.newBuilder().setContext(ctx).setRequest(req).build());
    }

    // ---- phase two ------------------------------------------------------------------------------

    /** @param resend the first round sends the commit ts of the attempt whose outcome was unknown again */
    private void commitPrimary(byte[] primary, List<byte[]> keys, boolean resend) {
        for (int round = 0; ; round++) {
            if (!(resend && round == 0)) {
                commitTs = tso.next();
            }
            KvCommitResponse r;
            try {
                r = rpc.send("commit", primary, List.of(primary), commitCall(List.of(primary)),
                        resp -> resp.hasRegionError() ? resp.getRegionError() : null).response();
                if (loseNextPrimaryCommitAnswer) {
                    loseNextPrimaryCommitAnswer = false;
                    throw new NokvException("the answer was lost (test)");
                }
            } catch (RegionRpc.RegionChanged e) {
                throw new IllegalStateException("one key cannot span regions", e);
            } catch (NokvException e) {
                // The commit may have been applied at commitTs. A second commit at another ts would
                // also "succeed" (commit is idempotent per transaction) and split the transaction.
                state = State.UNKNOWN;
                throw new NokvException("transaction @" + startTs + ": commit of the primary key has an unknown outcome"
                        + " (call commit() again to settle it; readers settle it through the primary): " + e.getMessage(), e);
            }
            if (!r.getResponse().hasError()) {
                return;
            }
            KeyError e = r.getResponse().getError();
            if (!e.getRetryable().isEmpty() && round < rpc.options().maxRetries()) {
                continue; // a reader pushed the min commit ts: commit with a newer ts
            }
            state = State.ROLLED_BACK;
            rollbackQuietly(keys);
            throw new TxnConflictException("transaction @" + startTs + " could not commit its primary key "
                    + ByteKeys.format(primary) + " (another reader rolled it back?): " + e.toString().strip(), primary);
        }
    }

    private void commitSecondaries(List<byte[]> keys) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (List<byte[]> g : rpc.group(keys).values()) {
            fs.add(CompletableFuture.runAsync(() -> rpc.sendGrouped("commit", g, this::commitCall,
                    r -> r.hasRegionError() ? r.getRegionError() : null), pool));
        }
        awaitAll(fs);
    }

    private RegionRpc.Call<KvCommitResponse> commitCall(List<byte[]> keys) {
        CommitRequest.Builder c = CommitRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs);
        keys.forEach(k -> c.addKeys(ByteString.copyFrom(k)));
        CommitRequest req = c.build();
        return (stub, ctx) -> stub.kvCommit(KvCommitRequest.newBuilder().setContext(ctx).setRequest(req).build());
    }

    private void rollbackQuietly(List<byte[]> keys) {
        try {
            rpc.sendGrouped("rollback", keys, this::rollbackCall, r -> r.hasRegionError() ? r.getRegionError() : null);
        } catch (RuntimeException ignored) {
            // Locks left behind expire and are rolled back by the next reader.
        }
    }

    private RegionRpc.Call<KvBatchRollbackResponse> rollbackCall(List<byte[]> keys) {
        BatchRollbackRequest.Builder b = BatchRollbackRequest.newBuilder().setStartVersion(startTs);
        keys.forEach(k -> b.addKeys(ByteString.copyFrom(k)));
        BatchRollbackRequest req = b.build();
        return (stub, ctx) -> stub.kvBatchRollback(KvBatchRollbackRequest.newBuilder().setContext(ctx).setRequest(req).build());
    }

    private static void awaitAll(List<CompletableFuture<Void>> fs) {
        RuntimeException first = null;
        for (CompletableFuture<Void> f : fs) {
            try {
                f.join();
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new NokvException(String.valueOf(e.getCause()), e.getCause());
                if (first == null || (cause instanceof TxnConflictException && !(first instanceof TxnConflictException))) {
                    first = cause;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
