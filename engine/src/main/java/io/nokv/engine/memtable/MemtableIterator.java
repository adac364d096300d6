package io.nokv.engine.memtable;

import io.nokv.engine.iterator.InternalIterator;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;

/**
 * Cursor over a memtable. Steps through a live view iterator in the current direction (O(1) per
 * step) and only rebuilds it on a seek or a change of direction. Entries inserted concurrently may
 * or may not be seen; callers filter by read version anyway.
 */
final class MemtableIterator implements InternalIterator {
    private final ConcurrentNavigableMap<byte[], byte[]> map;
    private Iterator<Map.Entry<byte[], byte[]>> cursor;
    private boolean forward = true;
    private byte[] key;
    private byte[] value;

    MemtableIterator(ConcurrentNavigableMap<byte[], byte[]> map) {
        this.map = map;
    }

    @Override
    public boolean valid() {
        return key != null;
    }

    @Override
    public void seekToFirst() {
        startForward(map.entrySet().iterator());
    }

    @Override
    public void seekToLast() {
        startBackward(map.descendingMap().entrySet().iterator());
    }

    @Override
    public void seek(byte[] internalKey) {
        startForward(map.tailMap(internalKey, true).entrySet().iterator());
    }

    @Override
    public void seekForPrev(byte[] internalKey) {
        startBackward(map.headMap(internalKey, true).descendingMap().entrySet().iterator());
    }

    @Override
    public void next() {
        if (!forward) {
            startForward(map.tailMap(key, false).entrySet().iterator());
            return;
        }
        step();
    }

    @Override
    public void prev() {
        if (forward) {
            startBackward(map.headMap(key, false).descendingMap().entrySet().iterator());
            return;
        }
        step();
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public byte[] value() {
        return value;
    }

    @Override
    public void close() {
        cursor = null;
        key = null;
        value = null;
    }

    private void startForward(Iterator<Map.Entry<byte[], byte[]>> it) {
        forward = true;
        cursor = it;
        step();
    }

    private void startBackward(Iterator<Map.Entry<byte[], byte[]>> it) {
        forward = false;
        cursor = it;
        step();
    }

    private void step() {
        if (cursor.hasNext()) {
            Map.Entry<byte[], byte[]> e = cursor.next();
            key = e.getKey();
            value = e.getValue();
        } else {
            key = null;
            value = null;
        }
    }
}
