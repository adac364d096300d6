package io.nokv.engine.key;

import io.nokv.engine.ColumnFamily;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The key every internal structure (memtable, WAL replay, SST, compaction) sorts by:
 * {@code [cf: 1 byte][user key][Long.MAX_VALUE - version: 8 bytes big-endian]}.
 *
 * <p>The first part ("lookup prefix": column family + user key) is compared as a whole, unsigned,
 * so "a" sorts before "ab" whatever the trailer holds; the trailer then puts newer versions first.
 * Bloom filters are built over the lookup prefix only, so a probe for any version of a key can
 * never be a false negative.
 */
public final class InternalKey {
    public static final int TRAILER_BYTES = 8;

    /** Orders internal keys: lookup prefix ascending (unsigned), then version descending. */
    public static final Comparator<byte[]> COMPARATOR = InternalKey::compare;

    private InternalKey() {
    }

    public static byte[] encode(ColumnFamily cf, byte[] userKey, long version) {
        return encode(cf.id(), userKey, version);
    }

    public static byte[] encode(int cfId, byte[] userKey, long version) {
        byte[] out = new byte[1 + userKey.length + TRAILER_BYTES];
        out[0] = (byte) cfId;
        System.arraycopy(userKey, 0, out, 1, userKey.length);
        putTrailer(out, out.length - TRAILER_BYTES, version);
        return out;
    }

    /** {@code [cf][user key]}: what bloom filters and "same key?" checks use. */
    public static byte[] lookupPrefix(ColumnFamily cf, byte[] userKey) {
        byte[] out = new byte[1 + userKey.length];
        out[0] = (byte) cf.id();
        System.arraycopy(userKey, 0, out, 1, userKey.length);
        return out;
    }

    public static byte[] lookupPrefix(byte[] internalKey) {
        return Arrays.copyOf(internalKey, internalKey.length - TRAILER_BYTES);
    }

    public static int cfId(byte[] internalKey) {
        return internalKey[0] & 0xff;
    }

    public static byte[] userKey(byte[] internalKey) {
        return Arrays.copyOfRange(internalKey, 1, internalKey.length - TRAILER_BYTES);
    }

    public static long version(byte[] internalKey) {
        long inverted = 0;
        for (int i = internalKey.length - TRAILER_BYTES; i < internalKey.length; i++) {
            inverted = (inverted << 8) | (internalKey[i] & 0xff);
        }
        return Long.MAX_VALUE - inverted;
    }

    /** True when both keys name the same column family and user key (any versions). */
    public static boolean sameLookupPrefix(byte[] a, byte[] b) {
        return Arrays.equals(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
    }

    public static int compare(byte[] a, byte[] b) {
        int c = Arrays.compareUnsigned(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
        if (c != 0) {
            return c;
        }
        return Arrays.compareUnsigned(a, a.length - TRAILER_BYTES, a.length, b, b.length - TRAILER_BYTES, b.length);
    }

    /** Same order as {@link #compare(byte[], byte[])}, over slices. */
    public static int compare(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
        int c = Arrays.compareUnsigned(a, aOff, aOff + aLen - TRAILER_BYTES, b, bOff, bOff + bLen - TRAILER_BYTES);
        if (c != 0) {
            return c;
        }
        return Arrays.compareUnsigned(a, aOff + aLen - TRAILER_BYTES, aOff + aLen, b, bOff + bLen - TRAILER_BYTES, bOff + bLen);
    }

    private static void putTrailer(byte[] out, int off, long version) {
        if (version < 0 || version == Long.MAX_VALUE) {
            throw new IllegalArgumentException("version must be in [0, Long.MAX_VALUE), got " + version);
        }
        long inverted = Long.MAX_VALUE - version;
        for (int i = 7; i >= 0; i--) {
            out[off + i] = (byte) inverted;
            inverted >>>= 8;
        }
    }
}
