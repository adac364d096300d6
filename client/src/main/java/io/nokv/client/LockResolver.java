package io.nokv.client;

import com.google.protobuf.ByteString;
import io.nokv.node.kv.proto.CheckTxnStatusRequest;
import io.nokv.node.kv.proto.CheckTxnStatusResponse;
import io.nokv.node.kv.proto.KvCheckTxnStatusRequest;
import io.nokv.node.kv.proto.KvCheckTxnStatusResponse;
import io.nokv.node.kv.proto.KvResolveLockRequest;
import io.nokv.node.kv.proto.KvResolveLockResponse;
import io.nokv.node.kv.proto.Locked;
import io.nokv.node.kv.proto.ResolveLockRequest;

import java.util.List;

/**
 * Clears a lock another transaction left, by asking its primary key what became of it
 * (check-txn-status, which also rolls back a transaction whose lock TTL ran out) and then
 * committing or rolling back the lock in its own region (resolve-lock). A live transaction's lock
 * is left alone: the caller waits and tries again.
 */
final class LockResolver {
    private final RegionRpc rpc;

    LockResolver(RegionRpc rpc) {
        this.rpc = rpc;
    }

    /** Returns true when the lock is gone (committed or rolled back), false while its owner is alive. */
    boolean resolve(Locked lock) {
        byte[] primary = lock.getPrimaryLock().toByteArray();
        CheckTxnStatusResponse status = checkTxnStatus(primary, lock.getLockVersion());
        if (status.hasError() && !status.getError().getRetryable().isEmpty()) {
            return false;
        }
        if (status.hasError() && status.getError().hasTxnNotFound()) {
            return false; // cannot happen with rollback_if_not_exist; wait and re-read
        }
        long commitTs = status.getCommitVersion();
        if (commitTs == 0 && status.getLockTtl() > 0) {
            return false; // the owner is alive
        }
        resolveLock(lock.getKey().toByteArray(), lock.getLockVersion(), commitTs);
        return true;
    }

    /** The status of the transaction {@code lockTs} at its primary; one that left no trace is rolled back. */
    CheckTxnStatusResponse checkTxnStatus(byte[] primary, long lockTs) {
        CheckTxnStatusRequest req = CheckTxnStatusRequest.newBuilder().setPrimaryKey(ByteString.copyFrom(primary))
                .setLockTs(lockTs).setRollbackIfNotExist(true).build();
        try {
            return rpc.send("check-txn-status", primary, List.of(primary),
                    (stub, ctx) -> stub.kvCheckTxnStatus(KvCheckTxnStatusRequest.newBuilder().setContext(ctx).setRequest(req).build()),
                    r -> r.hasRegionError() ? r.getRegionError() : null).response().getResponse();
        } catch (RegionRpc.RegionChanged e) {
            throw new IllegalStateException("one key cannot span regions", e);
        }
    }

    /** Commits ({@code commitTs > 0}) or rolls back the transaction's lock on {@code key}. */
    void resolveLock(byte[] key, long startTs, long commitTs) {
        ResolveLockRequest req = ResolveLockRequest.newBuilder().setStartVersion(startTs).setCommitVersion(commitTs)
                .addKeys(ByteString.copyFrom(key)).build();
        KvResolveLockResponse resp;
        try {
            resp = rpc.send("resolve-lock", key, List.of(key),
                    (stub, ctx) -> stub.kvResolveLock(KvResolveLockRequest.newBuilder().setContext(ctx).setRequest(req).build()),
                    r -> r.hasRegionError() ? r.getRegionError() : null).response();
        } catch (RegionRpc.RegionChanged e) {
            throw new IllegalStateException("one key cannot span regions", e);
        }
        if (resp.getResponse().hasError()) {
            throw new NokvException("resolve-lock of " + ByteKeys.format(key) + " @" + startTs + " failed: "
                    + resp.getResponse().getError().toString().strip());
        }
    }
}
