package io.nokv.engine.txn;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;

/**
 * Merges a transaction's pending writes over a snapshot iterator. Where both have a key the
 * pending write wins; a pending delete hides the key. Both sources are kept positioned for the
 * current direction: moving forward, each sits at its smallest key >= the current one; moving
 * backward, at its largest key <= it; a direction change re-seeks the snapshot.
 */
final class TxnIterator implements DbIterator {
    private final Transaction txn;
    private final ColumnFamily cf;
    private final DbIterator base;
    private final NavigableMap<byte[], byte[]> pending;

    /** The snapshot iterator's current key, or null when it is exhausted (cached: key() copies). */
    private byte[] baseKey;
    private Map.Entry<byte[], byte[]> pend;
    private byte[] key;
    private boolean fromPending;
    private boolean forward = true;
    private boolean readRecorded;
    private boolean closed;

    TxnIterator(Transaction txn, IteratorOptions options, DB db, long readTs, PendingWrites writes) {
        this.txn = txn;
        this.cf = options.columnFamily();
        byte[] lower = options.lowerBound();
        byte[] upper = options.upperBound();
        byte[] prefix = options.prefix();
        if (prefix != null) {
            lower = lower == null || Arrays.compareUnsigned(prefix, lower) > 0 ? prefix : lower;
            byte[] end = prefixEnd(prefix);
            if (end != null && (upper == null || Arrays.compareUnsigned(end, upper) < 0)) {
                upper = end;
            }
        }
        this.pending = writes == null ? Collections.emptyNavigableMap() : writes.range(cf, lower, upper);
        this.base = db.newIterator(new IteratorOptions()
                .columnFamily(cf)
                .lowerBound(options.lowerBound())
                .upperBound(options.upperBound())
                .prefix(prefix)
                .readVersion(readTs));
    }

    @Override
    public void seekToFirst() {
        checkOpen();
        base.seekToFirst();
        syncBase();
        pend = pending.firstEntry();
        forward = true;
        resolveForward();
    }

    @Override
    public void seekToLast() {
        checkOpen();
        base.seekToLast();
        syncBase();
        pend = pending.lastEntry();
        forward = false;
        resolveBackward();
    }

    @Override
    public void seek(byte[] target) {
        checkOpen();
        base.seek(target);
        syncBase();
        pend = pending.ceilingEntry(target);
        forward = true;
        resolveForward();
    }

    @Override
    public void seekForPrev(byte[] target) {
        checkOpen();
        base.seekForPrev(target);
        syncBase();
        pend = pending.floorEntry(target);
        forward = false;
        resolveBackward();
    }

    @Override
    public boolean valid() {
        return !closed && key != null;
    }

    @Override
    public void next() {
        checkValid();
        if (!forward) {
            base.seek(key);
            syncBase();
            forward = true;
        }
        if (baseKey != null && Arrays.equals(baseKey, key)) {
            base.next();
            syncBase();
        }
        pend = pending.higherEntry(key);
        resolveForward();
    }

    @Override
    public void prev() {
        checkValid();
        if (forward) {
            base.seekForPrev(key);
            syncBase();
            forward = false;
        }
        if (baseKey != null && Arrays.equals(baseKey, key)) {
            base.prev();
            syncBase();
        }
        pend = pending.lowerEntry(key);
        resolveBackward();
    }

    @Override
    public byte[] key() {
        checkValid();
        recordRead();
        return fromPending ? key.clone() : key;
    }

    @Override
    public byte[] value() {
        checkValid();
        recordRead();
        return fromPending ? pend.getValue() : base.value();
    }

    @Override
    public long version() {
        checkValid();
        recordRead();
        return fromPending ? Transaction.PENDING_VERSION : base.version();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            key = null;
            base.close();
            txn.forget(this);
        }
    }

    /** Lands on the smaller of the two sources' keys, skipping keys the transaction deleted. */
    private void resolveForward() {
        readRecorded = false;
        while (true) {
            byte[] pk = pend == null ? null : pend.getKey();
            if (pk == null && baseKey == null) {
                key = null;
                return;
            }
            int c = pk == null ? 1 : baseKey == null ? -1 : Arrays.compareUnsigned(pk, baseKey);
            if (c > 0) {
                key = baseKey;
                fromPending = false;
                return;
            }
            if (pend.getValue() != PendingWrites.DELETED) {
                key = pk;
                fromPending = true;
                return;
            }
            if (c == 0) {
                base.next();
                syncBase();
            }
            pend = pending.higherEntry(pk);
        }
    }

    /** Mirror of {@link #resolveForward()}: lands on the larger key. */
    private void resolveBackward() {
        readRecorded = false;
        while (true) {
            byte[] pk = pend == null ? null : pend.getKey();
            if (pk == null && baseKey == null) {
                key = null;
                return;
            }
            int c = pk == null ? -1 : baseKey == null ? 1 : Arrays.compareUnsigned(pk, baseKey);
            if (c < 0) {
                key = baseKey;
                fromPending = false;
                return;
            }
            if (pend.getValue() != PendingWrites.DELETED) {
                key = pk;
                fromPending = true;
                return;
            }
            if (c == 0) {
                base.prev();
                syncBase();
            }
            pend = pending.lowerEntry(pk);
        }
    }

    private void syncBase() {
        baseKey = base.valid() ? base.key() : null;
    }

    private void recordRead() {
        if (!fromPending && !readRecorded) {
            readRecorded = true;
            txn.recordRead(cf, key);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("iterator is closed (or its transaction ended)");
        }
    }

    private void checkValid() {
        checkOpen();
        if (key == null) {
            throw new IllegalStateException("iterator is not positioned on a key");
        }
    }

    /** The smallest key above every key starting with {@code prefix}, or null when there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }
}
