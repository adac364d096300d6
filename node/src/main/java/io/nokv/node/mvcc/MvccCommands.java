package io.nokv.node.mvcc;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.WriteBatch;
import io.nokv.node.config.Keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The Percolator write commands. Each one reads the engine as it is now and returns the
 * {@link WriteBatch} that carries it out; it writes nothing itself. Results depend only on the
 * engine state and the command's arguments (wall time arrives as an argument, stamped by the
 * leader), so every replica computes the same batch.
 *
 * <p>Concurrency: read-then-batch is only safe when no other command touching the same keys is
 * applied in between. The region state machine applies its commands one at a time and regions
 * own disjoint key ranges, so no latches are needed; a caller that runs commands concurrently on
 * one engine must serialize them itself.
 *
 * <p>A command that fails on any key writes nothing (its batch is empty) and reports every failed
 * key it found.
 */
public final class MvccCommands {

    private final MvccReader reader;

    public MvccCommands(DB db) {
        this.reader = new MvccReader(db);
    }

    public MvccReader reader() {
        return reader;
    }

    /**
     * Locks every key for the transaction {@code startTs} and stores PUT values at version startTs.
     * Per key: another transaction's lock → Locked; this transaction's lock → nothing to do (a
     * retried prewrite); this transaction's rollback record → Abort (a late prewrite must not
     * resurrect a rolled-back transaction); this transaction's commit record → nothing to do;
     * any other write committed at or after startTs → WriteConflict; {@code assertNotExist} with
     * a visible value → AlreadyExists.
     *
     * @param nowMillis the leader's wall clock when it proposed the command; starts the lock's TTL
     */
    public WriteResult prewrite(List<Mutation> mutations, byte[] primary, long startTs, long lockTtlMillis,
                                long minCommitTs, long nowMillis) {
        KeyBounds.checkUserKey(primary);
        checkTs("startTs", startTs);
        if (lockTtlMillis < 0) {
            throw new IllegalArgumentException("lock TTL must not be negative, got " + lockTtlMillis);
        }
        if (mutations == null) {
            throw new IllegalArgumentException("mutations must not be null");
        }
        TreeSet<byte[]> seen = new TreeSet<>(Arrays::compareUnsigned);
        for (Mutation m : mutations) {
            KeyBounds.checkUserKey(m.key());
            if (!seen.add(m.key())) {
                throw new IllegalArgumentException("key " + Keys.format(m.key()) + " appears twice in one prewrite");
            }
        }
        List<KeyError> errors = new ArrayList<>();
        WriteBatch batch = new WriteBatch();
        for (Mutation m : mutations) {
            byte[] key = m.key();
            Lock lock = reader.currentLock(key);
            if (lock != null) {
                if (lock.startTs() != startTs) {
                    errors.add(KeyError.Locked.of(key, lock));
                }
                continue;
            }
            CommittedWrite newest = reader.mostRecentWrite(key);
            if (newest != null && newest.commitTs() >= startTs) {
                CommittedWrite own = reader.txnWriteFor(key, startTs);
                if (own != null && own.kind() == Write.Kind.ROLLBACK) {
                    errors.add(new KeyError.Abort("transaction " + startTs + " was already rolled back on key "
                            + Keys.format(key)));
                } else if (own == null) {
                    errors.add(new KeyError.WriteConflict(key, primary, newest.startTs(), newest.commitTs(), startTs));
                }
                continue; // own commit record: the transaction already committed this key
            }
            if (m.assertNotExist()) {
                CommittedWrite visible = reader.valueWriteAt(key, Long.MAX_VALUE - 1);
                if (visible != null && visible.kind() == Write.Kind.PUT) {
                    errors.add(new KeyError.AlreadyExists(key));
                    continue;
                }
            }
            if (m.op() == Mutation.Op.PUT) {
                batch.put(ColumnFamily.DEFAULT, key, startTs, m.value());
            }
            Lock newLock = new Lock(primary, startTs, lockTtlMillis, m.lockKind(), minCommitTs, nowMillis);
            batch.put(ColumnFamily.LOCK, key, startTs, newLock.encode());
        }
        return result(errors, batch);
    }

