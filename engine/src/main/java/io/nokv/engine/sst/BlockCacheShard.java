package io.nokv.engine.sst;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shard of the {@link BlockCache}: a concurrent map for lock-free hits, and under the shard's
 * lock a CLOCK ring (second chance: a block read since the hand last passed survives one more
 * turn) plus, per file, a list of its cached blocks so dropping a file touches only those.
 */
final class BlockCacheShard {
    record Key(long fileId, long offset) {
        @Override
        public int hashCode() {
            long h = (fileId * 0x9E3779B97F4A7C15L) ^ offset;
            h *= 0xC2B2AE3D27D4EB4FL;
            return (int) (h ^ (h >>> 32));
        }
    }

    private static final class Node {
        final Key key;
        final Block block;
        final int weight;
        /** Set by readers without the lock; a lost or late write only changes which block goes first. */
        volatile boolean referenced;
        Node prev; // CLOCK ring, guarded by the shard
        Node next;
        Node filePrev; // this file's blocks in this shard, guarded by the shard
        Node fileNext;

        Node(Key key, Block block) {
            this.key = key;
            this.block = block;
            this.weight = block.weight();
        }
    }

    private final long capacity;
    private final ConcurrentHashMap<Key, Node> map = new ConcurrentHashMap<>();
    private final Map<Long, Node> fileHeads = new HashMap<>(); // guarded by this
    private Node hand; // guarded by this; null when empty
    private long used; // guarded by this

    BlockCacheShard(long capacity) {
        this.capacity = capacity;
    }

    Block get(Key key) {
        Node n = map.get(key);
        if (n == null) {
            return null;
        }
        if (!n.referenced) { // skip the write (and its cache-line traffic) when already set
            n.referenced = true;
        }
        return n.block;
    }

    synchronized void put(Key key, Block block) {
        if (block.weight() > capacity || map.containsKey(key)) {
            return; // too big to ever fit, or another reader missed on it too and got here first
        }
        Node n = new Node(key, block);
        map.put(key, n);
        if (hand == null) {
            n.prev = n;
            n.next = n;
            hand = n;
        } else { // just behind the hand: the newest block is the last the hand reaches
            n.prev = hand.prev;
            n.next = hand;
            hand.prev.next = n;
            hand.prev = n;
        }
        Node head = fileHeads.put(key.fileId(), n);
        if (head != null) {
            n.fileNext = head;
            head.filePrev = n;
        }
        used += n.weight;
        while (used > capacity) {
            evictOne();
        }
    }

    synchronized long usedBytes() {
        return used;
    }

    synchronized void evictFile(long fileId) {
        Node n = fileHeads.remove(fileId);
        while (n != null) {
            Node next = n.fileNext;
            n.filePrev = null;
            n.fileNext = null;
            removeFromRing(n);
            n = next;
        }
    }

    private void evictOne() {
        for (;;) {
            Node n = hand;
            hand = n.next;
            if (n.referenced) {
                n.referenced = false;
            } else {
                unlinkFromFile(n);
                removeFromRing(n);
                return;
            }
        }
    }

    private void removeFromRing(Node n) {
        map.remove(n.key, n);
        used -= n.weight;
        if (n.next == n) {
            hand = null;
        } else {
            if (hand == n) {
                hand = n.next;
            }
            n.prev.next = n.next;
            n.next.prev = n.prev;
        }
        n.prev = null;
        n.next = null;
    }

    private void unlinkFromFile(Node n) {
        if (n.filePrev == null) {
            if (n.fileNext == null) {
                fileHeads.remove(n.key.fileId());
            } else {
                fileHeads.put(n.key.fileId(), n.fileNext);
            }
        } else {
            n.filePrev.fileNext = n.fileNext;
        }
        if (n.fileNext != null) {
            n.fileNext.filePrev = n.filePrev;
        }
        n.filePrev = null;
        n.fileNext = null;
    }
}
