package io.nokv.node.config;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Key syntax shared by the configuration file and the command-line tools. Input: a plain string;
 * empty or {@code -} is the unbounded key (empty bytes); {@code hex:<hex>} is binary. Output: the
 * inverse, so that {@code decode(format(k))} always gives {@code k} back.
 */
public final class Keys {
    public static final String HEX_PREFIX = "hex:";
    private static final byte[] EMPTY = new byte[0];

    private Keys() {
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
