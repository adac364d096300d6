package io.nokv.engine;

import io.nokv.engine.txn.Transaction;
import io.nokv.engine.txn.Transactions;

import java.util.Map;
import java.util.function.Consumer;

/**
 * One open store directory. Thread-safe. Plain writes get a version from the store's own
 * counter; versioned writes carry the caller's timestamp. Both share one version space: the
 * counter is always above every version written, so a plain write after a versioned one wins.
 */
public interface DB extends AutoCloseable {

    // ---- plain API (newest version wins) -----------------------------------------------------

    void put(byte[] key, byte[] value);

    void put(ColumnFamily cf, byte[] key, byte[] value);

    /** A put that reads as absent once {@code ttl} has passed ({@code Options.clock}); compaction then removes it. */
    default void put(ColumnFamily cf, byte[] key, byte[] value, java.time.Duration ttl) {
        write(new WriteBatch().put(cf, key, value, ttl));
    }

    /** @return the newest value, or null when absent, deleted or expired. */
    byte[] get(byte[] key);

    byte[] get(ColumnFamily cf, byte[] key);

    void delete(byte[] key);

    void delete(ColumnFamily cf, byte[] key);

    // ---- versioned API (MVCC) ----------------------------------------------------------------

    void put(ColumnFamily cf, byte[] key, long version, byte[] value);

    void delete(ColumnFamily cf, byte[] key, long version);

    /** @return the newest value with version <= readVersion, or null when absent or deleted there. */
    byte[] get(ColumnFamily cf, byte[] key, long readVersion);

    /** Like {@link #get(ColumnFamily, byte[], long)} but also says which version was found. */
    VersionedValue getVersioned(ColumnFamily cf, byte[] key, long readVersion);

    // ---- batches, iteration -------------------------------------------------------------------

    /** Applies the whole batch atomically (one WAL record); fsyncs first when {@code Options.syncWrites} is on. */
    void write(WriteBatch batch);

    /** As {@link #write(WriteBatch)}, with an explicit fsync choice for this batch. */
    void write(WriteBatch batch, boolean sync);

    DbIterator newIterator(IteratorOptions options);

    // ---- transactions (Badger-style; docs/engine-txn.md) --------------------------------------

    /** This store's transactions: oracle, conflict window and settings. */
    default Transactions transactions() {
        throw new UnsupportedOperationException(getClass().getName() + " does not support transactions");
    }

    /** Starts a transaction at the latest commit; end it with commit, discard or close. */
    default Transaction newTransaction(boolean update) {
        return transactions().newTransaction(update);
    }

    /** Managed mode: the caller supplies the read timestamp and, via {@code commitAt}, the commit timestamp. */
    default Transaction newTransactionAt(long readTs, boolean update) {
        return transactions().newTransactionAt(readTs, update);
    }

    /** Runs {@code work} in an update transaction and commits it (ConflictException: nothing written; retry). */
    default void update(Consumer<Transaction> work) {
        transactions().update(work);
    }

    /** Runs {@code work} in a read-only transaction. */
    default void view(Consumer<Transaction> work) {
        transactions().view(work);
    }

    // ---- maintenance --------------------------------------------------------------------------

    /** Writes the memtables to L0 and waits until they are installed. */
    void flush();

    /** Compacts every file overlapping [start, end) (null = unbounded) down to the bottom level and waits. */
    void compactRange(byte[] start, byte[] end);

    /** Versions older than the newest one at or below {@code version} become garbage for compaction. Monotonic. */
    void setSafePoint(long version);

    long safePoint();

    /** The highest version written so far (plain or versioned). */
    long lastVersion();

    StatsSnapshot stats();

    /**
     * Runs one value-log GC pass now (background GC also runs by itself, rate-limited): deletes
     * emptied segments no reader can reach any more, then rewrites the live values of the
     * segment with the highest stale ratio at or above {@code Options.vlogGcThreshold}.
     */
    default io.nokv.engine.vlog.GcResult runValueLogGc() {
        throw new UnsupportedOperationException(getClass().getName() + " has no value log");
    }

    // ---- store metadata (kept in the manifest; the node's region catalog lives here) ----------

    /** Durably records (fsynced manifest edit) a metadata entry; null value removes it. */
    void putMetadata(String key, byte[] value);

    byte[] getMetadata(String key);

    Map<String, byte[]> metadata();

    @Override
    void close();
}
