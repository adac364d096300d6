package io.nokv.engine.txn;

import java.util.Arrays;

/** A growable array of longs (unboxed: read sets are on the commit hot path). */
final class LongList {
    private long[] items = new long[8];
    private int size;

    void add(long v) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = v;
    }

    int size() {
        return size;
    }

    long get(int i) {
        return items[i];
    }

    /** Sorted, deduplicated copy. */
    long[] toSortedSet() {
        long[] out = Arrays.copyOf(items, size);
        Arrays.sort(out);
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (n == 0 || out[n - 1] != out[i]) {
                out[n++] = out[i];
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }
}
