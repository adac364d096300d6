package io.nokv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;

/** Unsigned byte-string ordering and region bounds (an empty end key is +infinity). */
final class ByteKeys {
    static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

    private ByteKeys() {
    }

    static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return Arrays.compareUnsigned(key, start) >= 0 && (end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
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

    /** Printable ASCII raw, anything else as hex: (as the CLI prints keys). */
    static String format(byte[] key) {
        if (key == null) {
            return "null";
        }
        for (byte b : key) {
            if (b < 32 || b > 126) {
                return "hex:" + HexFormat.of().formatHex(key);
            }
        }
        return new String(key, StandardCharsets.US_ASCII);
    }
}
