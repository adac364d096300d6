package io.nokv.engine.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * NoKV against RocksDB (JNI), side by side in one JVM. Not a test: run it by hand.
 *
 * <p>Run from the repository root (one command; the exec plugin does not resolve offline here, so
 * Maven only writes the test classpath and a plain JVM runs the benchmark, which also leaves room
 * for JVM flags such as {@code -XX:StartFlightRecording}):
 *
 * <pre>
 * ./mvnw -o -q -B -pl engine test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/bench.classpath \
 *   &amp;&amp; java -Xmx4g -cp engine/target/test-classes:engine/target/classes:$(cat engine/target/bench.classpath) \
 *     io.nokv.engine.bench.EngineBenchmark --keys 1000000 --value-sizes 100,1000 --repeats 3
 * </pre>
 *
 * <p>Both engines see the same 16-byte keys (loaded in one shuffled order), the same values and the
 * same read sequences, and the same settings: WAL on without fsync per write, a 64 MiB block cache,
 * 10 bits/key bloom filters, 64 MiB memtables, 4 KiB blocks, no compression. Both stores stay open
 * and each phase runs on one engine right after the other (the order alternates per repeat), so a
 * shared machine's changing load hits both alike; before each, the benchmark waits (untimed) until
 * neither engine has a flush or compaction pending, so each phase starts from a settled tree. Before any measurement each engine runs every workload once on a
 * small throw-away store (JIT warm-up). "readrandom-cold" reopens the store first: the block cache is empty,
 * the OS page cache is not (dropping it needs root). Each engine's store is deleted after its run.
 * Flags: {@code --help}.
 */
public final class EngineBenchmark {
    private static final long MEMTABLE_BYTES = 64L << 20;
    private static final long BLOCK_CACHE_BYTES = 64L << 20;
    private static final int BLOOM_BITS_PER_KEY = 10;
    private static final int BLOCK_BYTES = 4 << 10;

    private final BenchConfig config;
    private final BenchReport report = new BenchReport();

