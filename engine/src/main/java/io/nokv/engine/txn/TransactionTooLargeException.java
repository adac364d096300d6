package io.nokv.engine.txn;

import io.nokv.engine.NoKVException;

/**
 * A write would take the transaction past {@link TxnOptions#maxEntries()} or
 * {@link TxnOptions#maxBytes()}. The write is not applied; the transaction stays usable, so it can
 * commit what it has and continue in a new one.
 */
public final class TransactionTooLargeException extends NoKVException {
    public TransactionTooLargeException(String message) {
        super(message);
    }
}
