package io.nokv.engine.txn;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.WriteBatch;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Transaction throughput: {@code db.update} doing 1 read + 1 write, N threads, keys uniform over
 * the whole key space or over a small hot set. Not a test. Run:
 * <pre>
 * ./mvnw -q -B -pl engine test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.nokv.engine.txn.TxnBench [-Dexec.args="threads keys seconds hotKeys"]
 * </pre>
 * Defaults: 4 threads, 100000 keys, 5 s per variant (after 2 s warm-up; one unreported variant first
 * warms up the JIT), 16 hot keys.
 */
public final class TxnBench {
    private static final int VALUE_BYTES = 100;

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int hotKeys = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        System.out.printf("db.update (1 get + 1 put, %d-byte values), %d threads, %d s per variant, WAL not fsynced,"
                + " fresh store of %d keys per variant%n", VALUE_BYTES, threads, seconds, keys);
        TxnOptions detect = TxnOptions.defaults();
        TxnOptions noDetect = TxnOptions.defaults().conflictDetection(false);
        run(null, detect, threads, keys, keys, seconds, true); // JIT warm-up of the whole path, not reported
        run("uniform over " + keys + " keys", detect, threads, keys, keys, seconds, true);
        run("hot set of " + hotKeys + " keys", detect, threads, keys, hotKeys, seconds, true);
        run("uniform, conflict detection off", noDetect, threads, keys, keys, seconds, true);
        run("baseline: plain db.get + db.put", detect, threads, keys, keys, seconds, false);
    }

    private static void preload(DB db, int keys) {
        byte[] value = new byte[VALUE_BYTES];
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < keys; i++) {
            batch.put(key(i), value);
            if (batch.size() == 1000) {
                db.write(batch);
                batch = new WriteBatch();
            }
        }
        if (!batch.isEmpty()) {
            db.write(batch);
        }
        db.flush();
    }

    private static void run(String name, TxnOptions txnOptions, int threads, int keys, int keySpace, int seconds,
                            boolean transactional) throws Exception {
        Path dir = Files.createTempDirectory("nokv-txnbench");
        try (DB db = NoKV.open(Options.at(dir))) {
            db.transactions().options(txnOptions);
            preload(db, keys);
            measure(db, threads, keySpace, 2, transactional, null); // warm-up: JIT, memtable, caches
            Recorder latency = new Recorder(3);
            long conflictsBefore = db.transactions().conflicts();
            long[] result = measure(db, threads, keySpace, seconds, transactional, latency);
            long commits = result[0];
            long conflicts = db.transactions().conflicts() - conflictsBefore;
            var h = latency.getIntervalHistogram();
            if (name == null) {
                return;
            }
            System.out.printf("%-34s %7.0f commits/s  conflicts %5.2f%% of attempts  latency us p50 %.1f p99 %.1f"
                            + " p99.9 %.1f  max conflict window %d%n",
                    name, commits / (double) seconds, 100.0 * conflicts / Math.max(1, commits + conflicts),
                    h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0, result[1]);
        } finally {
            delete(dir);
        }
    }

    private static long[] measure(DB db, int threads, int keys, int seconds, boolean transactional, Recorder latency)
            throws InterruptedException {
        LongAdder commits = new LongAdder();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] workers = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            workers[w] = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                byte[] value = new byte[VALUE_BYTES];
                while (System.nanoTime() < deadline) {
                    byte[] readKey = key(rnd.nextInt(keys));
                    byte[] writeKey = key(rnd.nextInt(keys));
                    long t0 = System.nanoTime();
                    if (transactional) {
                        try {
                            db.update(t -> {
                                byte[] v = t.get(readKey);
                                value[0] = v == null ? 0 : (byte) (v[0] + 1);
                                t.put(writeKey, value);
                            });
                        } catch (ConflictException e) {
                            continue;
                        }
                    } else {
                        byte[] v = db.get(readKey);
                        value[0] = v == null ? 0 : (byte) (v[0] + 1);
                        db.put(writeKey, value.clone());
                    }
                    if (latency != null) {
                        latency.recordValue(System.nanoTime() - t0);
                    }
                    commits.increment();
                }
            });
            workers[w].start();
        }
        int maxWindow = 0; // sampled: how many commits the oracle keeps for conflict checks
        while (System.nanoTime() < deadline) {
            maxWindow = Math.max(maxWindow, db.transactions().conflictWindowSize());
            Thread.sleep(1);
        }
        for (Thread t : workers) {
            t.join();
        }
        return new long[] {commits.sum(), maxWindow};
    }

    private static byte[] key(int i) {
        return String.format("key%08d", i).getBytes();
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
