package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;

import java.nio.file.Path;

/**
 * A decoded block (checksum verified, decompressed) as {@link BlockBuilder} laid it out: entries in
 * {@code data[0, restartsOffset)}, then the restart offsets and their count ending at {@code limit}.
 * Immutable and shared between threads through the {@link BlockCache}; cursors keep their own state.
 */
final class Block {
    /** Rough per-block heap overhead beyond the data array, for the cache weigher. */
    private static final int OVERHEAD_BYTES = 64;

    final byte[] data;
    final int restartsOffset;
    final int restartCount;
    /** Where the block came from, for error messages. */
    final Path file;
    final long fileOffset;

    /**
     * @param limit end of the block's bytes in {@code data} (the array may be longer, e.g. when it
     *              still holds the on-disk trailer)
     * @throws IllegalArgumentException when the restart array does not fit
     */
    Block(byte[] data, int limit, Path file, long fileOffset) {
        if (limit < 4 || limit > data.length) {
            throw new IllegalArgumentException("block of " + limit + " bytes is too short");
        }
        int count = Bytes.getIntLE(data, limit - 4);
        long restartsStart = limit - 4 - 4L * count;
        if (count < 1 || restartsStart < 0) {
            throw new IllegalArgumentException("bad restart count " + count + " for a block of " + limit + " bytes");
        }
        this.data = data;
        this.file = file;
        this.fileOffset = fileOffset;
        this.restartCount = count;
        this.restartsOffset = (int) restartsStart;
        for (int i = 0; i < count; i++) {
            int r = restartPoint(i);
            if (r < 0 || r > restartsOffset || (i > 0 && r <= restartPoint(i - 1))) {
                throw new IllegalArgumentException("bad restart point " + r + " at index " + i);
            }
        }
    }

    int restartPoint(int index) {
        return Bytes.getIntLE(data, restartsOffset + 4 * index);
    }

    /** The error for a malformed entry the checksum did not catch (a writer bug, or bad luck). */
    NoKVException malformed(int position, String detail) {
        return new NoKVException("corrupt block in " + file + " at offset " + fileOffset
                + ": malformed entry at block position " + position + " (" + detail + ")");
    }

    int weight() {
        return data.length + OVERHEAD_BYTES;
    }

    BlockCursor cursor() {
        return new BlockCursor(this);
    }
}
