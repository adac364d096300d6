package io.nokv.redis.expiry;

import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.keyspace.StoreUnavailableException;
import io.nokv.redis.keyspace.StoredValue;
import io.nokv.redis.metrics.GatewayStats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The active half of expiry (reads already treat an expired key as absent): a background sweep
 * that deletes expired keys so they do not stay on disk and in DBSIZE forever. Like Redis's
 * active expire cycle it is sampled and time-boxed: every {@code period} it walks the keyspace from
 * where it stopped last, a page of {@link #PAGE} keys at a time, deletes the expired ones it finds
 * (each re-checked inside a transaction, so a key rewritten meanwhile survives), and keeps going
 * while pages are at least a quarter expired and the cycle's time budget lasts. A quiet keyspace
 * costs one page per period; a full pass over N keys takes about N / PAGE periods.
 */
public final class ActiveExpiry implements AutoCloseable {
    static final int PAGE = 200;

    private final Keyspace keyspace;
    private final GatewayStats stats;
    private final long budgetNanos;
    private final ScheduledExecutorService timer;
    private byte[] cursor = new byte[0];

    public ActiveExpiry(Keyspace keyspace, GatewayStats stats, long periodMillis) {
        this.keyspace = keyspace;
        this.stats = stats;
        this.budgetNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, periodMillis / 4));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nokv-redis-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::cycleQuietly, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private void cycleQuietly() {
        try {
            cycle();
        } catch (StoreUnavailableException e) {
            // the cluster is away or busy: the next cycle tries again
        } catch (RuntimeException e) {
            System.err.println("nokv-redis: expiry sweep failed: " + e);
        }
    }

    /** One cycle; returns how many keys it deleted. */
    public long cycle() {
        long deadline = System.nanoTime() + budgetNanos;
        long deleted = 0;
        while (true) {
            long now = keyspace.now();
            List<KeyStore.Pair> page = keyspace.store().scan(cursor, PAGE);
            List<byte[]> expired = new ArrayList<>();
            for (KeyStore.Pair p : page) {
                if (StoredValue.decode(p.value()).isExpiredAt(now)) {
                    expired.add(p.key());
                }
            }
            cursor = page.size() < PAGE ? new byte[0] : Keyspace.successor(page.get(page.size() - 1).key());
            if (!expired.isEmpty()) {
                long n = keyspace.update(expired, txn -> {
                    long count = 0;
                    for (byte[] key : expired) {
                        StoredValue v = txn.get(key); // null now means "expired" (or deleted meanwhile)
                        if (v == null) {
                            txn.delete(key);
                            count++;
                        }
                    }
                    return count;
                });
                stats.expired(n);
                deleted += n;
            }
            boolean busy = expired.size() * 4 >= PAGE;
            if (!busy || cursor.length == 0 || System.nanoTime() > deadline) {
                return deleted;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
