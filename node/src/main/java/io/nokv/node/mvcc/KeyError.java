package io.nokv.node.mvcc;

/**
 * Why a key of a transactional command failed. The gRPC layer maps each variant to its protobuf
 * message; nothing here is an exception because a command reports one error per key.
 */
public sealed interface KeyError {

    /** Another transaction holds a lock the caller must resolve (or wait out) first. */
    record Locked(byte[] primary, byte[] key, long lockTs, long ttlMillis, Lock.Kind kind, long minCommitTs)
            implements KeyError {
        static Locked of(byte[] key, Lock lock) {
            return new Locked(lock.primary(), key, lock.startTs(), lock.ttlMillis(), lock.kind(), lock.minCommitTs());
        }
    }

    /** A write committed at or after the caller's startTs: the transaction must restart. */
    record WriteConflict(byte[] key, byte[] primary, long conflictStartTs, long conflictCommitTs, long startTs)
            implements KeyError {
    }

    /** A prewrite asserted the key absent, but a committed value is visible. */
    record AlreadyExists(byte[] key) implements KeyError {
    }

    /** No lock and no write record of the transaction: it never prewrote here (or was cleaned up). */
    record TxnNotFound(byte[] primary, long startTs) implements KeyError {
    }

    /** The lock demands a commitTs above the one given (a reader pushed minCommitTs): commit with a newer ts. */
    record CommitTsExpired(byte[] key, long startTs, long commitTs, long minCommitTs) implements KeyError {
    }

    /** The transaction cannot proceed: already rolled back, already committed, and the like. */
    record Abort(String reason) implements KeyError {
    }
}
