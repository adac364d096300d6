package io.nokv.node.bench;

import io.nokv.node.cli.StoreProcesses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A program, not a test: a three-store NoKV cluster (three {@code nokv serve} processes) and a
 * three-member etcd, both started here on loopback, driven with the same value size and the same
 * number of closed-loop callers: put and get at 1/16/64 callers on both, NoKV 2PC transactions of 1
 * and 10 keys (no etcd counterpart). Every measurement is repeated; the table shows medians and the
 * ratio NoKV/etcd of ops/s. Results go to {@code artifacts/bench/cluster.csv} (medians) and
 * {@code cluster-runs.csv} (every repeat).
 */
@Command(name = "cluster-benchmark", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"NoKV's three-store cluster against a three-member etcd on this machine: put and get "
                + "at several caller counts, NoKV 2PC; medians of repeats, ratio NoKV/etcd.",
                "The etcd peer needs Debian's etcd-server (apt-get install -y etcd-server) or --etcd-bin."})
public final class ClusterBenchmark implements Callable<Integer> {

    @Option(names = "--callers", split = ",", description = "caller counts for put and get (default: ${DEFAULT-VALUE})")
    int[] callers = {1, 16, 64};

    @Option(names = "--txn-callers", description = "callers for the 2PC rows (default: ${DEFAULT-VALUE})")
    int txnCallers = 16;

    @Option(names = "--txn-keys", split = ",", description = "keys per 2PC transaction (default: ${DEFAULT-VALUE})")
    int[] txnKeys = {1, 10};

    @Option(names = "--seconds", description = "recorded seconds per measurement (default: ${DEFAULT-VALUE})")
    double seconds = 5;

    @Option(names = "--warmup", description = "unrecorded seconds before each measurement (default: ${DEFAULT-VALUE})")
    double warmup = 1;

    @Option(names = "--repeats", description = "repeats of the whole series; the table shows medians (default: ${DEFAULT-VALUE})")
    int repeats = 3;

    @Option(names = "--value-bytes", description = "value size (default: ${DEFAULT-VALUE})")
    int valueBytes = 100;

    @Option(names = "--read-keys", description = "keys loaded before the get rows, read uniformly (default: ${DEFAULT-VALUE})")
    int readKeys = 2000;

    @Option(names = "--only", description = "run only the ops whose name starts with this (put, get, txn)")
    String only = "";

    @Option(names = "--etcd-bin", description = "the etcd binary (default: ${DEFAULT-VALUE}, found on PATH)")
    String etcdBin = "etcd";

    @Option(names = "--no-etcd", description = "measure NoKV only (no peer, no ratio)")
    boolean noEtcd;

    @Option(names = "--store-jvm-arg", description = "extra JVM option for every store, repeatable (e.g. a JFR recording)")
    List<String> storeJvmArgs = new ArrayList<>();

    @Option(names = "--store-arg", description = "extra nokv serve option for every store, repeatable "
            + "(e.g. --store-arg=--raft-property=raft.server.log.appender.wait-time.min=0ms)")
    List<String> storeArgs = new ArrayList<>();

    @Option(names = "--snapshot-threshold", description = "the stores' Raft log entries between snapshots (default: ${DEFAULT-VALUE}, as nokv serve)")
    long snapshotThreshold = 4096;

    @Option(names = "--out", description = "the medians CSV (default: ${DEFAULT-VALUE})")
    Path out = Path.of("artifacts", "bench", "cluster.csv");

    @Option(names = "--keep", description = "keep the data directories (printed) instead of deleting them")
    boolean keep;

    @Option(names = "--stage-times", description = "after each NoKV write row, print the leaders' write-stage times (nokv_write_stage_seconds)")
    boolean printStages;

    private Runnable stageTimes;

    record Key(String op, int callers) {
    }