    /**
     * Commits the keys of transaction {@code startTs} at {@code commitTs}. A key already committed
     * by it is fine (a retry); a key it rolled back → Abort; another transaction's lock → Locked;
     * nothing at all → TxnNotFound; commitTs below the lock's minCommitTs → CommitTsExpired.
     */
    public WriteResult commit(Collection<byte[]> keys, long startTs, long commitTs) {
        checkTs("startTs", startTs);
        checkCommitTs(startTs, commitTs);
        List<KeyError> errors = new ArrayList<>();
        WriteBatch batch = new WriteBatch();
        for (byte[] key : distinctUserKeys(keys)) {
            Lock lock = reader.currentLock(key);
            if (lock != null && lock.startTs() == startTs) {
                KeyError e = commitLocked(batch, key, lock, commitTs);
                if (e != null) {
                    errors.add(e);
                }
                continue;
            }
            CommittedWrite own = reader.txnWriteFor(key, startTs);
            if (own != null && own.kind() == Write.Kind.ROLLBACK) {
                errors.add(new KeyError.Abort("transaction " + startTs + " was rolled back on key " + Keys.format(key)
                        + "; it cannot commit"));
            } else if (own == null) {
                errors.add(lock != null ? KeyError.Locked.of(key, lock) : new KeyError.TxnNotFound(key, startTs));
            }
        }
        return result(errors, batch);
    }

    /**
     * Rolls back the keys of transaction {@code startTs}: removes its lock and data and leaves a
     * ROLLBACK record at startTs so a late prewrite fails. A key it committed → Abort. Rolling back
     * twice is fine.
     */
    public WriteResult batchRollback(Collection<byte[]> keys, long startTs) {
        checkTs("startTs", startTs);
        List<KeyError> errors = new ArrayList<>();
        WriteBatch batch = new WriteBatch();
        for (byte[] key : distinctUserKeys(keys)) {
            Lock lock = reader.currentLock(key);
            if (lock != null && lock.startTs() == startTs) {
                rollbackKey(batch, key, startTs, lock);
                continue;
            }
            CommittedWrite own = reader.txnWriteFor(key, startTs);
            if (own == null) {
                rollbackKey(batch, key, startTs, null);
            } else if (own.kind() != Write.Kind.ROLLBACK) {
                errors.add(new KeyError.Abort("transaction " + startTs + " already committed key " + Keys.format(key)
                        + " at " + own.commitTs() + "; it cannot roll back"));
            }
        }
        return result(errors, batch);
    }

    /**
     * Decides the fate of the transaction {@code lockTs} from its primary key. An expired lock
     * ({@code nowMillis >= lock wall time + TTL}) is rolled back; a live one has its minCommitTs
     * pushed above {@code callerStartTs} (when non-zero) so a reader at callerStartTs need not
     * wait for it. Without a lock the transaction's record answers; with no record either, a
     * rollback record is written when {@code rollbackIfNotExist}, else the result carries TxnNotFound.
     */
    public TxnStatus checkTxnStatus(byte[] primary, long lockTs, long callerStartTs, long nowMillis,
                                    boolean rollbackIfNotExist) {
        KeyBounds.checkUserKey(primary);
        checkTs("lockTs", lockTs);
        WriteBatch batch = new WriteBatch();
        Lock lock = reader.currentLock(primary);
        if (lock != null && lock.startTs() == lockTs) {
            if (lock.isExpired(nowMillis)) {
                rollbackKey(batch, primary, lockTs, lock);
                return TxnStatus.of(TxnStatus.Action.TTL_EXPIRE_ROLLBACK, 0, 0, 0, batch);
            }
            if (callerStartTs > 0 && callerStartTs < Long.MAX_VALUE - 1 && lock.minCommitTs() <= callerStartTs) {
                Lock pushed = lock.withMinCommitTs(callerStartTs + 1);
                batch.put(ColumnFamily.LOCK, primary, lockTs, pushed.encode());
                return TxnStatus.of(TxnStatus.Action.MIN_COMMIT_TS_PUSHED, lock.ttlMillis(), 0, pushed.minCommitTs(), batch);
            }
            return TxnStatus.of(TxnStatus.Action.NO_ACTION, lock.ttlMillis(), 0, lock.minCommitTs(), batch);
        }
        CommittedWrite own = reader.txnWriteFor(primary, lockTs);
        if (own != null) {
            return own.kind() == Write.Kind.ROLLBACK
                    ? TxnStatus.of(TxnStatus.Action.ROLLED_BACK, 0, 0, 0, batch)
                    : TxnStatus.of(TxnStatus.Action.COMMITTED, 0, own.commitTs(), 0, batch);
        }
        if (rollbackIfNotExist) {
            rollbackKey(batch, primary, lockTs, null);
            return TxnStatus.of(TxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK, 0, 0, 0, batch);
        }
        return new TxnStatus(null, 0, 0, 0, new KeyError.TxnNotFound(primary, lockTs), batch);
    }

