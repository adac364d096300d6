package io.nokv.engine.memtable;

import io.nokv.engine.iterator.InternalIterator;

/**
 * Cursor over a memtable's skip list. Forward steps follow the bottom links; backward steps search
 * for the predecessor (O(log n)), as in LevelDB. Entries inserted concurrently may or may not be
 * seen; callers filter by read version anyway. Keys and values are copied out once per position.
 */
final class MemtableIterator implements InternalIterator {
    private final ArenaSkipList list;
    private int node;
    private byte[] key;
    private byte[] value;

    MemtableIterator(ArenaSkipList list) {
        this.list = list;
    }

    @Override
    public boolean valid() {
        return node != 0;
    }

    @Override
    public void seekToFirst() {
        moveTo(list.first());
    }

    @Override
    public void seekToLast() {
        moveTo(list.last());
    }

    @Override
    public void seek(byte[] internalKey) {
        moveTo(list.seekGreaterOrEqual(internalKey));
    }

    @Override
    public void seekForPrev(byte[] internalKey) {
        int ge = list.seekGreaterOrEqual(internalKey);
        if (ge != 0 && list.compareNode(ge, internalKey, internalKey.length) == 0) {
            moveTo(ge);
        } else {
            moveTo(list.seekLessThan(internalKey));
        }
    }

    @Override
    public void next() {
        moveTo(list.next(node, 0));
    }

    @Override
    public void prev() {
        moveTo(list.seekLessThan(key()));
    }

    @Override
    public byte[] key() {
        if (key == null) {
            key = list.key(node);
        }
        return key;
    }

    @Override
    public byte[] value() {
        if (value == null) {
            value = list.value(node);
        }
        return value;
    }

    @Override
    public void close() {
        node = 0;
    }

    private void moveTo(int n) {
        node = n;
        key = null;
        value = null;
    }
}
