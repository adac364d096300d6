package io.nokv.node.raft;

import com.google.protobuf.ByteString;
import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.WriteBatch;
import io.nokv.node.kv.ProtoMapping;
import io.nokv.node.kv.proto.BatchRollbackResponse;
import io.nokv.node.kv.proto.CheckTxnStatusRequest;
import io.nokv.node.kv.proto.CheckTxnStatusResponse;
import io.nokv.node.kv.proto.CommitResponse;
import io.nokv.node.kv.proto.PrewriteRequest;
import io.nokv.node.kv.proto.PrewriteResponse;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.kv.proto.RawKvPair;
import io.nokv.node.kv.proto.RawWriteResults;
import io.nokv.node.kv.proto.ResolveLockRequest;
import io.nokv.node.kv.proto.ResolveLockResponse;
import io.nokv.node.mvcc.Mutation;
import io.nokv.node.mvcc.MvccCommands;
import io.nokv.node.mvcc.TxnStatus;
import io.nokv.node.mvcc.WriteResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one committed {@link RaftCommand} into the engine batch every replica writes and the result
 * the proposer returns. Raw writes are versioned at the entry's log index, which every replica
 * agrees on; transactional ones at their timestamps, by {@link MvccCommands}. Deterministic: the
 * only clock it reads is the proposer's, carried in the command.
 */
public final class CommandApplier {
    /** What applying produced; {@code batch} is written by the state machine with the applied index. */
    public record Outcome(WriteBatch batch, RaftCommandResult result) {
    }

    private final MvccCommands mvcc;

    public CommandApplier(DB db) {
        this.mvcc = new MvccCommands(db);
    }

    public Outcome apply(RaftCommand cmd, long logIndex) {
        try {
            return applyChecked(cmd, logIndex);
        } catch (IllegalArgumentException e) {
            // Bad input that slipped past the service: the same on every replica, so no state change.
            return new Outcome(new WriteBatch(), RaftCommandResult.newBuilder().setRawError(e.getMessage()).build());
        }
    }

