package io.nokv.engine.bench;

import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The timed loops. Every engine gets the same keys, the same fill order, the same read sequence
 * and the same values (all derived from one seed), and every operation is timed on its own with
 * {@link System#nanoTime()} into an HdrHistogram.
 */
final class Workloads {
    static final int KEY_BYTES = 16;
    static final int SCAN_LENGTH = 100;
    static final int MIX_THREADS = 4;
    private static final int VALUE_POOL = 1024;
    private static final long MAX_LATENCY_NS = 60_000_000_000L;

    /** One workload's outcome on one engine. Latencies in nanoseconds. */
    record Result(String workload, long ops, long nanos, Histogram latency, long misses) {
        double opsPerSecond() {
            return ops * 1e9 / nanos;
        }

        double p50Micros() {
            return latency.getValueAtPercentile(50) / 1000.0;
        }

        double p99Micros() {
            return latency.getValueAtPercentile(99) / 1000.0;
        }
    }

    private final byte[][] keys;
    private final int[] fillOrder;
    private final byte[][] values;
    private final long seed;

    Workloads(int keyCount, int valueSize, long seed) {
        this.seed = seed;
        keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = String.format("%016d", i).getBytes(StandardCharsets.US_ASCII);
        }
        fillOrder = shuffled(keyCount, new SplittableRandom(seed));
        SplittableRandom valueRandom = new SplittableRandom(seed + 1);
        values = new byte[VALUE_POOL][valueSize];
        for (byte[] v : values) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (byte) valueRandom.nextInt(256);
            }
        }
    }

    int keyCount() {
        return keys.length;
    }

    /** Every key once, in a random order. */
    Result fillRandom(BenchEngine engine) {
        Histogram h = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < keys.length; i++) {
            byte[] key = keys[fillOrder[i]];
            byte[] value = values[i % VALUE_POOL];
            long t0 = System.nanoTime();
            engine.put(key, value);
            h.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NS));
        }
        return new Result(BenchConfig.FILL, keys.length, System.nanoTime() - start, h, 0);
    }

    /** As many point reads as keys, uniformly over the loaded keys (each should hit). */
    Result readRandom(BenchEngine engine, String name, long salt) {
        SplittableRandom random = new SplittableRandom(seed + salt);
        Histogram h = histogram();
        long misses = 0;
        long start = System.nanoTime();
        for (int i = 0; i < keys.length; i++) {
            byte[] key = keys[random.nextInt(keys.length)];
            long t0 = System.nanoTime();
            byte[] value = engine.get(key);
            h.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NS));
            if (value == null) {
                misses++;
            } else {
                Sink.touch(value);
            }
        }
        return new Result(name, keys.length, System.nanoTime() - start, h, misses);
    }

    /** As many puts as keys, to uniformly chosen existing keys. */
    Result overwrite(BenchEngine engine) {
        SplittableRandom random = new SplittableRandom(seed + 3);
        Histogram h = histogram();
        long start = System.nanoTime();
        for (int i = 0; i < keys.length; i++) {
            byte[] key = keys[random.nextInt(keys.length)];
            byte[] value = values[(i + 7) % VALUE_POOL];
            long t0 = System.nanoTime();
            engine.put(key, value);
            h.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NS));
        }
        return new Result(BenchConfig.OVERWRITE, keys.length, System.nanoTime() - start, h, 0);
    }

    /** keys/20 operations, each a fresh iterator, a seek to a random key and 100 steps. */
    Result seekNext100(BenchEngine engine) {
        SplittableRandom random = new SplittableRandom(seed + 4);
        int ops = Math.max(100, keys.length / 20);
        Histogram h = histogram();
        long short_ = 0;
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            int first = random.nextInt(keys.length);
            long t0 = System.nanoTime();
            int seen = engine.scan(keys[first], SCAN_LENGTH);
            h.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NS));
            if (seen < Math.min(SCAN_LENGTH, keys.length - first)) {
                short_++;
            }
        }
        return new Result(BenchConfig.SEEK, ops, System.nanoTime() - start, h, short_);
    }

    /** As many operations as keys over 4 threads, each a read or an update with equal odds. */
    Result readUpdate(BenchEngine engine) throws Exception {
        int perThread = keys.length / MIX_THREADS;
        List<Callable<Histogram>> tasks = new ArrayList<>();
        for (int t = 0; t < MIX_THREADS; t++) {
            SplittableRandom random = new SplittableRandom(seed + 100 + t);
            tasks.add(() -> {
                Histogram h = histogram();
                for (int i = 0; i < perThread; i++) {
                    byte[] key = keys[random.nextInt(keys.length)];
                    boolean read = random.nextBoolean();
                    long t0 = System.nanoTime();
                    if (read) {
                        Sink.touch(engine.get(key));
                    } else {
                        engine.put(key, values[i % VALUE_POOL]);
                    }
                    h.recordValue(Math.min(System.nanoTime() - t0, MAX_LATENCY_NS));
                }
                return h;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(MIX_THREADS);
        try {
            long start = System.nanoTime();
            List<Future<Histogram>> futures = pool.invokeAll(tasks);
            long nanos = System.nanoTime() - start;
            Histogram all = histogram();
            for (Future<Histogram> f : futures) {
                all.add(f.get());
            }
            return new Result(BenchConfig.READ_UPDATE, (long) perThread * MIX_THREADS, nanos, all, 0);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Histogram histogram() {
        return new Histogram(MAX_LATENCY_NS, 3);
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
