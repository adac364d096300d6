package io.nokv.engine.sst;

import java.util.Arrays;

/**
 * Builds one block: entries {@code [shared varint][unshared varint][value length varint]
 * [unshared key bytes][value]}, where {@code shared} is the length of the prefix common with the
 * previous key, reset to 0 every {@link #RESTART_INTERVAL} entries (a restart point). The block ends
 * with the restart offsets and their count, each a 4-byte little-endian int, so a reader can binary
 * search the restart keys, which are stored whole.
 */
final class BlockBuilder {
    static final int RESTART_INTERVAL = 16;

    private final int restartInterval;
    private final ByteSink out;
    private int[] restarts = new int[16];
    private int restartCount;
    private int sinceRestart;
    private int entries;
    private byte[] lastKey = new byte[32];
    private int lastKeyLen;

    BlockBuilder(int expectedBytes) {
        this(expectedBytes, RESTART_INTERVAL);
    }

    BlockBuilder(int expectedBytes, int restartInterval) {
        this.restartInterval = restartInterval;
        this.out = new ByteSink(expectedBytes + expectedBytes / 4);
    }

    boolean isEmpty() {
        return entries == 0;
    }

    /** Size of the block {@link #finish()} would return now. */
    int estimatedSize() {
        return out.size() + (restartCount + (entries == 0 ? 1 : 0)) * 4 + 4;
    }

    void add(byte[] key, byte[] value) {
        int shared = 0;
        if (sinceRestart == restartInterval || entries == 0) {
            if (restartCount == restarts.length) {
                restarts = Arrays.copyOf(restarts, restarts.length * 2);
            }
            restarts[restartCount++] = out.size();
            sinceRestart = 0;
        } else {
            int max = Math.min(lastKeyLen, key.length);
            int mismatch = Arrays.mismatch(lastKey, 0, max, key, 0, max);
            shared = mismatch < 0 ? max : mismatch;
        }
        out.writeVarint(shared);
        out.writeVarint(key.length - shared);
        out.writeVarint(value.length);
        out.write(key, shared, key.length - shared);
        out.write(value, 0, value.length);
        if (lastKey.length < key.length) {
            lastKey = new byte[Math.max(key.length, lastKey.length * 2)];
        }
        System.arraycopy(key, shared, lastKey, shared, key.length - shared);
        lastKeyLen = key.length;
        sinceRestart++;
        entries++;
    }

    /** Appends the restart array; the returned sink stays valid until {@link #reset()}. */
    ByteSink finish() {
        if (entries == 0) {
            out.writeIntLE(0);
            out.writeIntLE(1);
            return out;
        }
        for (int i = 0; i < restartCount; i++) {
            out.writeIntLE(restarts[i]);
        }
        out.writeIntLE(restartCount);
        return out;
    }

    void reset() {
        out.reset();
        restartCount = 0;
        sinceRestart = 0;
        entries = 0;
        lastKeyLen = 0;
    }
}
