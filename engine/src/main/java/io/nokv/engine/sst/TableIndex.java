package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;
import io.nokv.engine.key.InternalKey;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The index block, decoded once at open into flat arrays. Entry i holds a separator with
 * {@code last key of block i <= separator[i] < first key of block i+1} and block i's handle, so the
 * first separator >= a target names the only block that can hold the target's ceiling (or, when
 * the target falls after that block's last key, the ceiling is the next block's first entry).
 * The index block itself is in {@link BlockBuilder} format: value = [offset varint][size varint].
 */
final class TableIndex {
    private final byte[][] separators;
    private final long[] offsets;
    private final int[] sizes;

    private TableIndex(byte[][] separators, long[] offsets, int[] sizes) {
        this.separators = separators;
        this.offsets = offsets;
        this.sizes = sizes;
    }

    static TableIndex decode(Path file, BlockHandle handle, Block block, long dataEnd) {
        int n = 0;
        byte[][] seps = new byte[16][];
        long[] offs = new long[16];
        int[] szs = new int[16];
        BlockCursor c = block.cursor();
        try {
            for (c.seekToFirst(); c.valid(); c.next()) {
                if (n == seps.length) {
                    seps = Arrays.copyOf(seps, n * 2);
                    offs = Arrays.copyOf(offs, n * 2);
                    szs = Arrays.copyOf(szs, n * 2);
                }
                byte[] v = c.value();
                int[] pos = {0};
                long off = varint(v, pos);
                long size = varint(v, pos);
                byte[] key = c.key();
                if (pos[0] != v.length || off < 0 || size <= 0 || size > Integer.MAX_VALUE - BlockCodec.TRAILER_BYTES
                        || off + size + BlockCodec.TRAILER_BYTES > dataEnd || key.length < 1 + InternalKey.TRAILER_BYTES
                        || (n > 0 && (off < offs[n - 1] + szs[n - 1] || InternalKey.compare(seps[n - 1], key) >= 0))) {
                    throw new IllegalArgumentException("bad index entry " + n);
                }
                seps[n] = key;
                offs[n] = off;
                szs[n] = (int) size;
                n++;
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException | NoKVException e) {
            throw BlockCodec.corrupt(file, handle, "index block: " + e.getMessage());
        }
        if (n == 0) {
            throw BlockCodec.corrupt(file, handle, "index block is empty");
        }
        return new TableIndex(Arrays.copyOf(seps, n), Arrays.copyOf(offs, n), Arrays.copyOf(szs, n));
    }

    int blockCount() {
        return separators.length;
    }

    BlockHandle handle(int i) {
        return new BlockHandle(offsets[i], sizes[i]);
    }

    long offset(int i) {
        return offsets[i];
    }

    /** Index of the first block whose separator is >= target, or {@link #blockCount()} when none. */
    int find(byte[] target) {
        int lo = 0;
        int hi = separators.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (InternalKey.compare(separators[mid], target) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static long varint(byte[] b, int[] pos) {
        int p = pos[0];
        long result = 0;
        int shift = 0;
        byte x;
        do {
            if (shift > 63) {
                throw new IllegalArgumentException("varint too long");
            }
            x = b[p++];
            result |= (long) (x & 0x7F) << shift;
            shift += 7;
        } while (x < 0);
        pos[0] = p;
        return result;
    }
}
