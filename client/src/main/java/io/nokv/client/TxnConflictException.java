package io.nokv.client;

/**
 * The transaction lost a conflict (a newer committed write, a live lock of another transaction, or
 * a reader rolled it back) and was rolled back; nothing of it is visible. Retry by running the
 * whole transaction again with a new {@link NokvClient#begin()}: the client never replays it for you,
 * because only the caller knows whether the values it wrote still make sense.
 */
public class TxnConflictException extends NokvException {
    private final byte[] key;

    public TxnConflictException(String message, byte[] key) {
        super(message);
        this.key = key == null ? null : key.clone();
    }

    /** The key the conflict was found on, or null when unknown. */
    public byte[] key() {
        return key == null ? null : key.clone();
    }
}
