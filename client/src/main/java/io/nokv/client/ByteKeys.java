package io.nokv.client;

import io.nokv.node.config.Keys;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Unsigned byte-string ordering and region bounds (an empty end key is +infinity). */
final class ByteKeys {
    static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private ByteKeys() {
    }

    /** {@link Keys#inRange}: the one range rule, here so the client's call sites stay short. */
    static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return Keys.inRange(key, start, end);
    }

    /** True when {@code regionEnd} (exclusive, empty = +inf) is at or beyond {@code end} (empty = +inf). */
    static boolean coversEnd(byte[] regionEnd, byte[] end) {
        if (regionEnd.length == 0) {
            return true;
        }
        return end.length != 0 && Arrays.compareUnsigned(regionEnd, end) >= 0;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link Keys#format}: the one key printing rule, here so the client's call sites stay short. */
    static String format(byte[] key) {
        return Keys.format(key);
    }
}
