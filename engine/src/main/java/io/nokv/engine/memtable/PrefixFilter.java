package io.nokv.engine.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A small blocked bloom filter over the lookup prefixes ([cf][user key]) in a memtable, so a point
 * read of a key the memtable does not hold skips the skip-list search (a dozen cache misses) for
 * one word probe. Both probe bits live in one 64-bit word. Only the memtable's single writer adds;
 * readers see every bit of an entry they can see, because the bits are set before the entry is
 * linked (release) and readers reach entries through acquire loads or the published version.
 */
final class PrefixFilter {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] words;
    private final int mask;

    /** About 8 bits per expected entry (entries of ~128 bytes), at least 64 words. */
    PrefixFilter(long expectedBytes) {
        long bits = Math.max(64 * 64, Math.min(expectedBytes / 16, 1L << 30));
        int n = Integer.highestOneBit((int) (bits / 64));
        words = new long[n];
        mask = n - 1;
    }

    void add(byte[] key, int len) {
        long h = hash(key, len);
        words[(int) (h >>> 40) & mask] |= bits(h);
    }

    boolean mayContain(byte[] key, int len) {
        long h = hash(key, len);
        long b = bits(h);
        return (words[(int) (h >>> 40) & mask] & b) == b;
    }

    private static long bits(long h) {
        return (1L << (h & 63)) | (1L << ((h >>> 6) & 63));
    }

    static long hash(byte[] key, int len) {
        long h = 0x9E3779B97F4A7C15L ^ len;
        int i = 0;
        for (; i + 8 <= len; i += 8) {
            h = (h ^ (long) LONG.get(key, i)) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
        }
        long tail = 0;
        for (int shift = 0; i < len; i++, shift += 8) {
            tail |= (key[i] & 0xffL) << shift;
        }
        h = (h ^ tail) * 0x94D049BB133111EBL;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 32);
    }
}