    private EngineBenchmark(BenchConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config;
        try {
            config = BenchConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchConfig.USAGE);
            throw e;
        }
        if (config == null) {
            System.out.println(BenchConfig.USAGE);
            return;
        }
        new EngineBenchmark(config).run();
    }

    private void run() throws Exception {
        System.out.printf("EngineBenchmark: %d keys, values %s, engines %s, workloads %s, %d repeat(s); "
                        + "java %s, %d cpus, max heap %d MiB%n",
                config.keys(), config.valueSizes(), config.engines(), config.workloads(), config.repeats(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        warmUp();
        for (int valueSize : config.valueSizes()) {
            Workloads workloads = new Workloads(config.keys(), valueSize, config.seed());
            for (int repeat = 0; repeat < config.repeats(); repeat++) {
                // Alternate who goes first so neither engine always inherits a warmer page cache.
                List<String> order = new ArrayList<>(config.engines());
                if (repeat % 2 == 1) {
                    Collections.reverse(order);
                }
                runRound(order, workloads, valueSize, repeat);
            }
        }
        String table = report.table(config);
        System.out.println();
        System.out.print(table);
        report.write(config.out(), table);
        System.out.println("wrote " + config.out() + " and " + BenchReport.tablePath(config.out()));
    }

    /**
     * Runs every engine once on a small store, results discarded, so the JIT has compiled both
     * engines' Java paths before anything is measured (otherwise whoever goes first pays for it).
     */
    private void warmUp() throws Exception {
        int keys = Math.min(config.keys(), 100_000);
        Workloads w = new Workloads(keys, config.valueSizes().get(0), config.seed() + 1);
        for (String name : config.engines()) {
            Path dir = config.dir().resolve(name + "-warmup");
            deleteTree(dir);
            Files.createDirectories(dir);
            long start = System.nanoTime();
            try (BenchEngine engine = opener(name).open(settings(dir))) {
                w.fillRandom(engine);
                w.readRandom(engine, BenchConfig.READ, 2);
                w.overwrite(engine);
                w.seekNext100(engine);
                w.readUpdate(engine);
            } catch (UnsupportedOperationException e) {
                continue;
            } finally {
                deleteTree(dir);
            }
            System.out.printf("[%s] warm-up on %d keys took %.1f s (not measured)%n", name, keys,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static BenchEngine.Opener opener(String name) {
        return name.equals("nokv") ? NoKVBenchEngine::new : RocksDbBenchEngine::new;
    }

    private static BenchEngine.Settings settings(Path dir) {
        return new BenchEngine.Settings(dir, MEMTABLE_BYTES, BLOCK_CACHE_BYTES, BLOOM_BITS_PER_KEY, BLOCK_BYTES);
    }

    /** One store per engine for one round (one value size, one repeat). */
    private static final class Store implements AutoCloseable {
        final String name;
        final String tag;
        final BenchEngine.Settings settings;
        BenchEngine engine;

        Store(String name, String tag, BenchEngine.Settings settings) {
            this.name = name;
            this.tag = tag;
            this.settings = settings;
            this.engine = opener(name).open(settings);
        }

        /** Close and open again: the block cache starts empty (the OS page cache does not). */
        void reopen() {
            engine.close();
            engine = null;
            engine = opener(name).open(settings);
        }

        @Override
        public void close() {
            if (engine != null) {
                engine.close();
                engine = null;
            }
        }
    }

    private interface Phase {
        Workloads.Result run(BenchEngine engine) throws Exception;
    }

    /**
     * One round: both stores stay open and every phase runs on each engine back to back, after
     * both have settled. The machine is shared and its load swings within minutes, so running an
     * engine's phase right after the other's (rather than one engine's whole sequence after the
     * other's) is what keeps the two numbers of a row comparable.
     */
    private void runRound(List<String> order, Workloads w, int valueSize, int repeat) throws Exception {
        List<Store> stores = new ArrayList<>();
        try {
            for (String name : order) {
                Path dir = config.dir().resolve(name + "-v" + valueSize + "-r" + repeat);
                deleteTree(dir);
                Files.createDirectories(dir);
                String tag = "[" + name + " value=" + valueSize + "B repeat=" + (repeat + 1) + "]";
                try {
                    stores.add(new Store(name, tag, settings(dir)));
                } catch (UnsupportedOperationException e) {
                    System.out.println(tag + " skipped: " + e.getMessage());
                    report.unavailable(name, e.getMessage());
                }
            }
            phase(stores, valueSize, BenchConfig.FILL, w::fillRandom, true);
            if (config.runs(BenchConfig.READ)) {
                phase(stores, valueSize, BenchConfig.READ, e -> w.readRandom(e, BenchConfig.READ, 2), false);
            }
            if (config.runs(BenchConfig.READ_COLD)) {
                for (Store s : stores) {
                    s.reopen();
                }
                phase(stores, valueSize, BenchConfig.READ_COLD, e -> w.readRandom(e, BenchConfig.READ_COLD, 5), false);
            }
            if (config.runs(BenchConfig.OVERWRITE)) {
                phase(stores, valueSize, BenchConfig.OVERWRITE, w::overwrite, true);
                for (Store s : stores) {
                    spaceAmplification(s, w.keyCount(), valueSize);
                }
            }
            if (config.runs(BenchConfig.SEEK)) {
                phase(stores, valueSize, BenchConfig.SEEK, w::seekNext100, false);
            }
            if (config.runs(BenchConfig.READ_UPDATE)) {
                phase(stores, valueSize, BenchConfig.READ_UPDATE, w::readUpdate, true);
            }
        } finally {
            for (Store s : stores) {
                s.close();
                deleteTree(s.settings.dir());
            }
        }
    }

    private void phase(List<Store> stores, int valueSize, String workload, Phase body, boolean writes)
            throws Exception {
        for (Store s : stores) {
            for (Store other : stores) {
                settle(other, false);
            }
            Workloads.Result r = body.run(s.engine);
            record(s.tag, valueSize, s.name, r);
            if (writes) {
                settle(s, true);
            }
        }
    }

    private void record(String tag, int valueSize, String engine, Workloads.Result r) {
        System.out.printf("%s %-20s %,12.0f ops/s  p50 %8.2f us  p99 %9.2f us  mean %8.2f us  max %9.0f us"
                        + "  (%d ops, %.1f s%s; load %s)%n",
                tag, r.workload(), r.opsPerSecond(), r.p50Micros(), r.p99Micros(), r.latency().getMean() / 1000,
                r.latency().getMaxValue() / 1000.0, r.ops(), r.nanos() / 1e9,
                r.misses() == 0 ? "" : ", " + r.misses() + " MISSED", loadAverage());
        if (config.runs(r.workload())) {
            report.add(valueSize, engine, r);
        }
    }

    /** After fill + overwrite: disk bytes of the store once it reclaimed space, over the live data (keys x (key + value)). */
    private void spaceAmplification(Store s, int keys, int valueSize) throws IOException {
        long t0 = System.nanoTime();
        s.engine.reclaimSpace();
        long disk;
        try (Stream<Path> files = Files.walk(s.settings.dir())) {
            disk = files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted while walking
                }
            }).sum();
        }
        long live = (long) keys * (Workloads.KEY_BYTES + valueSize);
        double amp = (double) disk / live;
        System.out.printf("%s space after overwrite + reclaim (%.1f s): %,d MiB on disk for %,d MiB live: amplification %.2f; %s%n",
                s.tag, (System.nanoTime() - t0) / 1e9, disk >> 20, live >> 20, amp, s.engine.shape());
        report.space(valueSize, s.name, amp);
    }

    /** The 1-minute load average: on a shared machine it says how much to trust a phase's numbers. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Waits, untimed, until the engine has no flush or compaction pending, so phases do not bleed. */
    private void settle(Store store, boolean report) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + config.settleTimeoutSeconds() * 1_000_000_000L;
        while (!store.engine.settled()) {
            if (System.nanoTime() > deadline) {
                System.out.println(store.tag + " WARNING: still compacting after " + config.settleTimeoutSeconds() + " s");
                break;
            }
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (report || seconds >= 1) {
            System.out.printf("%s settled in %.1f s; %s%n", store.tag, seconds, store.engine.shape());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
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