    private Outcome applyChecked(RaftCommand cmd, long logIndex) {
        long now = cmd.getProposerTimeMs();
        switch (cmd.getCmdCase()) {
            case RAW_PUT, RAW_DELETE, RAW_BATCH_PUT -> {
                WriteBatch b = new WriteBatch();
                addRawWrite(b, cmd, logIndex);
                return ok(b);
            }
            case RAW_WRITES -> {
                // Later commands of the batch overwrite earlier ones at the same key (same version: the
                // entry's index), exactly as if they had been applied one after another.
                WriteBatch b = new WriteBatch();
                RawWriteResults.Builder results = RawWriteResults.newBuilder();
                for (RaftCommand c : cmd.getRawWrites().getCommandsList()) {
                    if (!addRawWrite(b, c, logIndex)) {
                        throw new IllegalArgumentException("a raw write batch holds a " + c.getCmdCase() + " command");
                    }
                    results.addResults(RaftCommandResult.newBuilder().setOk(true));
                }
                return new Outcome(b, RaftCommandResult.newBuilder().setRawWrites(results).build());
            }
            case PREWRITE -> {
                PrewriteRequest r = cmd.getPrewrite();
                List<Mutation> ms = new ArrayList<>();
                r.getMutationsList().forEach(m -> ms.add(ProtoMapping.mutation(m)));
                WriteResult w = mvcc.prewrite(ms, r.getPrimaryLock().toByteArray(), r.getStartVersion(),
                        r.getLockTtl(), r.getMinCommitTs(), now);
                PrewriteResponse.Builder pb = PrewriteResponse.newBuilder();
                w.errors().forEach(e -> pb.addErrors(ProtoMapping.keyError(e)));
                return new Outcome(w.batch(), RaftCommandResult.newBuilder().setPrewrite(pb).build());
            }
            case COMMIT -> {
                WriteResult w = mvcc.commit(keys(cmd.getCommit().getKeysList()), cmd.getCommit().getStartVersion(),
                        cmd.getCommit().getCommitVersion());
                CommitResponse.Builder cb = CommitResponse.newBuilder();
                if (!w.errors().isEmpty()) {
                    cb.setError(ProtoMapping.keyError(w.errors().get(0)));
                }
                return new Outcome(w.batch(), RaftCommandResult.newBuilder().setCommit(cb).build());
            }
            case ROLLBACK -> {
                WriteResult w = mvcc.batchRollback(keys(cmd.getRollback().getKeysList()),
                        cmd.getRollback().getStartVersion());
                BatchRollbackResponse.Builder rb = BatchRollbackResponse.newBuilder();
                if (!w.errors().isEmpty()) {
                    rb.setError(ProtoMapping.keyError(w.errors().get(0)));
                }
                return new Outcome(w.batch(), RaftCommandResult.newBuilder().setRollback(rb).build());
            }
            case RESOLVE_LOCK -> {
                ResolveLockRequest r = cmd.getResolveLock();
                WriteResult w = mvcc.resolveLock(r.getStartVersion(), r.getCommitVersion(),
                        r.getKeysCount() == 0 ? null : keys(r.getKeysList()),
                        cmd.getRegionStart().toByteArray(), cmd.getRegionEnd().toByteArray());
                ResolveLockResponse.Builder rb = ResolveLockResponse.newBuilder();
                if (!w.errors().isEmpty()) {
                    rb.setError(ProtoMapping.keyError(w.errors().get(0)));
                }
                rb.setResolvedLocks(w.ok() ? countLockDeletes(w.batch()) : 0);
                return new Outcome(w.batch(), RaftCommandResult.newBuilder().setResolveLock(rb).build());
            }
            case CHECK_TXN_STATUS -> {
                CheckTxnStatusRequest r = cmd.getCheckTxnStatus();
                long clock = r.getCurrentTime() > 0 ? r.getCurrentTime() : now;
                TxnStatus s = mvcc.checkTxnStatus(r.getPrimaryKey().toByteArray(), r.getLockTs(),
                        r.getCallerStartTs(), clock, r.getRollbackIfNotExist());
                CheckTxnStatusResponse.Builder sb = CheckTxnStatusResponse.newBuilder()
                        .setLockTtl(s.lockTtlMillis()).setCommitVersion(s.commitTs())
                        .setAction(ProtoMapping.action(s.action()));
                if (s.error() != null) {
                    sb.setError(ProtoMapping.keyError(s.error()));
                }
                return new Outcome(s.batch() == null ? new WriteBatch() : s.batch(),
                        RaftCommandResult.newBuilder().setCheckTxnStatus(sb).build());
            }
            default -> {
                // An unknown command must not stop the group: record it as applied, answer an error.
                return new Outcome(new WriteBatch(), RaftCommandResult.newBuilder()
                        .setRawError("unknown raft command " + cmd.getCmdCase()).build());
            }
        }
    }

    /** Adds a raw_put/raw_delete/raw_batch_put at version {@code logIndex}; false for any other command. */
    private static boolean addRawWrite(WriteBatch b, RaftCommand cmd, long logIndex) {
        switch (cmd.getCmdCase()) {
            case RAW_PUT -> b.put(ColumnFamily.DEFAULT, cmd.getRawPut().getKey().toByteArray(), logIndex,
                    cmd.getRawPut().getValue().toByteArray());
            case RAW_DELETE -> b.delete(ColumnFamily.DEFAULT, cmd.getRawDelete().getKey().toByteArray(), logIndex);
            case RAW_BATCH_PUT -> {
                for (RawKvPair p : cmd.getRawBatchPut().getPairsList()) {
                    b.put(ColumnFamily.DEFAULT, p.getKey().toByteArray(), logIndex, p.getValue().toByteArray());
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static long countLockDeletes(WriteBatch b) {
        return b.ops().stream().filter(op -> op.cf() == ColumnFamily.LOCK && op.delete()).count();
    }

    private static List<byte[]> keys(List<ByteString> ks) {
        List<byte[]> out = new ArrayList<>(ks.size());
        ks.forEach(k -> out.add(k.toByteArray()));
        return out;
    }

    private static Outcome ok(WriteBatch b) {
        return new Outcome(b, RaftCommandResult.newBuilder().setOk(true).build());
    }
}
