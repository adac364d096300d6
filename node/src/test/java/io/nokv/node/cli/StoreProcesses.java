package io.nokv.node.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nokv.node.kv.KvTestCluster;
import io.nokv.node.kv.proto.Context;
import io.nokv.node.kv.proto.TinyKvGrpc;
import io.nokv.node.raft.RaftTestCluster;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;
import io.nokv.testkit.Poll;
import io.nokv.testkit.TestPorts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The three stores of {@link RaftTestCluster} as {@code nokv serve} processes on loopback, seeded with its regions. */
public final class StoreProcesses implements AutoCloseable {
    public static final long[] STORES = RaftTestCluster.STORES;

    final Path root;
    final Map<Long, Integer> kvPorts = new HashMap<>();
    final Map<Long, Integer> raftPorts = new HashMap<>();
    final Map<Long, Integer> metricsPorts = new HashMap<>();
    final Map<Long, Process> procs = new HashMap<>();
    public final Map<Long, ManagedChannel> channels = new HashMap<>();
    private int launches;

    private final long snapshotThreshold;
    private final long segmentBytes;
    /** Tests start faster with C1 only; benchmarks want the full JIT. */
    public boolean quickStart = true;
    /** More JVM options for every store (a benchmark's JFR recording, say); "{store}" becomes the store id. */
    public final List<String> extraJvmArgs = new ArrayList<>();
    /** More {@code nokv serve} options for every store (a hidden {@code --raft-property}, say). */
    public final List<String> extraServeArgs = new ArrayList<>();

    StoreProcesses(Path root) {
        this(root, 50, 16384);
    }

    /** Small thresholds make restarts go through snapshots and a purged log; benchmarks use large ones. */
    public StoreProcesses(Path root, long snapshotThreshold, long segmentBytes) {
        this.root = root;
        this.snapshotThreshold = snapshotThreshold;
        this.segmentBytes = segmentBytes;
        for (long s : STORES) {
            kvPorts.put(s, TestPorts.free());
            raftPorts.put(s, TestPorts.free());
            metricsPorts.put(s, TestPorts.free());
            Path dir = storeDir(s);
            RegionCatalog.seed(dir, region(1, "", "m"));
            RegionCatalog.seed(dir, region(2, "m", ""));
        }
    }

    static RegionMeta region(long id, String start, String end) {
        return RaftTestCluster.region(id, start, end);
    }

    public static Context ctx(long region) {
        return KvTestCluster.ctx(region);
    }

    Path storeDir(long s) {
        return root.resolve("store-" + s);
    }

    private final Map<Long, Path> logs = new HashMap<>();

    /** The output file of the store's latest launch. */
    Path log(long s) {
        return logs.get(s);
    }

    void start(long s) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", quickStart ? "-XX:TieredStopAtLevel=1" : "-XX:+UseParallelGC"));
        extraJvmArgs.forEach(a -> cmd.add(a.replace("{store}", Long.toString(s))));
        cmd.addAll(List.of("-cp", classPath(),
                "io.nokv.node.cli.Nokv", "serve",
                "--workdir", storeDir(s).toString(),
                "--store-id", Long.toString(s),
                "--addr", "127.0.0.1:" + kvPorts.get(s),
                "--raft-addr", "127.0.0.1:" + raftPorts.get(s),
                "--metrics-addr", "127.0.0.1:" + metricsPorts.get(s),
                "--snapshot-threshold", Long.toString(snapshotThreshold),
                "--raft-segment-bytes", Long.toString(segmentBytes)));
        for (long o : STORES) {
            if (o != s) {
                cmd.add("--peer");
                cmd.add((o * 100 + 1) + "=127.0.0.1:" + raftPorts.get(o));
                cmd.add("--peer");
                cmd.add((o * 100 + 2) + "=127.0.0.1:" + raftPorts.get(o));
            }
        }
        cmd.addAll(extraServeArgs);
        launches++;
        Path logFile = root.resolve("store-" + s + ".log." + launches);
        logs.put(s, logFile);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        procs.put(s, p);
        Poll.until("store " + s + " to be ready (" + logFile + ")", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("store " + s + " exited " + p.exitValue() + ": " + read(logFile));
            }
            return read(logFile).contains("Press Ctrl+C to stop");
        });
        channels.computeIfAbsent(s, x -> NettyChannelBuilder.forAddress("127.0.0.1", kvPorts.get(x)).usePlaintext().build());
    }

    /** The test classpath; under exec:java that is the context class loader's, not java.class.path. */
    static String classPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader u && u.getURLs().length > 0) {
            StringBuilder sb = new StringBuilder();
            for (java.net.URL url : u.getURLs()) {
                try {
                    sb.append(sb.length() == 0 ? "" : java.io.File.pathSeparator).append(Path.of(url.toURI()));
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return sb.toString();
        }
        return System.getProperty("java.class.path");
    }

    String output(long s) {
        return read(log(s));
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            return "";
        }
    }

    public void startAll() throws IOException {
        for (long s : STORES) {
            start(s);
        }
    }

    /** SIGTERM (graceful) and the exit code. */
    int stop(long s) throws InterruptedException {
        Process p = procs.remove(s);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("store " + s + " did not stop within 30 s after SIGTERM");
        }
        return p.exitValue();
    }

    /** The store's Prometheus text ({@code GET /metrics}). */
    public String metrics(long s) throws IOException, InterruptedException {
        var http = java.net.http.HttpClient.newHttpClient();
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPorts.get(s) + "/metrics")).build();
        return http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** SIGTERM to every store, waiting for each (a JFR recording then dumps on exit). */
    public void stopAll() throws InterruptedException {
        for (long s : STORES) {
            if (procs.containsKey(s)) {
                stop(s);
            }
        }
    }

    void kill(long s) throws InterruptedException {
        Process p = procs.remove(s);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    public TinyKvGrpc.TinyKvBlockingStub stub(long s) {
        return TinyKvGrpc.newBlockingStub(channels.get(s)).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        for (Process p : procs.values()) {
            p.destroyForcibly();
        }
        for (Process p : procs.values()) {
            try {
                p.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
    }
}
