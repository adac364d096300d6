package io.nokv.engine.txn;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.WriteBatch;

import java.util.ArrayList;
import java.util.List;

/**
 * One transaction: reads see the store as of {@link #readTs()} plus this transaction's own
 * pending writes; writes stay private until {@link #commit()} applies them all atomically at one
 * new version. Not thread-safe: use a transaction from one thread at a time. Always end it —
 * commit, {@link #discard()} or close (which discards unless committed); until then it holds back
 * garbage collection of the versions it can read.
 *
 * <p>Keys passed to {@code put}/{@code delete} are copied; values are not and must not be changed
 * until the transaction ends.
 */
public final class Transaction implements AutoCloseable {
    /** What {@link DbIterator#version()} reports for a key this transaction wrote and has not committed. */
    public static final long PENDING_VERSION = Long.MAX_VALUE;

    private enum State { OPEN, COMMITTED, DISCARDED }

    private final Transactions owner;
    private final DB db;
    private final long readTs;
    private final boolean update;
    private final boolean managed;
    /** Conflict-tracked: registered with the oracle and recording reads. */
    private final boolean tracked;
    /** Where this transaction registered with the oracle; null when not tracked. */
    private final Oracle.Start start;
    private final PendingWrites writes;
    private final LongList reads;
    /** Open iterators, closed when the transaction ends; null until the first (most transactions have none). */
    private List<TxnIterator> iterators;
    private State state = State.OPEN;
    private long commitTs = -1;

    /** @param start the oracle registration of a conflict-tracked transaction, else null */
    Transaction(Transactions owner, long readTs, Oracle.Start start, boolean update, boolean managed, TxnOptions options) {
        this.owner = owner;
        this.db = owner.engine().db();
        this.readTs = readTs;
        this.start = start;
        this.update = update;
        this.managed = managed;
        this.tracked = start != null;
        this.writes = update ? new PendingWrites(options.maxEntries(), options.maxBytes()) : null;
        this.reads = tracked ? new LongList() : null;
    }

    /** The snapshot this transaction reads. */
    public long readTs() {
        return readTs;
    }

    /** The version its writes were committed at, or -1 before a commit that wrote something. */
    public long commitTs() {
        return commitTs;
    }

    public boolean isUpdate() {
        return update;
    }

    public boolean isManaged() {
        return managed;
    }

    // ---- reads ----------------------------------------------------------------------------------

    public byte[] get(byte[] key) {
        return get(ColumnFamily.DEFAULT, key);
    }

    /** @return this transaction's pending value, else the value as of {@link #readTs()}; null when absent or deleted */
    public byte[] get(ColumnFamily cf, byte[] key) {
        checkOpen();
        checkKey(cf, key);
        if (writes != null) {
            byte[] own = writes.get(cf, key);
            if (own != null) {
                return own == PendingWrites.DELETED ? null : own;
            }
        }
        recordRead(cf, key);
        return db.get(cf, key, readTs);
    }

    /**
     * An iterator over the snapshot with this transaction's pending writes merged in (its deletes
     * hide keys). It sees writes the transaction makes while it is open. Keys it returns from the
     * snapshot count as reads for conflict detection; absent keys in the range do not (no phantom
     * protection). {@code options.readVersion} and {@code allVersions} must be left at their defaults.
     * Closed by commit or discard if still open.
     */
    public DbIterator iterator(IteratorOptions options) {
        checkOpen();
        if (options.readVersion() != Long.MAX_VALUE) {
            throw new IllegalArgumentException("a transaction reads at its own timestamp; leave IteratorOptions.readVersion unset");
        }
        if (options.allVersions()) {
            throw new IllegalArgumentException("a transaction iterator yields one version per key; allVersions is not supported");
        }
        TxnIterator it = new TxnIterator(this, options, db, readTs, writes);
        if (iterators == null) {
            iterators = new ArrayList<>(2);
        }
        iterators.add(it);
        return it;
    }

    // ---- writes ---------------------------------------------------------------------------------

    public void put(byte[] key, byte[] value) {
        put(ColumnFamily.DEFAULT, key, value);
    }

