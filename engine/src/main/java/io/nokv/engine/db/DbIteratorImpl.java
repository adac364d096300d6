package io.nokv.engine.db;

import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKVException;
import io.nokv.engine.iterator.InternalIterator;
import io.nokv.engine.iterator.MergingIterator;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;
import io.nokv.engine.memtable.Memtable;
import io.nokv.engine.version.Version;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The user-facing cursor: a merge of every memtable and table (newest source first), restricted
 * to one column family, the bounds and the prefix, showing per user key the newest version at or
 * below the read version (or every version), tombstones hidden.
 *
 * <p>Forward, the merged cursor sits on the current entry. Backward (after {@code prev}), it sits on
 * the last entry of the key before the current one, because finding the visible version of a key
 * from below means reading all of its versions first.
 */
final class DbIteratorImpl implements DbIterator {
    private final InternalIterator merged;
    private final int cf;
    private final long readVersion;
    private final boolean allVersions;
    /** Effective bounds as lookup prefixes ([cf][user key]); null = unbounded. Upper is exclusive. */
    private final byte[] lower;
    private final byte[] upper;
    private final byte[] prefix;
    private final Runnable onClose;
    /** Entry value → user value (reads value-log pointers). */
    private final java.util.function.UnaryOperator<byte[]> resolver;
    /** True for entries a reader must skip as already collected (pointers into segments GC deleted). */
    private final java.util.function.Predicate<byte[]> garbage;
    /** Expiry is judged once, at creation, so the iterator is a consistent snapshot. */
    private final long nowMillis;

    private boolean forward = true;
    private boolean valid;
    private byte[] currentKey; // internal key
    private byte[] currentValue; // entry value
    private boolean closed;

    DbIteratorImpl(IteratorOptions o, long readVersion, MemtableView memtables, Version version,
                   java.util.function.UnaryOperator<byte[]> resolver, java.util.function.Predicate<byte[]> garbage,
                   long nowMillis, Runnable onClose) {
        this.resolver = resolver;
        this.garbage = garbage;
        this.nowMillis = nowMillis;
        this.cf = o.columnFamily().id();
        this.readVersion = readVersion;
        this.allVersions = o.allVersions();
        this.prefix = o.prefix();
        this.lower = maxOf(withCf(o.lowerBound()), withCf(o.prefix()));
        this.upper = minOf(withCf(o.upperBound()), o.prefix() == null ? null : successor(withCf(o.prefix())));
        this.onClose = onClose;
        List<InternalIterator> children = new ArrayList<>();
        children.add(memtables.mutable().iterator());
        for (Memtable imm : memtables.immutables()) {
            children.add(imm.iterator());
        }
        version.addIterators(children);
        this.merged = new MergingIterator(children);
    }

    // ---- positioning --------------------------------------------------------------------------

    @Override
    public void seekToFirst() {
        checkOpen();
        merged.seek(first(lower != null ? lower : new byte[] {(byte) cf}));
        findNextVisible();
    }

    @Override
    public void seekToLast() {
        checkOpen();
        merged.seekForPrev(first(upper != null ? upper : new byte[] {(byte) (cf + 1)}));
        findPrevVisible();
    }

    @Override
    public void seek(byte[] key) {
        checkOpen();
        byte[] target = withCf(key);
        if (lower != null && Arrays.compareUnsigned(target, lower) < 0) {
            target = lower;
        }
        merged.seek(first(target));
        findNextVisible();
    }

    @Override
    public void seekForPrev(byte[] key) {
        checkOpen();
        byte[] target = withCf(key);
        if (upper != null && Arrays.compareUnsigned(target, upper) >= 0) {
            merged.seekForPrev(first(upper));
        } else {
            merged.seekForPrev(last(target));
        }
        findPrevVisible();
    }

    @Override
    public boolean valid() {
        return valid;
    }

    @Override
    public void next() {
        checkValid();
        if (!forward) {
            // The merged cursor is below the current key: come back just past it.
            merged.seek(allVersions ? currentKey : last(prefixOf(currentKey)));
            if (allVersions && merged.valid()) {
                merged.next();
            }
            findNextVisible();
            return;
        }
        if (allVersions) {
            merged.next();
        } else {
            skipRestOfKey();
        }
        findNextVisible();
    }

    @Override
    public void prev() {
        checkValid();
        if (forward) {
            merged.seekForPrev(allVersions ? currentKey : first(prefixOf(currentKey)));
            if (allVersions && merged.valid()) {
                merged.prev();
            } else if (!allVersions && merged.valid() && InternalKey.sameLookupPrefix(merged.key(), currentKey)) {
                merged.prev(); // only possible for an exact-key match of the smallest trailer
            }
        } else if (allVersions) {
            merged.prev();
        }
        findPrevVisible();
    }

    @Override
    public byte[] key() {
        checkValid();
        return InternalKey.userKey(currentKey);
    }

    @Override
    public byte[] value() {
        checkValid();
        return resolver.apply(currentValue);
    }

