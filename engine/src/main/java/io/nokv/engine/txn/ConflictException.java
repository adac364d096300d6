package io.nokv.engine.txn;

import io.nokv.engine.NoKVException;

/** The commit lost to a concurrent transaction and wrote nothing; run the transaction again. */
public final class ConflictException extends NoKVException {
    public ConflictException(String message) {
        super(message);
    }
}
