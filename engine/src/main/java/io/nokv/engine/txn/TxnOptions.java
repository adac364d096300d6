package io.nokv.engine.txn;

/**
 * Transaction settings of one store ({@link Transactions#options(TxnOptions)}). A transaction uses
 * the settings current when it started.
 */
public final class TxnOptions {
    private boolean conflictDetection = true;
    private int maxEntries = 100_000;
    private long maxBytes = 64L << 20;

    public static TxnOptions defaults() {
        return new TxnOptions();
    }

    public TxnOptions validate() {
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("TxnOptions.maxEntries must be > 0, got " + maxEntries);
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("TxnOptions.maxBytes must be > 0, got " + maxBytes);
        }
        return this;
    }

    /**
     * On (default): a commit fails with {@link ConflictException} when a key the transaction read or
     * wrote was committed by another transaction after it started. Off: last committer wins, and
     * update transactions do not track their reads.
     */
    public boolean conflictDetection() { return conflictDetection; }
    public TxnOptions conflictDetection(boolean v) { conflictDetection = v; return this; }

    /** Most distinct keys one transaction may write (puts and deletes). */
    public int maxEntries() { return maxEntries; }
    public TxnOptions maxEntries(int v) { maxEntries = v; return this; }

    /** Most bytes (keys + values + a small per-entry overhead) one transaction may write. */
    public long maxBytes() { return maxBytes; }
    public TxnOptions maxBytes(long v) { maxBytes = v; return this; }

    TxnOptions copy() {
        return new TxnOptions().conflictDetection(conflictDetection).maxEntries(maxEntries).maxBytes(maxBytes);
    }
}