    /** One measured repeat of one system. */
    record Run(String system, String op, int callers, int repeat, LoadRunner.Result result, String load) {
    }

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        int code = new CommandLine(new ClusterBenchmark()).execute(args);
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        if (repeats < 1 || seconds <= 0 || valueBytes < 1 || readKeys < 2 || callers.length == 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--repeats, --seconds, --value-bytes must be positive, --read-keys >= 2, --callers not empty");
        }
        Path root = Files.createTempDirectory("nokv-cluster-bench");
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        List<byte[]> readSpace = readSpace(readKeys);
        List<Run> runs = new ArrayList<>();
        System.out.println(uptime());
        try (StoreProcesses nokv = new StoreProcesses(root.resolve("nokv"), snapshotThreshold, 1 << 20)) {
            nokv.quickStart = false;
            nokv.extraJvmArgs.addAll(storeJvmArgs);
            nokv.extraServeArgs.addAll(storeArgs);
            System.out.println("starting 3 nokv stores under " + root.resolve("nokv") + " ...");
            nokv.startAll();
            NokvTarget n = new NokvTarget(nokv);
            n.waitForLeaders();
            System.out.println("regions led by stores " + n.leader(1) + " and " + n.leader(2));
            if (printStages) {
                stageTimes = () -> printStages(nokv, n);
            }
            EtcdCluster etcd = null;
            try {
                if (!noEtcd) {
                    System.out.println("starting 3 etcd members under " + root.resolve("etcd") + " ...");
                    etcd = EtcdCluster.start(etcdBin, root.resolve("etcd"));
                }
                n.load(readSpace, value);
                if (etcd != null) {
                    for (byte[] k : readSpace) {
                        etcd.put(k, value);
                    }
                }
                for (int rep = 1; rep <= repeats; rep++) {
                    System.out.println("repeat " + rep + "/" + repeats + "  " + uptime());
                    for (int c : callers) {
                        EtcdCluster e = etcd;
                        measure(runs, rep, "put", c, rnd -> n.put(writeKey(rnd), value),
                                e == null ? null : rnd -> e.put(writeKey(rnd), value));
                    }
                    for (int c : callers) {
                        EtcdCluster e = etcd;
                        measure(runs, rep, "get", c, rnd -> n.get(readSpace.get(rnd.nextInt(readSpace.size()))),
                                e == null ? null : rnd -> e.get(readSpace.get(rnd.nextInt(readSpace.size()))));
                    }
                    for (int k : txnKeys) {
                        measure(runs, rep, "txn-" + k + "key", txnCallers, rnd -> n.transaction(rnd, k, value), null);
                    }
                }
            } finally {
                if (etcd != null) {
                    etcd.close();
                }
            }
            nokv.stopAll(); // SIGTERM, so a recording given with --store-jvm-arg is written
        }
        if (keep) {
            System.out.println("data kept under " + root);
        } else {
            deleteTree(root);
        }
        report(runs);
        return 0;
    }

    private void measure(List<Run> runs, int rep, String op, int c, LoadRunner.Op nokvOp, LoadRunner.Op etcdOp)
            throws InterruptedException {
        if (!op.startsWith(only)) {
            return;
        }
        LoadRunner.Result r = LoadRunner.measure(c, warmup, seconds, nokvOp);
        runs.add(new Run("nokv", op, c, rep, r, loadAverage()));
        print("nokv", op, c, r);
        if (stageTimes != null && !op.equals("get")) {
            stageTimes.run();
        }
        if (etcdOp != null) {
            LoadRunner.Result e = LoadRunner.measure(c, warmup, seconds, etcdOp);
            runs.add(new Run("etcd", op, c, rep, e, loadAverage()));
            print("etcd", op, c, e);
        }
    }

    /** The write-stage lines of each region leader's /metrics, p50 and p99 in ms. */
    private static void printStages(StoreProcesses nokv, NokvTarget n) {
        for (long store : new java.util.TreeSet<>(List.of(n.leader(1), n.leader(2)))) {
            try {
                StringBuilder line = new StringBuilder("        stages on store " + store + ":");
                for (String l : nokv.metrics(store).split("\n")) {
                    boolean rpc = l.startsWith("nokv_rpc_duration_seconds{method=\"RawPut\"")
                            || l.startsWith("nokv_rpc_duration_seconds{method=\"Kv");
                    if (l.startsWith("nokv_write_stage_seconds{") || rpc) {
                        int from = l.indexOf('"') + 1;
                        String stage = (rpc ? "rpc:" : "") + l.substring(from, l.indexOf('"', from));
                        String q = l.contains("quantile=\"0.5\"") ? "p50" : "p99";
                        double ms = Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) * 1000;
                        line.append(String.format(Locale.ROOT, " %s %s %.2f", stage, q, ms));
                    }
                }
                System.out.println(line);
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.out.println("        stages on store " + store + ": unavailable (" + e + ")");
            }
        }
    }

    private static void print(String system, String op, int c, LoadRunner.Result r) {
        System.out.printf(Locale.ROOT, "  %-5s %-10s callers=%-3d %9.0f ops/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  load %s%n",
                system, op, c, r.opsPerSec(), r.p50ms(), r.p99ms(), r.errors(), loadAverage());
    }

    /** Writes: 100,000 keys per region ("a…" and "n…"), the same for both systems. */
    static byte[] writeKey(java.util.SplittableRandom rnd) {
        return String.format("%s%06d", rnd.nextBoolean() ? "a" : "n", rnd.nextInt(100_000)).getBytes(StandardCharsets.UTF_8);
    }

    /** Reads: a loaded key space, half in each region ("g…" and "r…", apart from the written keys). */
    static List<byte[]> readSpace(int n) {
        List<byte[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(String.format("%s%06d", i % 2 == 0 ? "g" : "r", i).getBytes(StandardCharsets.UTF_8));
        }
        return keys;
    }

    private void report(List<Run> runs) throws IOException {
        Map<Key, List<Run>> nokv = group(runs, "nokv");
        Map<Key, List<Run>> etcd = group(runs, "etcd");
        StringBuilder table = new StringBuilder();
        table.append("| op | callers | NoKV ops/s | p50 ms | p99 ms | etcd ops/s | p50 ms | p99 ms | ratio |\n");
        table.append("|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder csv = new StringBuilder(
                "op,callers,nokv_ops_per_sec,nokv_p50_ms,nokv_p99_ms,etcd_ops_per_sec,etcd_p50_ms,etcd_p99_ms,ratio,repeats,value_bytes\n");
        for (var e : nokv.entrySet()) {
            double[] n = medians(e.getValue());
            List<Run> peer = etcd.get(e.getKey());
            double[] p = peer == null ? null : medians(peer);
            String ratio = p == null || p[0] == 0 ? "" : String.format(Locale.ROOT, "%.2f", n[0] / p[0]);
            table.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.2f | %.2f | %s | %s | %s | %s |%n",
                    e.getKey().op(), e.getKey().callers(), n[0], n[1], n[2],
                    p == null ? "—" : String.format(Locale.ROOT, "%,.0f", p[0]),
                    p == null ? "—" : String.format(Locale.ROOT, "%.2f", p[1]),
                    p == null ? "—" : String.format(Locale.ROOT, "%.2f", p[2]), ratio.isEmpty() ? "—" : ratio));
            csv.append(String.format(Locale.ROOT, "%s,%d,%.1f,%.3f,%.3f,%s,%s,%s,%s,%d,%d%n", e.getKey().op(),
                    e.getKey().callers(), n[0], n[1], n[2],
                    p == null ? "" : String.format(Locale.ROOT, "%.1f", p[0]),
                    p == null ? "" : String.format(Locale.ROOT, "%.3f", p[1]),
                    p == null ? "" : String.format(Locale.ROOT, "%.3f", p[2]), ratio, e.getValue().size(), valueBytes));
        }
        System.out.println();
        System.out.println("medians of " + repeats + " repeat(s), " + seconds + " s each, " + valueBytes + "-byte values");
        System.out.print(table);
        StringBuilder all = new StringBuilder("system,op,callers,repeat,ops,ops_per_sec,p50_ms,p99_ms,errors,load_average\n");
        for (Run r : runs) {
            all.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%d,%.1f,%.3f,%.3f,%d,%s%n", r.system(), r.op(), r.callers(),
                    r.repeat(), r.result().ops(), r.result().opsPerSec(), r.result().p50ms(), r.result().p99ms(),
                    r.result().errors(), r.load().replace(' ', '/')));
        }
        Path abs = out.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Files.writeString(abs, csv);
        Path runsFile = abs.resolveSibling(abs.getFileName().toString().replace(".csv", "") + "-runs.csv");
        Files.writeString(runsFile, all);
        System.out.println("wrote " + abs + " and " + runsFile);
        System.out.println(uptime());
    }

    private static Map<Key, List<Run>> group(List<Run> runs, String system) {
        Map<Key, List<Run>> m = new LinkedHashMap<>();
        for (Run r : runs) {
            if (r.system().equals(system)) {
                m.computeIfAbsent(new Key(r.op(), r.callers()), k -> new ArrayList<>()).add(r);
            }
        }
        return m;
    }

    /** Medians of ops/s, p50 and p99, each taken separately. */
    private static double[] medians(List<Run> rs) {
        return new double[] {
                median(rs.stream().mapToDouble(r -> r.result().opsPerSec()).toArray()),
                median(rs.stream().mapToDouble(r -> r.result().p50ms()).toArray()),
                median(rs.stream().mapToDouble(r -> r.result().p99ms()).toArray())};
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The 1/5/15-minute load averages, as {@code uptime} prints them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return String.format(Locale.ROOT, "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String uptime() {
        return "load average: " + loadAverage();
    }
}
