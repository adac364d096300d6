package io.nokv.redis.keyspace;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks over keys, held around each write transaction of this gateway. They are not what
 * makes commands atomic (the store's conflict detection does that); they keep commands on one hot
 * key from colliding in the first place. Without them N connections hammering one key make N-1
 * optimistic transactions fail and retry per commit, and throughput collapses. Stripes are taken
 * in ascending order, so multi-key commands cannot deadlock.
 */
final class KeyLocks {
    private static final int STRIPES = 4096;

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    KeyLocks() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The stripes of {@code keys}, sorted and without duplicates. */
    int[] stripes(Iterable<byte[]> keys) {
        int[] s = new int[16];
        int n = 0;
        for (byte[] key : keys) {
            if (n == s.length) {
                s = Arrays.copyOf(s, n * 2);
            }
            s[n++] = stripe(key);
        }
        int[] sorted = Arrays.copyOf(s, n);
        Arrays.sort(sorted);
        return Arrays.stream(sorted).distinct().toArray();
    }

    void lock(int[] stripes) {
        for (int s : stripes) {
            locks[s].lock();
        }
    }

    void unlock(int[] stripes) {
        for (int i = stripes.length - 1; i >= 0; i--) {
            locks[stripes[i]].unlock();
        }
    }

    private static int stripe(byte[] key) {
        int h = Arrays.hashCode(key);
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return h & (STRIPES - 1);
    }
}
