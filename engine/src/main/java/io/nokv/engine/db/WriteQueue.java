package io.nokv.engine.db;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writers queue up; the one at the head becomes the leader, takes every queued
 * writer (up to a byte budget) as its group, applies them with one WAL append (and at most one
 * fsync), then wakes the followers. An uncontended writer leads a group of one with no hand-off.
 *
 * <p>Followers park on their own flags, not on the queue lock, so waking a group does not make
 * every follower queue up for the lock again just to return.
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
            if (queue.peekFirst() == w) {
                return groupLedBy(w);
            }
        } finally {
            lock.unlock();
        }
        while (!w.done && !w.leading) {
            LockSupport.park(this);
        }
        if (w.done) {
            return null;
        }
        lock.lock();
        try {
            return groupLedBy(w);
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock and {@code leader} is at the head of the queue. */
    private List<Writer> groupLedBy(Writer leader) {
        if (queue.size() == 1) {
            return List.of(leader);
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
    }

    /** Completes the group led by its first writer and hands leadership to the next in line. */
    void leave(List<Writer> group, RuntimeException error) {
        Writer next;
        lock.lock();
        try {
            for (int i = 0; i < group.size(); i++) {
                queue.pollFirst();
            }
            next = queue.peekFirst();
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < group.size(); i++) {
            Writer x = group.get(i);
            x.error = error;
            x.done = true; // volatile: publishes error
            if (i > 0) {
                LockSupport.unpark(x.thread);
            }
        }
        if (next != null) {
            next.leading = true;
            LockSupport.unpark(next.thread);
        }
    }
}
