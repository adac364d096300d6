package io.nokv.node.raft;

import io.nokv.engine.DB;
import io.nokv.engine.WriteBatch;
import io.nokv.node.kv.proto.BatchRollbackRequest;
import io.nokv.node.kv.proto.BatchRollbackResponse;
import io.nokv.node.kv.proto.CheckTxnStatusRequest;
import io.nokv.node.kv.proto.CheckTxnStatusResponse;
import io.nokv.node.kv.proto.CommitRequest;
import io.nokv.node.kv.proto.CommitResponse;
import io.nokv.node.kv.proto.PrewriteRequest;
import io.nokv.node.kv.proto.PrewriteResponse;
import io.nokv.node.kv.proto.RegionMeta;
import io.nokv.node.kv.proto.ResolveLockRequest;
import io.nokv.node.kv.proto.ResolveLockResponse;

/**
 * The Percolator write commands, computed against the engine's current state into one batch that
 * the caller writes (together with the applied index). Must be deterministic: the same command on
 * the same state gives the same batch on every replica.
 */
public interface TxnApplier {
    record Result<R>(WriteBatch batch, R response) {
    }

    Result<PrewriteResponse> prewrite(DB db, PrewriteRequest req);

    Result<CommitResponse> commit(DB db, CommitRequest req);

    Result<BatchRollbackResponse> rollback(DB db, BatchRollbackRequest req);

    /** {@code keys} empty = every lock of the transaction inside {@code region}. */
    Result<ResolveLockResponse> resolveLock(DB db, RegionMeta region, ResolveLockRequest req);

    Result<CheckTxnStatusResponse> checkTxnStatus(DB db, CheckTxnStatusRequest req);
}
