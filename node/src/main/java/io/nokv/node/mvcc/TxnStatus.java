package io.nokv.node.mvcc;

import io.nokv.engine.WriteBatch;

/**
 * The answer of check-txn-status on a primary key, plus the batch to apply (empty unless the
 * check rolled the transaction back or pushed its minCommitTs).
 *
 * @param lockTtlMillis the lock's TTL while the lock is alive, else 0
 * @param commitTs      the commit ts when {@link Action#COMMITTED}, else 0
 * @param minCommitTs   the lock's (possibly pushed) minCommitTs while the lock is alive, else 0
 * @param error         {@link KeyError.TxnNotFound} when there is neither lock nor record and the
 *                      caller did not ask to roll back; {@code action} is null then
 */
public record TxnStatus(Action action, long lockTtlMillis, long commitTs, long minCommitTs, KeyError error,
                        WriteBatch batch) {

    public enum Action {
        /** The lock is alive; nothing changed. */
        NO_ACTION,
        /** The lock is alive and its minCommitTs was raised above the caller's startTs. */
        MIN_COMMIT_TS_PUSHED,
        /** The lock had expired: the transaction is now rolled back. */
        TTL_EXPIRE_ROLLBACK,
        /** No lock and no record: a rollback record was written so a late prewrite fails. */
        LOCK_NOT_EXIST_ROLLBACK,
        /** The transaction had already been rolled back. */
        ROLLED_BACK,
        /** The transaction committed at {@code commitTs}. */
        COMMITTED
    }

    static TxnStatus of(Action action, long ttl, long commitTs, long minCommitTs, WriteBatch batch) {
        return new TxnStatus(action, ttl, commitTs, minCommitTs, null, batch);
    }

    /** True while the transaction may still commit (its lock is alive). */
    public boolean isLocked() {
        return action == Action.NO_ACTION || action == Action.MIN_COMMIT_TS_PUSHED;
    }
}
