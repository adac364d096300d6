package io.nokv.redis.server;

import io.nokv.redis.metrics.GatewayStats;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** {@code --max-clients}: connections beyond the limit get redis-server's error and are closed. */
final class ClientSlots {
    private final int max;
    private final GatewayStats stats;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();

    ClientSlots(int max, GatewayStats stats) {
        this.max = max;
        this.stats = stats;
    }

    boolean tryAcquire() {
        while (true) {
            int n = open.get();
            if (n >= max) {
                stats.connectionRejected();
                return false;
            }
            if (open.compareAndSet(n, n + 1)) {
                stats.connectionOpened();
                return true;
            }
        }
    }

    void release() {
        open.decrementAndGet();
        stats.connectionClosed();
    }

    long nextId() {
        return ids.incrementAndGet();
    }
}
