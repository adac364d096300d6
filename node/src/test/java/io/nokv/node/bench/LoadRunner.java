package io.nokv.node.bench;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load: N caller threads, each issuing one blocking operation after another for a fixed
 * time, every successful one's latency recorded (per-thread histograms, merged at the end, so the
 * recording itself does not serialise the callers).
 */
final class LoadRunner {
    /** One operation; false (or a throw) counts as an error and is not recorded. */
    interface Op {
        boolean run(SplittableRandom rnd) throws Exception;
    }

    record Result(long ops, double opsPerSec, double p50ms, double p99ms, long errors) {
    }

    private static final long MAX_NANOS = 60_000_000_000L;

    private LoadRunner() {
    }

    /** Runs {@code warmupSeconds} unrecorded, then {@code seconds} recorded. */
    static Result measure(int callers, double warmupSeconds, double seconds, Op op) throws InterruptedException {
        if (warmupSeconds > 0) {
            run(callers, warmupSeconds, op);
        }
        return run(callers, seconds, op);
    }

    private static Result run(int callers, double seconds, Op op) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong errors = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Histogram h = new Histogram(MAX_NANOS, 3);
            histograms.add(h);
            SplittableRandom rnd = new SplittableRandom(i * 7919L + System.nanoTime());
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    long s = System.nanoTime();
                    boolean ok;
                    try {
                        ok = op.run(rnd);
                    } catch (Exception e) {
                        ok = false;
                    }
                    if (ok) {
                        h.recordValue(Math.min(System.nanoTime() - s, MAX_NANOS));
                    } else {
                        errors.incrementAndGet();
                    }
                }
            }, "bench-caller-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        long t0 = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Histogram all = new Histogram(MAX_NANOS, 3);
        histograms.forEach(all::add);
        return new Result(all.getTotalCount(), all.getTotalCount() / secs, all.getValueAtPercentile(50) / 1e6,
                all.getValueAtPercentile(99) / 1e6, errors.get());
    }
}