    @Override
    public long version() {
        checkValid();
        return InternalKey.version(currentKey);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        valid = false;
        try {
            merged.close();
        } finally {
            onClose.run();
        }
    }

    // ---- the visibility rules -------------------------------------------------------------------

    /** From the merged cursor forward: the first visible entry within range. */
    private void findNextVisible() {
        forward = true;
        while (merged.valid()) {
            byte[] k = merged.key();
            if (!belowUpper(k) || (k[0] & 0xff) != cf) {
                break;
            }
            if (InternalKey.version(k) > readVersion || (!inRangeBelow(k))) {
                merged.next();
                continue;
            }
            byte[] v = merged.value();
            if (EntryValue.isDead(v, nowMillis) || garbage.test(v)) {
                if (allVersions) {
                    merged.next();
                } else {
                    skipRestOfKey();
                }
                continue;
            }
            currentKey = k;
            currentValue = v;
            valid = true;
            return;
        }
        valid = false;
    }

    /** Advances the merged cursor past every remaining version of the key it is on. */
    private void skipRestOfKey() {
        byte[] k = merged.key();
        merged.next();
        while (merged.valid() && InternalKey.sameLookupPrefix(merged.key(), k)) {
            merged.next();
        }
    }

    /** From the merged cursor backward: the last visible entry within range. */
    private void findPrevVisible() {
        forward = false;
        while (merged.valid()) {
            byte[] k = merged.key();
            if (!inRangeBelow(k) || (k[0] & 0xff) != cf) {
                break;
            }
            if (!belowUpper(k)) {
                merged.prev();
                continue;
            }
            if (allVersions) {
                byte[] v = merged.value();
                if (InternalKey.version(k) <= readVersion && !EntryValue.isDead(v, nowMillis) && !garbage.test(v)) {
                    currentKey = k;
                    currentValue = v;
                    valid = true;
                    return;
                }
                merged.prev();
                continue;
            }
            // Read every version of this key from oldest up; the last one at or below readVersion wins.
            byte[] bestKey = null;
            byte[] bestValue = null;
            byte[] groupKey = k;
            while (merged.valid() && InternalKey.sameLookupPrefix(merged.key(), groupKey)) {
                byte[] gk = merged.key();
                if (InternalKey.version(gk) <= readVersion) {
                    // copies: the cursor moves on before we are done with them
                    bestKey = gk.clone();
                    bestValue = merged.value().clone();
                }
                merged.prev();
            }
            if (bestKey != null && !EntryValue.isDead(bestValue, nowMillis) && !garbage.test(bestValue)) {
                currentKey = bestKey;
                currentValue = bestValue;
                valid = true;
                return;
            }
        }
        valid = false;
    }

    private boolean belowUpper(byte[] internalKey) {
        return upper == null || Arrays.compareUnsigned(internalKey, 0, internalKey.length - InternalKey.TRAILER_BYTES,
                upper, 0, upper.length) < 0;
    }

    private boolean inRangeBelow(byte[] internalKey) {
        if (lower != null && Arrays.compareUnsigned(internalKey, 0, internalKey.length - InternalKey.TRAILER_BYTES,
                lower, 0, lower.length) < 0) {
            return false;
        }
        if (prefix != null) {
            int len = internalKey.length - InternalKey.TRAILER_BYTES - 1;
            return len >= prefix.length && Arrays.equals(internalKey, 1, 1 + prefix.length, prefix, 0, prefix.length);
        }
        return true;
    }

    // ---- key helpers ----------------------------------------------------------------------------

    private byte[] withCf(byte[] userKey) {
        if (userKey == null) {
            return null;
        }
        byte[] out = new byte[userKey.length + 1];
        out[0] = (byte) cf;
        System.arraycopy(userKey, 0, out, 1, userKey.length);
        return out;
    }

    private static byte[] prefixOf(byte[] internalKey) {
        return Arrays.copyOf(internalKey, internalKey.length - InternalKey.TRAILER_BYTES);
    }

    /** The smallest internal key with this lookup prefix (below every real version of it). */
    private static byte[] first(byte[] lookupPrefix) {
        return Arrays.copyOf(lookupPrefix, lookupPrefix.length + InternalKey.TRAILER_BYTES);
    }

    /** The largest internal key with this lookup prefix (above every real version of it). */
    private static byte[] last(byte[] lookupPrefix) {
        byte[] out = Arrays.copyOf(lookupPrefix, lookupPrefix.length + InternalKey.TRAILER_BYTES);
        Arrays.fill(out, lookupPrefix.length, out.length, (byte) 0xff);
        return out;
    }

    /** The smallest byte string greater than every string starting with {@code p}, or null if none. */
    private static byte[] successor(byte[] p) {
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] != (byte) 0xff) {
                byte[] out = Arrays.copyOf(p, i + 1);
                out[i]++;
                return out;
            }
        }
        return null;
    }

    private static byte[] maxOf(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] minOf(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    private void checkOpen() {
        if (closed) {
            throw new NoKVException("iterator is closed");
        }
    }

    private void checkValid() {
        checkOpen();
        if (!valid) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
    }
}
