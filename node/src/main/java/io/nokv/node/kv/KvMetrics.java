package io.nokv.node.kv;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Request counts, errors and latency summaries per RPC, and proposal counters, for /metrics. */
public final class KvMetrics {
    /** Count, error count, total time and a ring of recent latencies (for quantiles) of one RPC. */
    public static final class Rpc {
        private static final int WINDOW = 2048;
        final AtomicLong count = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong nanos = new AtomicLong();
        private final long[] recent = new long[WINDOW];
        private int next;
        private int filled;

        synchronized void record(long elapsedNanos, boolean error) {
            count.incrementAndGet();
            if (error) {
                errors.incrementAndGet();
            }
            nanos.addAndGet(elapsedNanos);
            recent[next] = elapsedNanos;
            next = (next + 1) % WINDOW;
            filled = Math.min(filled + 1, WINDOW);
        }

        /** Quantile in seconds over the recent window (0 when no samples). */
        public synchronized double quantile(double q) {
            if (filled == 0) {
                return 0;
            }
            long[] copy = Arrays.copyOf(recent, filled);
            Arrays.sort(copy);
            return copy[(int) Math.min(filled - 1, Math.floor(q * filled))] / 1e9;
        }

        public long count() {
            return count.get();
        }

        public long errors() {
            return errors.get();
        }

        public double seconds() {
            return nanos.get() / 1e9;
        }
    }

    private final Map<String, Rpc> rpcs = new ConcurrentHashMap<>();
    public final AtomicLong proposals = new AtomicLong();
    public final AtomicLong proposalFailures = new AtomicLong();
    public final AtomicLong serverBusy = new AtomicLong();

    public void record(String rpc, long elapsedNanos, boolean error) {
        rpcs.computeIfAbsent(rpc, r -> new Rpc()).record(elapsedNanos, error);
    }

    public Map<String, Rpc> rpcs() {
        return new TreeMap<>(rpcs);
    }
}
