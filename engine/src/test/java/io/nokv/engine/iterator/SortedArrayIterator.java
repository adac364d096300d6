package io.nokv.engine.iterator;

import io.nokv.engine.key.InternalKey;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/** Test fixture: an {@link InternalIterator} over an in-memory sorted map, counting closes. */
public final class SortedArrayIterator implements InternalIterator {
    private final byte[][] keys;
    private final byte[][] values;
    private int pos = -1;
    private boolean closed;

    public SortedArrayIterator(NavigableMap<byte[], byte[]> entries) {
        keys = new byte[entries.size()][];
        values = new byte[entries.size()][];
        int i = 0;
        for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
            keys[i] = e.getKey();
            values[i] = e.getValue();
            i++;
        }
    }

    public static NavigableMap<byte[], byte[]> newMap() {
        return new TreeMap<>(InternalKey.COMPARATOR);
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public boolean valid() {
        return pos >= 0 && pos < keys.length;
    }

    @Override
    public void seekToFirst() {
        pos = 0;
    }

    @Override
    public void seekToLast() {
        pos = keys.length - 1;
    }

    @Override
    public void seek(byte[] internalKey) {
        pos = lowerBound(internalKey);
    }

    @Override
    public void seekForPrev(byte[] internalKey) {
        int lb = lowerBound(internalKey);
        pos = lb < keys.length && InternalKey.compare(keys[lb], internalKey) == 0 ? lb : lb - 1;
    }

    @Override
    public void next() {
        check();
        pos++;
    }

    @Override
    public void prev() {
        check();
        pos--;
    }

    @Override
    public byte[] key() {
        check();
        return keys[pos];
    }

    @Override
    public byte[] value() {
        check();
        return values[pos];
    }

    @Override
    public void close() {
        closed = true;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("used after close");
        }
        if (!valid()) {
            throw new IllegalStateException("not valid");
        }
    }

    private int lowerBound(byte[] key) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (InternalKey.compare(keys[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
