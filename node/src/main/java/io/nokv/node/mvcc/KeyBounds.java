package io.nokv.node.mvcc;

import io.nokv.node.config.Keys;

import java.util.Arrays;

/** The MVCC commands' bounds on user keys: which keys a command accepts, and how scan bounds combine. */
final class KeyBounds {

    private KeyBounds() {
    }

    static void checkUserKey(byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (Keys.isReserved(key)) {
            throw new IllegalArgumentException("key " + Keys.format(key) + " uses the reserved prefix 0xFF 0xFF");
        }
    }

    /** The smallest key greater than {@code key}: an exclusive upper bound covering exactly {@code key}. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** The larger of two lower bounds (null = unbounded). */
    static byte[] maxLower(byte[] a, byte[] b) {
        if (a == null || a.length == 0) {
            return b;
        }
        if (b == null || b.length == 0) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    /** The smaller of two exclusive upper bounds (null or empty = unbounded). */
    static byte[] minUpper(byte[] a, byte[] b) {
        if (a == null || a.length == 0) {
            return b == null || b.length == 0 ? null : b;
        }
        if (b == null || b.length == 0) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }

    /** Upper bound for user data: the requested end, clipped below the reserved prefix. */
    static byte[] userUpper(byte[] end) {
        return minUpper(end, Keys.reservedPrefix());
    }
}
