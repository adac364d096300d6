package io.nokv.node.raft;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.WriteBatch;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.kv.proto.RawKvPair;
import io.nokv.node.kv.proto.RegionMeta;

/**
 * Turns one committed {@link RaftCommand} into the engine batch every replica writes and the result
 * the proposer returns. Raw writes are versioned at the entry's log index, which every replica
 * agrees on; transactional ones are versioned at their timestamps by the {@link TxnApplier}.
 */
public final class CommandApplier {
    /** What applying produced; {@code batch} is written by the state machine with the applied index. */
    public record Outcome(WriteBatch batch, RaftCommandResult result) {
    }

    private final TxnApplier txn;

    public CommandApplier(TxnApplier txn) {
        this.txn = txn;
    }

    public Outcome apply(DB db, RegionMeta region, RaftCommand cmd, long logIndex) {
        switch (cmd.getCmdCase()) {
            case RAW_PUT -> {
                WriteBatch b = new WriteBatch();
                b.put(ColumnFamily.DEFAULT, cmd.getRawPut().getKey().toByteArray(), logIndex,
                        cmd.getRawPut().getValue().toByteArray());
                return ok(b);
            }
            case RAW_DELETE -> {
                WriteBatch b = new WriteBatch();
                b.delete(ColumnFamily.DEFAULT, cmd.getRawDelete().getKey().toByteArray(), logIndex);
                return ok(b);
            }
            case RAW_BATCH_PUT -> {
                WriteBatch b = new WriteBatch();
                for (RawKvPair p : cmd.getRawBatchPut().getPairsList()) {
                    b.put(ColumnFamily.DEFAULT, p.getKey().toByteArray(), logIndex, p.getValue().toByteArray());
                }
                return ok(b);
            }
            case PREWRITE -> {
                var r = txn.prewrite(db, cmd.getPrewrite());
                return new Outcome(r.batch(), RaftCommandResult.newBuilder().setPrewrite(r.response()).build());
            }
            case COMMIT -> {
                var r = txn.commit(db, cmd.getCommit());
                return new Outcome(r.batch(), RaftCommandResult.newBuilder().setCommit(r.response()).build());
            }
            case ROLLBACK -> {
                var r = txn.rollback(db, cmd.getRollback());
                return new Outcome(r.batch(), RaftCommandResult.newBuilder().setRollback(r.response()).build());
            }
            case RESOLVE_LOCK -> {
                var r = txn.resolveLock(db, region, cmd.getResolveLock());
                return new Outcome(r.batch(), RaftCommandResult.newBuilder().setResolveLock(r.response()).build());
            }
            case CHECK_TXN_STATUS -> {
                var r = txn.checkTxnStatus(db, cmd.getCheckTxnStatus());
                return new Outcome(r.batch(),
                        RaftCommandResult.newBuilder().setCheckTxnStatus(r.response()).build());
            }
            default -> {
                // An unknown command must not stop the group: record it as applied, answer an error.
                return new Outcome(new WriteBatch(), RaftCommandResult.newBuilder()
                        .setRawError("unknown raft command " + cmd.getCmdCase()).build());
            }
        }
    }

    private static Outcome ok(WriteBatch b) {
        return new Outcome(b, RaftCommandResult.newBuilder().setOk(true).build());
    }
}
