package io.nokv.client.bench;

import io.nokv.client.NokvClient;
import io.nokv.client.Transaction;
import io.nokv.client.TxnConflictException;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transaction throughput of the Java client against a running cluster (a program, not a test):
 * N threads commit transactions of K random keys spread over the whole key space (so over every
 * region), for a fixed time per K. Start the cluster first ({@code ./jbang run-local-cluster}).
 *
 * <p>Args: {@code --config FILE} (default raft_config.example.json), {@code --threads N} (16),
 * {@code --seconds S} (15), {@code --keys K,K} (1,10).
 */
public final class ClientBenchmark {
    public static void main(String[] args) throws Exception {
        String config = "raft_config.example.json";
        int threads = 16;
        int seconds = 15;
        String keys = "1,10";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--config" -> config = args[i + 1];
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--keys" -> keys = args[i + 1];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf("load average %.2f, %d cores%n", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
        try (NokvClient c = NokvClient.fromConfig(Path.of(config))) {
            for (String k : keys.split(",")) {
                run(c, threads, Integer.parseInt(k.trim()), 3, false);
                run(c, threads, Integer.parseInt(k.trim()), seconds, true);
            }
        }
    }

    private static void run(NokvClient c, int threads, int keysPerTxn, int seconds, boolean report) throws Exception {
        Histogram latency = new Histogram(60_000_000_000L, 3);
        AtomicLong commits = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (running.get()) {
                    long s = System.nanoTime();
                    try {
                        Transaction txn = c.begin();
                        for (int k = 0; k < keysPerTxn; k++) {
                            // first byte a..z: about half the keys fall in each region of the example
                            String key = (char) ('a' + rnd.nextInt(26)) + "bench-" + rnd.nextInt(1_000_000);
                            txn.put(key, "v" + s);
                        }
                        txn.commit();
                        commits.incrementAndGet();
                        synchronized (latency) {
                            latency.recordValue(Math.min(System.nanoTime() - s, 60_000_000_000L));
                        }
                    } catch (TxnConflictException e) {
                        conflicts.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (failures.incrementAndGet() == 1) {
                            System.out.println("first failure: " + e);
                        }
                    }
                }
            });
            t.start();
            ts.add(t);
        }
        Thread.sleep(seconds * 1000L);
        running.set(false);
        for (Thread t : ts) {
            t.join();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        if (report) {
            System.out.printf("%d threads, %2d keys/txn: %8.1f txn/s (%8.1f keys/s)  p50 %6.1f ms  p99 %7.1f ms  conflicts %d  failures %d%n",
                    threads, keysPerTxn, commits.get() / secs, commits.get() * keysPerTxn / secs,
                    latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(99) / 1e6, conflicts.get(), failures.get());
        }
    }
}
