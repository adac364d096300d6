package io.nokv.node.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The key rules client, server and tools agree on: which keys are the node's own (the reserved
 * prefix), when a key lies in a range, and how keys are written as text. Text input: a plain
 * string; empty or {@code -} is the unbounded key (empty bytes); {@code hex:<hex>} is binary.
 * Output ({@link #format}, also in every message that names a key): the inverse, so that
 * {@code decode(format(k))} always gives {@code k} back.
 */
public final class Keys {
    public static final String HEX_PREFIX = "hex:";
    /** The node keeps its own state under this prefix; user keys may not start with it. */
    private static final byte[] RESERVED_PREFIX = {(byte) 0xFF, (byte) 0xFF};
    private static final byte[] EMPTY = new byte[0];

    private Keys() {
    }

    /** The reserved prefix {@code 0xFF 0xFF} (a copy). */
    public static byte[] reservedPrefix() {
        return RESERVED_PREFIX.clone();
    }

    /** True when {@code key} starts with the reserved prefix, so it is no user key. */
    public static boolean isReserved(byte[] key) {
        return key != null && key.length >= 2 && key[0] == RESERVED_PREFIX[0] && key[1] == RESERVED_PREFIX[1];
    }

    /**
     * True when {@code key} lies in {@code [start, end)} in unsigned byte order; a null or empty
     * bound is unbounded on its side (an empty start is the smallest key anyway).
     */
    public static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return (start == null || Arrays.compareUnsigned(key, start) >= 0)
                && (end == null || end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
    }

    /** Decodes a key as written by users; null, empty and {@code -} mean "unbounded" (empty bytes). */
    public static byte[] decode(String text) {
        if (text == null || text.isEmpty() || text.equals("-")) {
            return EMPTY;
        }
        if (!text.startsWith(HEX_PREFIX)) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        String hex = text.substring(HEX_PREFIX.length());
        if (hex.isEmpty()) {
            throw new ConfigException("bad key \"" + text + "\": no hex digits after hex:");
        }
        if (hex.length() % 2 != 0) {
            throw new ConfigException("bad key \"" + text + "\": odd number of hex digits");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("bad key \"" + text + "\": not hex (" + e.getMessage() + ")");
        }
    }

    /**
     * Prints a key: empty as {@code -}; printable ASCII raw; anything else as {@code hex:<lowercase>}.
     * Also hex: keys containing a space (the simple formats are whitespace-separated columns read
     * by shell scripts) and keys that would otherwise read back differently ({@code -}, {@code hex:...}).
     * Null prints as {@code -} too.
     */
    public static String format(byte[] key) {
        if (key == null || key.length == 0) {
            return "-";
        }
        if (isPlain(key)) {
            return new String(key, StandardCharsets.US_ASCII);
        }
        return HEX_PREFIX + HexFormat.of().formatHex(key);
    }

    private static boolean isPlain(byte[] key) {
        for (byte b : key) {
            if (b < 33 || b > 126) {
                return false;
            }
        }
        String text = new String(key, StandardCharsets.US_ASCII);
        return !text.equals("-") && !text.startsWith(HEX_PREFIX);
    }
}