    /**
     * Commits ({@code commitTs > 0}) or rolls back ({@code commitTs == 0}) every lock of transaction
     * {@code startTs} in the region {@code [regionStart, regionEnd)}: the given keys, or, when
     * {@code keys} is null, every lock found by scanning the LOCK column family of the region. Keys
     * outside the region, and keys not locked by the transaction, are left alone.
     */
    public WriteResult resolveLock(long startTs, long commitTs, Collection<byte[]> keys,
                                   byte[] regionStart, byte[] regionEnd) {
        checkTs("startTs", startTs);
        if (commitTs != 0) {
            checkCommitTs(startTs, commitTs);
        }
        List<byte[]> targets = new ArrayList<>();
        List<Lock> targetLocks = new ArrayList<>();
        if (keys == null) {
            reader.forEachLock(regionStart, regionEnd, (key, lock) -> {
                if (lock.startTs() == startTs) {
                    targets.add(key);
                    targetLocks.add(lock);
                }
                return true;
            });
        } else {
            for (byte[] key : distinctUserKeys(keys)) {
                Lock lock = Keys.inRange(key, regionStart, regionEnd) ? reader.currentLock(key) : null;
                if (lock != null && lock.startTs() == startTs) {
                    targets.add(key);
                    targetLocks.add(lock);
                }
            }
        }
        List<KeyError> errors = new ArrayList<>();
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < targets.size(); i++) {
            if (commitTs == 0) {
                rollbackKey(batch, targets.get(i), startTs, targetLocks.get(i));
            } else {
                KeyError e = commitLocked(batch, targets.get(i), targetLocks.get(i), commitTs);
                if (e != null) {
                    errors.add(e);
                }
            }
        }
        return result(errors, batch);
    }

    // ---- shared steps --------------------------------------------------------------------------

    private static KeyError commitLocked(WriteBatch batch, byte[] key, Lock lock, long commitTs) {
        if (commitTs < lock.minCommitTs()) {
            return new KeyError.CommitTsExpired(key, lock.startTs(), commitTs, lock.minCommitTs());
        }
        batch.put(ColumnFamily.WRITE, key, commitTs, new Write(lock.kind().writeKind(), lock.startTs()).encode());
        batch.delete(ColumnFamily.LOCK, key, lock.startTs());
        return null;
    }

    /** Removes the transaction's own lock and data (when given) and records the rollback. */
    private void rollbackKey(WriteBatch batch, byte[] key, long startTs, Lock ownLock) {
        if (ownLock != null) {
            batch.delete(ColumnFamily.LOCK, key, startTs);
            if (ownLock.kind() == Lock.Kind.PUT) {
                batch.delete(ColumnFamily.DEFAULT, key, startTs);
            }
        }
        CommittedWrite atStart = reader.writeAt(key, startTs);
        if (atStart != null && atStart.commitTs() == startTs && atStart.startTs() != startTs) {
            // Another transaction committed at exactly this ts (the TSO should never allow it);
            // keep its record: being >= startTs it already makes a late prewrite conflict.
            return;
        }
        batch.put(ColumnFamily.WRITE, key, startTs, new Write(Write.Kind.ROLLBACK, startTs).encode());
    }

    private static WriteResult result(List<KeyError> errors, WriteBatch batch) {
        if (!errors.isEmpty()) {
            batch.clear();
        }
        return new WriteResult(errors, batch);
    }

    private static List<byte[]> distinctUserKeys(Collection<byte[]> keys) {
        if (keys == null) {
            throw new IllegalArgumentException("keys must not be null");
        }
        TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
        for (byte[] k : keys) {
            KeyBounds.checkUserKey(k);
            set.add(k);
        }
        return new ArrayList<>(set);
    }

    private static void checkTs(String name, long ts) {
        if (ts <= 0 || ts >= Long.MAX_VALUE - 1) {
            throw new IllegalArgumentException(name + " must be in [1, Long.MAX_VALUE - 1), got " + ts);
        }
    }

    private static void checkCommitTs(long startTs, long commitTs) {
        checkTs("commitTs", commitTs);
        if (commitTs <= startTs) {
            throw new IllegalArgumentException("commitTs " + commitTs + " must be greater than startTs " + startTs);
        }
    }
}
