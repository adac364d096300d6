package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.nokv.node.kv.proto.CheckTxnStatusAction;
import io.nokv.node.kv.proto.KeyAlreadyExists;
import io.nokv.node.kv.proto.Locked;
import io.nokv.node.kv.proto.TxnNotFound;
import io.nokv.node.kv.proto.WriteConflict;
import io.nokv.node.mvcc.KeyError;
import io.nokv.node.mvcc.Lock;
import io.nokv.node.mvcc.Mutation;
import io.nokv.node.mvcc.TxnStatus;

/** Between the MVCC layer's Java types and the wire's protobuf messages. */
public final class ProtoMapping {
    private ProtoMapping() {
    }

    public static io.nokv.node.kv.proto.KeyError keyError(KeyError e) {
        var b = io.nokv.node.kv.proto.KeyError.newBuilder();
        if (e instanceof KeyError.Locked l) {
            b.setLocked(locked(l));
        } else if (e instanceof KeyError.WriteConflict w) {
            b.setWriteConflict(WriteConflict.newBuilder()
                    .setKey(bs(w.key())).setPrimary(bs(w.primary())).setConflictTs(w.conflictCommitTs())
                    .setStartTs(w.conflictStartTs()).setCommitTs(w.startTs()).build());
        } else if (e instanceof KeyError.AlreadyExists a) {
            b.setAlreadyExists(KeyAlreadyExists.newBuilder().setKey(bs(a.key())));
        } else if (e instanceof KeyError.TxnNotFound t) {
            b.setTxnNotFound(TxnNotFound.newBuilder().setStartTs(t.startTs()).setPrimaryKey(bs(t.primary())));
        } else if (e instanceof KeyError.CommitTsExpired c) {
            b.setRetryable("commit ts " + c.commitTs() + " is below the lock's min commit ts "
                    + c.minCommitTs() + "; commit with a newer ts");
        } else if (e instanceof KeyError.Abort a) {
            b.setAbort(a.reason());
        }
        return b.build();
    }

    public static Locked locked(KeyError.Locked l) {
        return Locked.newBuilder().setPrimaryLock(bs(l.primary())).setKey(bs(l.key())).setLockVersion(l.lockTs())
                .setLockTtl(l.ttlMillis()).setLockType(op(l.kind())).setMinCommitTs(l.minCommitTs()).build();
    }

    public static io.nokv.node.kv.proto.Mutation.Op op(Lock.Kind k) {
        return switch (k) {
            case PUT -> io.nokv.node.kv.proto.Mutation.Op.Put;
            case DELETE -> io.nokv.node.kv.proto.Mutation.Op.Delete;
            case LOCK -> io.nokv.node.kv.proto.Mutation.Op.Lock;
        };
    }

    /** @throws IllegalArgumentException for ops a prewrite cannot carry (Rollback) */
    public static Mutation mutation(io.nokv.node.kv.proto.Mutation m) {
        byte[] key = m.getKey().toByteArray();
        return switch (m.getOp()) {
            case Put -> new Mutation(Mutation.Op.PUT, key, m.getValue().toByteArray(), m.getAssertionNotExist());
            case Delete -> new Mutation(Mutation.Op.DELETE, key, null, m.getAssertionNotExist());
            case Lock -> new Mutation(Mutation.Op.LOCK, key, null, m.getAssertionNotExist());
            default -> throw new IllegalArgumentException("mutation op " + m.getOp() + " is not allowed in a prewrite");
        };
    }

    public static CheckTxnStatusAction action(TxnStatus.Action a) {
        if (a == null) {
            return CheckTxnStatusAction.CheckTxnStatusNoAction;
        }
        return switch (a) {
            case NO_ACTION, ROLLED_BACK, COMMITTED -> CheckTxnStatusAction.CheckTxnStatusNoAction;
            case MIN_COMMIT_TS_PUSHED -> CheckTxnStatusAction.CheckTxnStatusMinCommitTsPushed;
            case TTL_EXPIRE_ROLLBACK -> CheckTxnStatusAction.CheckTxnStatusTTLExpireRollback;
            case LOCK_NOT_EXIST_ROLLBACK -> CheckTxnStatusAction.CheckTxnStatusLockNotExistRollback;
        };
    }

    public static ByteString bs(byte[] b) {
        return b == null ? ByteString.EMPTY : ByteString.copyFrom(b);
    }
}