    /** @throws TransactionTooLargeException past the size limits (the write is then not applied) */
    public void put(ColumnFamily cf, byte[] key, byte[] value) {
        checkWritable();
        checkKey(cf, key);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (use delete)");
        }
        writes.put(cf, key, value);
    }

    public void delete(byte[] key) {
        delete(ColumnFamily.DEFAULT, key);
    }

    public void delete(ColumnFamily cf, byte[] key) {
        checkWritable();
        checkKey(cf, key);
        writes.put(cf, key, PendingWrites.DELETED);
    }

    // ---- end ------------------------------------------------------------------------------------

    /**
     * Applies every write atomically at a fresh version from the oracle, then ends the transaction.
     * Nothing to write: just ends it.
     * @throws ConflictException when conflict detection is on and a key this transaction read or
     *         wrote was committed by another transaction after it started; nothing was written
     */
    public void commit() {
        checkOpen();
        if (managed) {
            throw new IllegalStateException("a managed transaction (newTransactionAt) commits with commitAt(commitTs)");
        }
        commitWith(WriteBatch.UNVERSIONED);
    }

    /**
     * Managed mode: applies every write atomically at the caller's {@code commitTs}, which must be
     * above {@link #readTs()}. The caller keeps its timestamps unique and increasing.
     */
    public void commitAt(long commitTs) {
        checkOpen();
        if (!managed) {
            throw new IllegalStateException("commitAt is for managed transactions (newTransactionAt); use commit()");
        }
        if (commitTs <= readTs || commitTs == Long.MAX_VALUE) {
            throw new IllegalArgumentException("commit ts must be in (readTs = " + readTs + ", Long.MAX_VALUE), got " + commitTs);
        }
        commitWith(commitTs);
    }

    /** Drops the pending writes and ends the transaction; no-op once ended. */
    public void discard() {
        if (state == State.OPEN) {
            state = State.DISCARDED;
            release(null, -1);
        }
    }

    @Override
    public void close() {
        discard();
    }

    private void commitWith(long version) {
        Oracle.Commit reserved = null;
        long ts = -1;
        try {
            if (writes == null || writes.isEmpty()) {
                return;
            }
            WriteBatch batch = writes.toBatch(version);
            if (tracked) {
                try {
                    reserved = owner.oracle().reserve(start, reads.toSortedSet(), writes.fingerprints());
                } catch (ConflictException e) {
                    owner.countConflict();
                    throw e;
                }
            }
            try {
                ts = version == WriteBatch.UNVERSIONED ? owner.engine().writeAtFreshVersion(batch) : writeManaged(batch, version);
            } catch (RuntimeException | Error e) {
                if (reserved != null) {
                    owner.oracle().abandon(reserved);
                    reserved = null;
                }
                throw e;
            }
            commitTs = ts;
            owner.countCommit();
        } finally {
            state = commitTs >= 0 ? State.COMMITTED : State.DISCARDED;
            release(reserved, ts);
        }
    }

    private long writeManaged(WriteBatch batch, long version) {
        db.write(batch);
        return version;
    }

    private void release(Oracle.Commit reserved, long ts) {
        if (iterators != null) {
            for (TxnIterator it : List.copyOf(iterators)) {
                it.close();
            }
        }
        if (tracked) {
            if (reserved != null) {
                owner.oracle().finish(reserved, ts, readTs);
            } else {
                owner.oracle().end(readTs);
            }
        }
        owner.engine().unpinSnapshot(readTs);
    }

    void recordRead(ColumnFamily cf, byte[] key) {
        if (reads != null) {
            reads.add(Fingerprint.of(cf.id(), key));
        }
    }

    void forget(TxnIterator it) {
        iterators.remove(it); // only reachable through iterator(), which created the list
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("transaction already " + (state == State.COMMITTED ? "committed" : "discarded"));
        }
    }

    private void checkWritable() {
        checkOpen();
        if (!update) {
            throw new IllegalStateException("read-only transaction (view / newTransaction(false)) cannot write");
        }
    }

    private static void checkKey(ColumnFamily cf, byte[] key) {
        if (cf == null || key == null) {
            throw new IllegalArgumentException("column family and key must not be null");
        }
    }
}
