package io.nokv.engine.sst;

import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.util.Arrays;

/**
 * A per-table bloom filter over lookup prefixes ({@code [cf][user key]}, never the version, so a
 * probe for any version of a key finds it). Serialized as {@code [bit array][k: 1 byte]}. Probe
 * positions come from one 64-bit XXHash by double hashing: {@code h1 + i * h2} for i in [0, k),
 * mapped onto the bit count by multiply-shift instead of a modulo.
 */
final class BloomFilter {
    private static final long SEED = 0x6E6F6B76L; // "nokv"
    // The pure-Java (Unsafe) instance: JNI costs more than hashing a short key.
    private static final XXHash64 XX = XXHashFactory.fastestJavaInstance().hash64();
    private static final int MAX_PROBES = 30;

    private final byte[] bits;
    private final int bitCount;
    private final int probes;

    private BloomFilter(byte[] bits, int bitCount, int probes) {
        this.bits = bits;
        this.bitCount = bitCount;
        this.probes = probes;
    }

    static long hash(byte[] key, int off, int len) {
        return XX.hash(key, off, len, SEED);
    }

    /** Serializes a filter over {@code hashes[0, count)}. */
    static byte[] build(long[] hashes, int count, int bitsPerKey) {
        long wanted = Math.max(64L, (long) count * bitsPerKey);
        int bytes = (int) Math.min((wanted + 7) / 8, Integer.MAX_VALUE / 8 - 1);
        int bitCount = bytes * 8;
        int probes = (int) Math.max(1, Math.min(MAX_PROBES, Math.round(bitsPerKey * 0.69)));
        byte[] out = new byte[bytes + 1];
        for (int i = 0; i < count; i++) {
            long h = hashes[i];
            int h1 = (int) h;
            int h2 = (int) (h >>> 32);
            for (int p = 0; p < probes; p++) {
                int bit = position(h1 + p * h2, bitCount);
                out[bit >>> 3] |= (byte) (1 << (bit & 7));
            }
        }
        out[bytes] = (byte) probes;
        return out;
    }

    /** Parses a serialized filter; null when the bytes cannot be one. */
    static BloomFilter parse(byte[] serialized) {
        if (serialized.length < 2) {
            return null;
        }
        int probes = serialized[serialized.length - 1];
        if (probes < 1 || probes > MAX_PROBES) {
            return null;
        }
        byte[] bits = Arrays.copyOf(serialized, serialized.length - 1);
        return new BloomFilter(bits, bits.length * 8, probes);
    }

    boolean mayContain(byte[] key) {
        long h = hash(key, 0, key.length);
        int h1 = (int) h;
        int h2 = (int) (h >>> 32);
        for (int p = 0; p < probes; p++) {
            int bit = position(h1 + p * h2, bitCount);
            if ((bits[bit >>> 3] & (1 << (bit & 7))) == 0) {
                return false;
            }
        }
        return true;
    }

    int bitCount() {
        return bitCount;
    }

    private static int position(int combined, int bitCount) {
        return (int) (((combined & 0xFFFFFFFFL) * bitCount) >>> 32);
    }
}
