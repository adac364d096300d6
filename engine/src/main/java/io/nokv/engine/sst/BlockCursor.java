package io.nokv.engine.sst;

import io.nokv.engine.key.InternalKey;

import java.util.Arrays;

/**
 * A position inside one {@link Block}. Keys are rebuilt into a reusable buffer (prefix compression
 * makes them non-contiguous), so moving and comparing allocate nothing; {@link #key()} and
 * {@link #value()} copy only when asked. Seeks binary search the restart points, whose keys are
 * stored whole and compared in place, then scan at most one restart interval.
 */
final class BlockCursor {
    private final Block block;
    private final byte[] data;
    private byte[] keyBuf = new byte[64];
    private int keyLen;
    /** Offset of the current entry, or {@code block.restartsOffset} when not valid. */
    private int current;
    private int next;
    private int valueOffset;
    private int valueLen;

    BlockCursor(Block block) {
        this.block = block;
        this.data = block.data;
        this.current = block.restartsOffset;
    }

    boolean valid() {
        return current < block.restartsOffset;
    }

    byte[] key() {
        return Arrays.copyOf(keyBuf, keyLen);
    }

    byte[] value() {
        return Arrays.copyOfRange(data, valueOffset, valueOffset + valueLen);
    }

    /** Compares the current key with {@code target} without copying it. */
    int compareKeyTo(byte[] target) {
        return InternalKey.compare(keyBuf, 0, keyLen, target, 0, target.length);
    }

    void seekToFirst() {
        seekToRestart(0);
        if (next < block.restartsOffset) {
            parseNext();
        } else {
            current = block.restartsOffset;
        }
    }

    void seekToLast() {
        seekToRestart(block.restartCount - 1);
        if (next >= block.restartsOffset) {
            current = block.restartsOffset;
            return;
        }
        parseNext();
        while (next < block.restartsOffset) {
            parseNext();
        }
    }

    /** First entry with key >= target; not valid when every key is smaller. */
    void seek(byte[] target) {
        seekToRestart(lastRestartBelow(target));
        while (next < block.restartsOffset) {
            parseNext();
            if (compareKeyTo(target) >= 0) {
                return;
            }
        }
        current = block.restartsOffset;
    }

    /** Last entry with key <= target; not valid when every key is larger. */
    void seekForPrev(byte[] target) {
        seek(target);
        if (!valid()) {
            seekToLast();
        } else if (compareKeyTo(target) > 0) {
            prev();
        }
    }

    void next() {
        if (next >= block.restartsOffset) {
            current = block.restartsOffset;
            return;
        }
        parseNext();
    }

    /** Re-scans from the restart point before the current entry: O(restart interval). */
    void prev() {
        int original = current;
        if (original == 0 || !valid()) {
            current = block.restartsOffset;
            return;
        }
        int lo = 0;
        int hi = block.restartCount - 1;
        while (lo < hi) { // last restart point strictly before the current entry
            int mid = (lo + hi + 1) >>> 1;
            if (block.restartPoint(mid) < original) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        seekToRestart(lo);
        do {
            parseNext();
        } while (next < original);
    }

    /**
     * Index of the last restart point whose key is < target (0 when none is), so the scan from it
     * reaches the first key >= target within one interval.
     */
    private int lastRestartBelow(byte[] target) {
        int lo = 0;
        int hi = block.restartCount - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int p = block.restartPoint(mid);
            // A restart entry has shared = 0: [0][unshared][value length][key]...
            int pos = p + 1;
            int unshared = 0;
            int shift = 0;
            byte b;
            do {
                b = data[pos++];
                unshared |= (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            while (data[pos++] < 0) {
                // skip the value length varint
            }
            if (InternalKey.compare(data, pos, unshared, target, 0, target.length) < 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private void seekToRestart(int index) {
        keyLen = 0;
        next = block.restartPoint(index);
    }

    private void parseNext() {
        int pos = next;
        current = pos;
        int shared;
        int unshared;
        int vlen;
        // Fast path: all three varints fit in one byte each (keys and values < 128 bytes).
        if ((data[pos] | data[pos + 1] | data[pos + 2]) >= 0) {
            shared = data[pos];
            unshared = data[pos + 1];
            vlen = data[pos + 2];
            pos += 3;
        } else {
            long packed = readVarint(pos);
            shared = (int) packed;
            pos = (int) (packed >>> 32);
            packed = readVarint(pos);
            unshared = (int) packed;
            pos = (int) (packed >>> 32);
            packed = readVarint(pos);
            vlen = (int) packed;
            pos = (int) (packed >>> 32);
        }
        if (shared > keyLen || unshared < 0 || vlen < 0 || pos + unshared + (long) vlen > block.restartsOffset) {
            throw block.malformed(current, "shared " + shared + ", unshared " + unshared + ", value " + vlen);
        }
        int newLen = shared + unshared;
        if (newLen > keyBuf.length) {
            keyBuf = Arrays.copyOf(keyBuf, Math.max(newLen, keyBuf.length * 2));
        }
        System.arraycopy(data, pos, keyBuf, shared, unshared);
        keyLen = newLen;
        valueOffset = pos + unshared;
        valueLen = vlen;
        next = valueOffset + vlen;
    }

    /** Returns the value in the low 32 bits and the position after it in the high 32 bits. */
    private long readVarint(int pos) {
        int result = 0;
        int shift = 0;
        byte b;
        do {
            if (shift > 28) {
                throw block.malformed(pos, "varint longer than 5 bytes");
            }
            b = data[pos++];
            result |= (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return ((long) pos << 32) | (result & 0xFFFFFFFFL);
    }
}
