package io.nokv.engine.txn;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The transactions of one open store ({@code db.transactions()}; {@code DB}'s {@code update},
 * {@code view} and {@code newTransaction} delegate here). Thread-safe; each transaction is used by
 * one thread at a time. See {@code docs/engine-txn.md} for the model and its guarantees.
 */
public final class Transactions {
    private final TxnEngine engine;
    private final Oracle oracle;
    private final LongAdder commits = new LongAdder();
    private final LongAdder conflicts = new LongAdder();
    private volatile TxnOptions options = TxnOptions.defaults();

    public Transactions(TxnEngine engine) {
        this.engine = engine;
        this.oracle = new Oracle(engine);
    }

    /** A copy of the settings new transactions get. */
    public TxnOptions options() {
        return options.copy();
    }

    /** Settings for transactions started from now on; running ones keep theirs. */
    public void options(TxnOptions newOptions) {
        options = newOptions.copy().validate();
    }

    /** Starts a transaction reading the latest commit; {@code update = false} makes it read-only. */
    public Transaction newTransaction(boolean update) {
        TxnOptions o = options;
        boolean tracked = update && o.conflictDetection();
        Oracle.Start start = tracked ? oracle.beginTracked() : null;
        long readTs = tracked ? start.readTs() : engine.visibleVersion();
        return started(new Transaction(this, readTs, start, update, false, o));
    }

    /**
     * Managed mode: a transaction reading at the caller's {@code readTs}, committed with
     * {@link Transaction#commitAt(long)}. The caller owns the timestamps (Badger's managed mode);
     * do not mix managed and oracle transactions on one store.
     */
    public Transaction newTransactionAt(long readTs, boolean update) {
        if (readTs < 0 || readTs == Long.MAX_VALUE) {
            throw new IllegalArgumentException("read ts must be in [0, Long.MAX_VALUE), got " + readTs);
        }
        TxnOptions o = options;
        boolean tracked = update && o.conflictDetection();
        Oracle.Start start = tracked ? oracle.beginTrackedAt(readTs) : null;
        return started(new Transaction(this, readTs, start, update, true, o));
    }

    /** Runs {@code work} in a new update transaction and commits it; discards it if {@code work} throws. No retry. */
    public void update(Consumer<Transaction> work) {
        updateAndGet(txn -> {
            work.accept(txn);
            return null;
        });
    }

    public <T> T updateAndGet(Function<Transaction, T> work) {
        try (Transaction txn = newTransaction(true)) {
            T result = work.apply(txn);
            txn.commit();
            return result;
        }
    }

    /** Runs {@code work} in a new read-only transaction. */
    public void view(Consumer<Transaction> work) {
        viewAndGet(txn -> {
            work.accept(txn);
            return null;
        });
    }

    public <T> T viewAndGet(Function<Transaction, T> work) {
        try (Transaction txn = newTransaction(false)) {
            return work.apply(txn);
        }
    }

    /** Commits that wrote something. */
    public long commits() {
        return commits.sum();
    }

    /** Commits rejected with {@link ConflictException}. */
    public long conflicts() {
        return conflicts.sum();
    }

    /** Commits currently kept for conflict checks (bounded by what running transactions can conflict with). */
    public int conflictWindowSize() {
        return oracle.windowSize();
    }

    private Transaction started(Transaction txn) {
        // Pinned after the read timestamp is fixed; until the transaction ends compaction keeps what it can read.
        engine.pinSnapshot(txn.readTs());
        return txn;
    }

    TxnEngine engine() {
        return engine;
    }

    Oracle oracle() {
        return oracle;
    }

    void countCommit() {
        commits.increment();
    }

    void countConflict() {
        conflicts.increment();
    }
}
