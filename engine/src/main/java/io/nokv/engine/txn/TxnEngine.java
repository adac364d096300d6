package io.nokv.engine.txn;

import io.nokv.engine.DB;
import io.nokv.engine.WriteBatch;

/**
 * The engine facilities transactions are built on. Implemented by the engine (one per open store);
 * applications use {@link Transactions}, not this.
 */
public interface TxnEngine {
    DB db();

    /** The highest version whose write is fully applied: every commit at or below it is readable. */
    long visibleVersion();

    /**
     * Applies the batch atomically; its unversioned ops all get one fresh version above every
     * version written so far (plain writes included), which is returned.
     */
    long writeAtFreshVersion(WriteBatch batch);

    /** Keeps compaction from dropping what a reader at {@code readVersion} can see, until unpinned. */
    void pinSnapshot(long readVersion);

    void unpinSnapshot(long readVersion);
}
