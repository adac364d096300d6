package io.nokv.engine.iterator;

import io.nokv.engine.key.InternalKey;

import java.util.List;

/**
 * Merges sorted children into one sorted stream, in both directions.
 *
 * <p>Children are ordered newest source first (memtable, immutables, L0 newest to oldest, L1, ...).
 * When several children hold an equal internal key (the same version of the same key written twice,
 * or a memtable entry that was also flushed) only the newest child's entry is yielded: the heap
 * breaks key ties by child index, so the newest is always on top, and the others are stepped past.
 *
 * <p>The heap is a plain {@code int[]} of child indices with each child's current key cached in an
 * array, so stepping allocates nothing. Direction switches follow LevelDB: every other child is
 * repositioned strictly past the current key on the new side, then the heap is rebuilt.
 *
 * <p>Invariant at rest: the heap holds exactly the valid children, its top is the current entry, and
 * no other valid child holds a key equal to the current one.
 */
public final class MergingIterator implements InternalIterator {
    private final InternalIterator[] children;
    /** Current key of each child (null when the child is not valid); read by the heap. */
    private final byte[][] keys;
    private final int[] heap;
    private int size;
    private boolean forward = true;

    public MergingIterator(List<InternalIterator> children) {
        this.children = children.toArray(new InternalIterator[0]);
        this.keys = new byte[this.children.length][];
        this.heap = new int[this.children.length];
    }

    @Override
    public boolean valid() {
        return size > 0;
    }

    @Override
    public void seekToFirst() {
        for (InternalIterator child : children) {
            child.seekToFirst();
        }
        rebuild(true);
    }

    @Override
    public void seekToLast() {
        for (InternalIterator child : children) {
            child.seekToLast();
        }
        rebuild(false);
    }

    @Override
    public void seek(byte[] internalKey) {
        for (InternalIterator child : children) {
            child.seek(internalKey);
        }
        rebuild(true);
    }

    @Override
    public void seekForPrev(byte[] internalKey) {
        for (InternalIterator child : children) {
            child.seekForPrev(internalKey);
        }
        rebuild(false);
    }

    @Override
    public void next() {
        requireValid();
        if (!forward) {
            switchDirection(true);
            return;
        }
        int top = heap[0];
        children[top].next();
        refreshTop(top);
        skipDuplicatesOfTop();
    }

    @Override
    public void prev() {
        requireValid();
        if (forward) {
            switchDirection(false);
            return;
        }
        int top = heap[0];
        children[top].prev();
        refreshTop(top);
        skipDuplicatesOfTop();
    }

    @Override
    public byte[] key() {
        requireValid();
        return keys[heap[0]];
    }

    @Override
    public byte[] value() {
        requireValid();
        return children[heap[0]].value();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (InternalIterator child : children) {
            try {
                child.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        size = 0;
        if (first != null) {
            throw first;
        }
    }

    /**
     * Moves every non-current child to the first entry strictly beyond the current key on the new
     * side (an equal key there would be a duplicate the current entry already stands for), then
     * steps the current child itself.
     */
    private void switchDirection(boolean toForward) {
        int current = heap[0];
        byte[] target = keys[current];
        for (int i = 0; i < children.length; i++) {
            if (i == current) {
                continue;
            }
            InternalIterator child = children[i];
            if (toForward) {
                child.seek(target);
                if (child.valid() && InternalKey.compare(child.key(), target) == 0) {
                    child.next();
                }
            } else {
                child.seekForPrev(target);
                if (child.valid() && InternalKey.compare(child.key(), target) == 0) {
                    child.prev();
                }
            }
        }
        // Stepped last: the target array belongs to this child and may be reused once it moves.
        if (toForward) {
            children[current].next();
        } else {
            children[current].prev();
        }
        rebuild(toForward);
    }

    private void rebuild(boolean toForward) {
        forward = toForward;
        size = 0;
        for (int i = 0; i < children.length; i++) {
            InternalIterator child = children[i];
            if (child.valid()) {
                keys[i] = child.key();
                heap[size++] = i;
            } else {
                keys[i] = null;
            }
        }
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
        skipDuplicatesOfTop();
    }

    /** After the top child moved: re-read its key and restore heap order. */
    private void refreshTop(int top) {
        InternalIterator child = children[top];
        if (child.valid()) {
            keys[top] = child.key();
        } else {
            keys[top] = null;
            heap[0] = heap[--size];
        }
        if (size > 1) {
            siftDown(0);
        }
    }

    /**
     * The smallest entry below the top (in heap order) sits at slot 1 or 2; while it has the top's
     * key it is an older copy of the current entry, so step it past.
     */
    private void skipDuplicatesOfTop() {
        while (size > 1) {
            int slot = 1;
            if (size > 2 && before(heap[2], heap[1])) {
                slot = 2;
            }
            int child = heap[slot];
            if (InternalKey.compare(keys[child], keys[heap[0]]) != 0) {
                return;
            }
            if (forward) {
                children[child].next();
            } else {
                children[child].prev();
            }
            if (children[child].valid()) {
                keys[child] = children[child].key();
            } else {
                keys[child] = null;
                heap[slot] = heap[--size];
                if (slot >= size) {
                    continue;
                }
            }
            siftDown(slot);
        }
    }

    /**
     * Heap order: by key in the current direction; equal keys put the newer child (lower index) first
     * in both directions, so the newest copy is the one yielded.
     */
    private boolean before(int a, int b) {
        int c = InternalKey.compare(keys[a], keys[b]);
        if (c != 0) {
            return forward ? c < 0 : c > 0;
        }
        return a < b;
    }

    private void siftDown(int slot) {
        int moving = heap[slot];
        int half = size >>> 1;
        while (slot < half) {
            int child = 2 * slot + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], moving)) {
                break;
            }
            heap[slot] = heap[child];
            slot = child;
        }
        heap[slot] = moving;
    }

    private void requireValid() {
        if (size == 0) {
            throw new IllegalStateException("iterator is not positioned on an entry");
        }
    }
}
