package io.nokv.engine.db;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writers queue up; the one at the head becomes the leader, takes every queued
 * writer (up to a byte budget) as its group, applies them with one WAL append (and at most one
 * fsync), then wakes the followers. An uncontended writer leads a group of one with no hand-off.
 */
final class WriteQueue {
    private static final long MAX_GROUP_BYTES = 1L << 20;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Writer> queue = new ArrayDeque<>();

    /** @return the group to apply when {@code w} leads, or null when a leader already applied it. */
    List<Writer> enter(Writer w) {
        lock.lock();
        try {
            queue.addLast(w);
            while (!w.done && queue.peekFirst() != w) {
                if (w.wake == null) {
                    w.wake = lock.newCondition();
                }
                w.wake.awaitUninterruptibly();
            }
            if (w.done) {
                return null;
            }
            if (queue.size() == 1) {
                return List.of(w);
            }
            List<Writer> group = new ArrayList<>(queue.size());
            long bytes = 0;
            for (Writer x : queue) {
                long b = x.approximateBytes();
                if (!group.isEmpty() && bytes + b > MAX_GROUP_BYTES) {
                    break;
                }
                group.add(x);
                bytes += b;
            }
            return group;
        } finally {
            lock.unlock();
        }
    }

    /** Completes the group led by its first writer and hands leadership to the next in line. */
    void leave(List<Writer> group, RuntimeException error) {
        lock.lock();
        try {
            for (Writer x : group) {
                queue.pollFirst();
                x.error = error;
                x.done = true;
                if (x.wake != null) {
                    x.wake.signal();
                }
            }
            Writer next = queue.peekFirst();
            if (next != null && next.wake != null) {
                next.wake.signal();
            }
        } finally {
            lock.unlock();
        }
    }
}
