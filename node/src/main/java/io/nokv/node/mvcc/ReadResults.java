package io.nokv.node.mvcc;

import java.util.List;

/** What the leader-side reads return. */
public final class ReadResults {

    private ReadResults() {
    }

    /** A committed key/value visible at the read ts. */
    public record KvPair(byte[] key, byte[] value) {
    }

    /** {@code value} is null when nothing is visible; {@code locked} non-null when a lock blocks the read. */
    public record GetResult(byte[] value, KeyError.Locked locked) {
    }

    /**
     * The pairs found in key order (descending for a reverse scan) up to the first blocking lock;
     * {@code locked} names that lock, or is null when the scan completed (range end or limit).
     */
    public record ScanResult(List<KvPair> pairs, KeyError.Locked locked) {
    }

    /** A current lock and the key it sits on. */
    public record LockInfo(byte[] key, Lock lock) {
    }
}
