package io.nokv.node.raft;

import io.nokv.node.config.Keys;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The node's own keys in the DEFAULT column family, under {@code 0xFF 0xFF "nokv/"}. User keys may
 * not start with {@code 0xFF 0xFF} ({@link Keys#isReserved}), and snapshots skip the prefix, so they
 * never mix with data.
 */
public final class ReservedKeys {
    public static final byte[] PREFIX = concat(Keys.reservedPrefix(), "nokv/".getBytes(StandardCharsets.US_ASCII));

    private ReservedKeys() {
    }

    /** {@code \xff\xffnokv/applied/<regionId>}: value = term (8 bytes) + index (8 bytes), versioned at the index. */
    public static byte[] appliedKey(long regionId) {
        return reserved("applied/" + regionId);
    }

    /** {@code \xff\xffnokv/<name>}. */
    static byte[] reserved(String name) {
        return concat(PREFIX, name.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] encodeTermIndex(long term, long index) {
        return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
    }

    /** @return {term, index} */
    public static long[] decodeTermIndex(byte[] v) {
        if (v == null || v.length != 16) {
            throw new IllegalStateException("malformed applied-index value: " + (v == null ? "null" : v.length + " bytes"));
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return new long[] {b.getLong(), b.getLong()};
    }

    public static boolean isReserved(byte[] key) {
        if (key.length < PREFIX.length) {
            return false;
        }
        for (int i = 0; i < PREFIX.length; i++) {
            if (key[i] != PREFIX[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
