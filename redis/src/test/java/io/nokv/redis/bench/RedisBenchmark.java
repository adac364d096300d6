package io.nokv.redis.bench;

import io.nokv.client.ClientOptions;
import io.nokv.client.NokvClient;
import io.nokv.node.config.AddressScope;
import io.nokv.redis.RedisGateway;
import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.store.ClusterStore;
import io.nokv.redis.store.EmbeddedStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * nokv-redis against redis-server, measured by Debian's {@code redis-benchmark} in one run:
 * redis-server (started here on a free port, AOF with fsync every second), the gateway over an
 * embedded store, and optionally the gateway over a running cluster ({@code --raft-config}).
 * Targets are interleaved per repeat; the table shows the median ops/s of the repeats, its
 * percentiles, and each gateway's ratio to redis-server. Not a test: a program.
 */
@Command(name = "redis-benchmark-suite", mixinStandardHelpOptions = true,
        description = "Runs redis-benchmark against redis-server, nokv-redis embedded and (with --raft-config) nokv-redis on a cluster.")
public final class RedisBenchmark implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "200000", description = "Requests per test against redis-server and embedded (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--cluster-requests", defaultValue = "20000", description = "Requests per test against the cluster (default: ${DEFAULT-VALUE}).")
    int clusterRequests;

    @Option(names = "--clients", defaultValue = "50", description = "Connections (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--pipelines", defaultValue = "1,16", split = ",", description = "Pipeline depths -P (default: ${DEFAULT-VALUE}).")
    List<Integer> pipelines;

    @Option(names = "--tests", defaultValue = "set,get,incr,mset", description = "redis-benchmark -t (default: ${DEFAULT-VALUE}).")
    String tests;

    @Option(names = "--keyspace", defaultValue = "100000", description = "redis-benchmark -r: random keys (default: ${DEFAULT-VALUE}).")
    int keyspace;

    @Option(names = "--repeats", defaultValue = "3", description = "Runs per target; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--raft-config", description = "Also measure a gateway over this running cluster (./jbang run-local-cluster).")
    Path raftConfig;

    @Option(names = "--out", defaultValue = "artifacts/bench/redis.csv", description = "CSV of every run (default: ${DEFAULT-VALUE}).")
    Path out;

    record Row(String target, int pipeline, String test, double rps, double p50, double p99) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new RedisBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("nokv-redis-bench");
        System.out.println("uptime before: " + uptime());
        Process redis = startRedisServer(work.resolve("redis-server"));
        List<Row> rows = new ArrayList<>();
        try (RedisGateway embedded = gateway(new EmbeddedStore(work.resolve("embedded")), "embedded");
             RedisGateway cluster = raftConfig == null ? null : gateway(clusterStore(), "cluster")) {
            Map<String, Integer> targets = new LinkedHashMap<>();
            targets.put("redis-server", redisPort);
            targets.put("nokv-embedded", embedded.address().getPort());
            if (cluster != null) {
                targets.put("nokv-cluster", cluster.address().getPort());
            }
            for (int p : pipelines) {
                for (int r = 1; r <= repeats; r++) {
                    for (Map.Entry<String, Integer> t : targets.entrySet()) {
                        int n = t.getKey().equals("nokv-cluster") ? clusterRequests : requests;
                        System.out.printf("-P %d, run %d/%d: %s (%d requests per test)%n", p, r, repeats, t.getKey(), n);
                        rows.addAll(runBenchmark(t.getKey(), t.getValue(), p, n));
                    }
                }
            }
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
        String after = uptime();
        report(rows, after);
        return 0;
    }

    int redisPort;

    private Process startRedisServer(Path dir) throws Exception {
        Files.createDirectories(dir);
        redisPort = freePort();
        Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-server.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", redisPort)) {
                return p;
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    p.destroy();
                    throw new IllegalStateException("redis-server did not start; see " + dir.resolve("redis-server.log"));
                }
                Thread.sleep(50);
            }
        }
    }

    private RedisGateway gateway(KeyStore store, String mode) throws Exception {
        return new RedisGateway(store, RedisGateway.Settings.defaults(new InetSocketAddress("127.0.0.1", 0), mode));
    }

    private KeyStore clusterStore() {
        NokvClient client = NokvClient.fromConfig(raftConfig, AddressScope.LOCAL,
                ClientOptions.defaults().withRpcTimeout(Duration.ofSeconds(3)));
        return new ClusterStore(client, "cluster, config=" + raftConfig);
    }

    private List<Row> runBenchmark(String target, int port, int pipeline, int n) throws Exception {
        Process p = new ProcessBuilder("redis-benchmark", "-h", "127.0.0.1", "-p", String.valueOf(port), "-c", String.valueOf(clients),
                "-n", String.valueOf(n), "-P", String.valueOf(pipeline), "-r", String.valueOf(keyspace), "-t", tests, "--csv")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("redis-benchmark against " + target + " failed: " + output);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : output.lines().toList()) {
            String[] f = line.replace("\"", "").split(",");
            if (f.length < 7 || f[0].equals("test")) {
                continue;
            }
            String test = f[0].startsWith("MSET") ? "MSET" : f[0];
            rows.add(new Row(target, pipeline, test, Double.parseDouble(f[1]), Double.parseDouble(f[4]), Double.parseDouble(f[6])));
        }
        return rows;
    }

    private void report(List<Row> rows, String uptimeAfter) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        StringBuilder csv = new StringBuilder("target,pipeline,test,rps,p50_ms,p99_ms\n");
        rows.forEach(r -> csv.append(r.target).append(',').append(r.pipeline).append(',').append(r.test).append(',')
                .append(r.rps).append(',').append(r.p50).append(',').append(r.p99).append('\n'));
        Files.writeString(out, csv);
        System.out.println();
        System.out.printf("%-5s %-3s | %-28s | %-38s | %-38s%n", "test", "-P", "redis-server ops/s (p50/p99 ms)",
                "nokv embedded ops/s (p50/p99) ratio", "nokv cluster ops/s (p50/p99) ratio");
        for (int p : pipelines) {
            for (String test : rows.stream().map(Row::test).distinct().toList()) {
                Row peer = median(rows, "redis-server", p, test);
                Row emb = median(rows, "nokv-embedded", p, test);
                Row clu = median(rows, "nokv-cluster", p, test);
                System.out.printf("%-5s %-3d | %-28s | %-38s | %-38s%n", test, p, cell(peer, null), cell(emb, peer), cell(clu, peer));
            }
        }
        System.out.println("uptime after: " + uptimeAfter);
        System.out.println("every run: " + out);
    }

    private static String cell(Row r, Row peer) {
        if (r == null) {
            return "-";
        }
        String s = String.format("%.0f (%.2f/%.2f)", r.rps, r.p50, r.p99);
        return peer == null ? s : s + String.format(" %.2fx", r.rps / peer.rps);
    }

    private static Row median(List<Row> rows, String target, int p, String test) {
        List<Row> runs = rows.stream().filter(r -> r.target.equals(target) && r.pipeline == p && r.test.equals(test))
                .sorted(Comparator.comparingDouble(Row::rps)).toList();
        return runs.isEmpty() ? null : runs.get(runs.size() / 2);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "uptime unavailable: " + e.getMessage();
        }
    }
}
