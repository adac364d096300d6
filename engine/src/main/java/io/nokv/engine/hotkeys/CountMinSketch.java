package io.nokv.engine.hotkeys;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Approximate per-key counts in fixed memory: {@code depth} rows of {@code width} counters; a key
 * bumps one counter per row and its estimate is the smallest of them (never below the true count
 * since the last halving, above it only by collisions). Lock-free; {@link #halve()} may race with
 * increments, which only makes the estimate slightly off, never negative.
 */
final class CountMinSketch {
    private final int depth;
    private final int mask;
    private final AtomicIntegerArray counters;

    CountMinSketch(int depth, int widthPowerOfTwo) {
        if (Integer.bitCount(widthPowerOfTwo) != 1) {
            throw new IllegalArgumentException("width must be a power of two, got " + widthPowerOfTwo);
        }
        this.depth = depth;
        this.mask = widthPowerOfTwo - 1;
        this.counters = new AtomicIntegerArray(depth * widthPowerOfTwo);
    }

    /**
     * Adds one occurrence of the key with this 64-bit hash and returns its new estimate. Conservative
     * update: only the counters at the current minimum are raised, which keeps collisions from
     * inflating estimates (and saves most of the atomic writes).
     */
    int increment(long hash) {
        int h1 = (int) hash;
        int h2 = (int) (hash >>> 32) | 1;
        int min = Integer.MAX_VALUE;
        for (int row = 0; row < depth; row++) {
            min = Math.min(min, counters.get(slot(row, h1, h2)));
        }
        if (min == Integer.MAX_VALUE) {
            return min;
        }
        for (int row = 0; row < depth; row++) {
            int slot = slot(row, h1, h2);
            if (counters.get(slot) == min) {
                counters.compareAndSet(slot, min, min + 1);
            }
        }
        return min + 1;
    }

    private int slot(int row, int h1, int h2) {
        return row * (mask + 1) + ((h1 + row * h2) & mask);
    }

    void halve() {
        for (int i = 0; i < counters.length(); i++) {
            int v = counters.get(i);
            if (v != 0) {
                counters.set(i, v >>> 1);
            }
        }
    }

    long memoryBytes() {
        return 4L * counters.length();
    }
}
