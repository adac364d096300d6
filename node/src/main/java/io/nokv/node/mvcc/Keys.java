package io.nokv.node.mvcc;

import java.util.Arrays;
import java.util.HexFormat;

/** User-key rules shared by every MVCC command. */
final class Keys {

    /** The node's own state lives under this prefix; user keys may not start with it. */
    static final byte[] RESERVED_PREFIX = {(byte) 0xFF, (byte) 0xFF};

    private Keys() {
    }

    static void checkUserKey(byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (isReserved(key)) {
            throw new IllegalArgumentException("key " + print(key) + " uses the reserved prefix 0xFF 0xFF");
        }
    }

    static boolean isReserved(byte[] key) {
        return key.length >= 2 && key[0] == (byte) 0xFF && key[1] == (byte) 0xFF;
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
        return minUpper(end, RESERVED_PREFIX);
    }

    static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return (start == null || Arrays.compareUnsigned(key, start) >= 0)
                && (end == null || end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
    }

    /** Printable ASCII raw, anything else as {@code hex:...} (the node's key printing rule). */
    static String print(byte[] key) {
        if (key == null) {
            return "null";
        }
        if (key.length == 0) {
            return "-";
        }
        for (byte b : key) {
            if (b < 32 || b > 126) {
                return "hex:" + HexFormat.of().formatHex(key);
            }
        }
        return new String(key, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
