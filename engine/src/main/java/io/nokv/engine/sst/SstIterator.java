package io.nokv.engine.sst;

import io.nokv.engine.iterator.InternalIterator;

/**
 * Two-level iterator over one table: the in-memory index picks a block, a {@link BlockCursor} moves
 * inside it, and running off either end of a block continues in the neighbouring block. Key and
 * value arrays are copied once per position, on first request.
 */
final class SstIterator implements InternalIterator {
    private final SstReader reader;
    private final TableIndex index;
    private int blockIndex = -1;
    private BlockCursor cursor;
    private byte[] key;
    private byte[] value;

    SstIterator(SstReader reader, TableIndex index) {
        this.reader = reader;
        this.index = index;
    }

    @Override
    public boolean valid() {
        return cursor != null && cursor.valid();
    }

    @Override
    public void seekToFirst() {
        load(0);
        cursor.seekToFirst();
        skipForward();
    }

    @Override
    public void seekToLast() {
        load(index.blockCount() - 1);
        cursor.seekToLast();
        skipBackward();
    }

    @Override
    public void seek(byte[] internalKey) {
        int i = index.find(internalKey);
        if (i == index.blockCount()) {
            invalidate();
            return;
        }
        load(i);
        cursor.seek(internalKey);
        skipForward();
    }

    @Override
    public void seekForPrev(byte[] internalKey) {
        int i = index.find(internalKey);
        if (i == index.blockCount()) {
            seekToLast(); // every key is <= the last separator < target
            return;
        }
        load(i);
        cursor.seekForPrev(internalKey);
        skipBackward();
    }

    @Override
    public void next() {
        requireValid();
        key = null;
        value = null;
        cursor.next();
        skipForward();
    }

    @Override
    public void prev() {
        requireValid();
        key = null;
        value = null;
        cursor.prev();
        skipBackward();
    }

    @Override
    public byte[] key() {
        requireValid();
        if (key == null) {
            key = cursor.key();
        }
        return key;
    }

    @Override
    public byte[] value() {
        requireValid();
        if (value == null) {
            value = cursor.value();
        }
        return value;
    }

    @Override
    public void close() {
        invalidate();
    }

    private void skipForward() {
        while (!cursor.valid()) {
            if (blockIndex + 1 >= index.blockCount()) {
                invalidate();
                return;
            }
            load(blockIndex + 1);
            cursor.seekToFirst();
        }
    }

    private void skipBackward() {
        while (!cursor.valid()) {
            if (blockIndex == 0) {
                invalidate();
                return;
            }
            load(blockIndex - 1);
            cursor.seekToLast();
        }
    }

    /** Positions on block i (the caller seeks inside it); a cursor on the same block is reused. */
    private void load(int i) {
        key = null;
        value = null;
        if (i != blockIndex || cursor == null) {
            cursor = reader.block(i).cursor();
            blockIndex = i;
        }
    }

    private void invalidate() {
        cursor = null;
        blockIndex = -1;
        key = null;
        value = null;
    }

    private void requireValid() {
        if (!valid()) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
    }
}
