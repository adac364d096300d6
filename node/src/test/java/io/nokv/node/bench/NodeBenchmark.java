package io.nokv.node.bench;

import com.google.protobuf.ByteString;
import io.nokv.node.cli.StoreProcesses;
import io.nokv.node.kv.proto.*;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A program, not a test: three {@code nokv serve} processes on loopback; RawPut and RawGet with 1,
 * 16 and 64 concurrent callers, and 2PC transactions of 1 and 10 keys across both regions. Prints a
 * table and writes {@code artifacts/bench/node.csv}.
 *
 * <pre>./mvnw -q -B -pl node -am test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.nokv.node.bench.NodeBenchmark</pre>
 */
public final class NodeBenchmark {
    private static final int SECONDS = Integer.getInteger("bench.seconds", 5);
    private static final int VALUE_BYTES = 100;
    private static final AtomicLong TS = new AtomicLong(1_000_000);

    record Row(String op, int callers, long ops, double opsPerSec, double p50ms, double p99ms, long errors) {
    }

    interface Op {
        boolean run(ThreadLocalRandom rnd) throws Exception;
    }

    private final StoreProcesses cluster;
    private final long[] leaders = new long[3];

    NodeBenchmark(StoreProcesses cluster) {
        this.cluster = cluster;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        Path dir = Files.createTempDirectory("nokv-node-bench");
        List<Row> rows = new ArrayList<>();
        try (StoreProcesses c = new StoreProcesses(dir, 4096, 1 << 20)) {
            c.quickStart = false;
            System.out.println("starting 3 stores under " + dir + " ...");
            c.startAll();
            NodeBenchmark b = new NodeBenchmark(c);
            b.refreshLeaders();
            byte[] value = new byte[VALUE_BYTES];
            int[] callers = {1, 16, 64};
            for (int n : callers) {
                rows.add(b.measure("RawPut", n, rnd -> {
                    String key = key(rnd);
                    long region = region(key);
                    RawPutResponse r = b.stub(region).rawPut(RawPutRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                            .setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFrom(value)).build());
                    return b.ok(region, r.hasRegionError() ? r.getRegionError() : null);
                }));
            }
            for (int n : callers) {
                rows.add(b.measure("RawGet", n, rnd -> {
                    String key = key(rnd);
                    long region = region(key);
                    RawGetResponse r = b.stub(region).rawGet(RawGetRequest.newBuilder().setContext(StoreProcesses.ctx(region))
                            .setKey(ByteString.copyFromUtf8(key)).build());
                    return b.ok(region, r.hasRegionError() ? r.getRegionError() : null);
                }));
            }
            for (int keys : new int[] {1, 10}) {
                rows.add(b.measure("Txn" + keys + "key", 16, rnd -> b.transaction(rnd, keys, value)));
            }
        }
        deleteTree(dir);
        print(rows);
        Path out = Path.of("artifacts", "bench");
        Files.createDirectories(out);
        StringBuilder csv = new StringBuilder("op,callers,ops,ops_per_sec,p50_ms,p99_ms,errors\n");
        for (Row r : rows) {
            csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.1f,%.3f,%.3f,%d%n", r.op(), r.callers(), r.ops(),
                    r.opsPerSec(), r.p50ms(), r.p99ms(), r.errors()));
        }
        Files.writeString(out.resolve("node.csv"), csv);
        System.out.println("wrote " + out.resolve("node.csv").toAbsolutePath() + " (load average "
                + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + ")");
        System.exit(0);
    }

    static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String key(ThreadLocalRandom rnd) {
        // Half the keys in region 1 ([-, "m")), half in region 2 (["m", -)).
        return (rnd.nextBoolean() ? "a" : "n") + String.format("%06d", rnd.nextInt(100_000));
    }

    static long region(String key) {
        return key.compareTo("m") < 0 ? 1 : 2;
    }

    void refreshLeaders() throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (long s : StoreProcesses.STORES) {
                try {
                    for (RegionInfo ri : cluster.stub(s).listRegions(ListRegionsRequest.getDefaultInstance()).getRegionsList()) {
                        if (ri.hasLeader()) {
                            leaders[(int) ri.getRegion().getId()] = ri.getLeader().getStoreId();
                        }
                    }
                } catch (RuntimeException e) {
                    // store not answering yet
                }
            }
            if (leaders[1] > 0 && leaders[2] > 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no leaders after 30 s");
    }

    TinyKvGrpc.TinyKvBlockingStub stub(long region) {
        return cluster.stub(leaders[(int) region]);
    }

    /** Follows a NotLeader hint; any region error counts as a failed operation. */
    boolean ok(long region, RegionError e) {
        if (e == null) {
            return true;
        }
        if (e.hasNotLeader() && e.getNotLeader().hasLeader()) {
            leaders[(int) region] = e.getNotLeader().getLeader().getStoreId();
        }
        return false;
    }

    /** Prewrite the primary's region first, then the other; commit the primary, then the other. */
    boolean transaction(ThreadLocalRandom rnd, int keys, byte[] value) {
        long start = TS.incrementAndGet();
        List<String> ks = new ArrayList<>();
        // Transactional keys ("b…" in region 1, "t…" in region 2) never overlap the raw ones ("a…", "n…").
        boolean firstInRegion1 = rnd.nextBoolean();
        for (int i = 0; i < keys; i++) {
            boolean region1 = (i % 2 == 0) == firstInRegion1;
            ks.add((region1 ? "b" : "t") + String.format("%06d-%d", rnd.nextInt(100_000), i));
        }
        String primary = ks.get(0);
        long primaryRegion = region(primary);
        List<Long> order = primaryRegion == 1 ? List.of(1L, 2L) : List.of(2L, 1L);
        for (long region : order) {
            PrewriteRequest.Builder p = PrewriteRequest.newBuilder().setPrimaryLock(ByteString.copyFromUtf8(primary))
                    .setStartVersion(start).setLockTtl(10_000);
            ks.stream().filter(k -> region(k) == region).forEach(k -> p.addMutations(Mutation.newBuilder()
                    .setOp(Mutation.Op.Put).setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFrom(value))));
            if (p.getMutationsCount() == 0) {
                continue;
            }
            KvPrewriteResponse r = stub(region).kvPrewrite(KvPrewriteRequest.newBuilder()
                    .setContext(StoreProcesses.ctx(region)).setRequest(p).build());
            if (!ok(region, r.hasRegionError() ? r.getRegionError() : null) || r.getResponse().getErrorsCount() > 0) {
                return false;
            }
        }
        long commit = TS.incrementAndGet();
        for (long region : order) {
            CommitRequest.Builder cr = CommitRequest.newBuilder().setStartVersion(start).setCommitVersion(commit);
            ks.stream().filter(k -> region(k) == region).forEach(k -> cr.addKeys(ByteString.copyFromUtf8(k)));
            if (cr.getKeysCount() == 0) {
                continue;
            }
            KvCommitResponse r = stub(region).kvCommit(KvCommitRequest.newBuilder()
                    .setContext(StoreProcesses.ctx(region)).setRequest(cr).build());
            if (!ok(region, r.hasRegionError() ? r.getRegionError() : null) || r.getResponse().hasError()) {
                return false;
            }
        }
        return true;
    }

    Row measure(String name, int callers, Op op) throws InterruptedException {
        String only = System.getProperty("bench.only", "");
        if (!only.isEmpty() && !name.startsWith(only)) {
            return new Row(name, callers, 0, 0, 0, 0, 0);
        }
        // Warm-up: one second, not recorded.
        run(callers, op, 1, new Histogram(3_600_000_000L, 3), new AtomicLong());
        Histogram h = new Histogram(3_600_000_000L, 3);
        AtomicLong errors = new AtomicLong();
        long t0 = System.nanoTime();
        run(callers, op, SECONDS, h, errors);
        double secs = (System.nanoTime() - t0) / 1e9;
        Row r = new Row(name, callers, h.getTotalCount(), h.getTotalCount() / secs,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6, errors.get());
        System.out.printf(Locale.ROOT, "%-10s callers=%-3d %9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  errors %d%n",
                r.op(), r.callers(), r.opsPerSec(), r.p50ms(), r.p99ms(), r.errors());
        return r;
    }

    private static void run(int callers, Op op, int seconds, Histogram h, AtomicLong errors) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!stop.get()) {
                    long s = System.nanoTime();
                    boolean ok;
                    try {
                        ok = op.run(rnd);
                    } catch (Exception e) {
                        ok = false;
                    }
                    if (ok) {
                        synchronized (h) {
                            h.recordValue(Math.min(System.nanoTime() - s, 3_600_000_000L));
                        }
                    } else {
                        errors.incrementAndGet();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
    }

    static void print(List<Row> rows) {
        System.out.println();
        System.out.println("| op | callers | ops/s | p50 ms | p99 ms | errors |");
        System.out.println("|---|---|---|---|---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %d |%n", r.op(), r.callers(), r.opsPerSec(),
                    r.p50ms(), r.p99ms(), r.errors());
        }
    }
}
