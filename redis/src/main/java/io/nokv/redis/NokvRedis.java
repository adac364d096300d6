package io.nokv.redis;

import io.nokv.client.ClientOptions;
import io.nokv.client.NokvClient;
import io.nokv.node.config.AddressScope;
import io.nokv.node.config.ClusterConfig;
import io.nokv.node.config.HostPort;
import io.nokv.node.config.StoreConfig;
import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.store.ClusterStore;
import io.nokv.redis.store.EmbeddedStore;
import io.nokv.tso.ShutdownSignal;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The {@code nokv-redis} binary: a Redis-protocol gateway over an embedded store or a cluster. */
@Command(name = "nokv-redis", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves the Redis protocol (RESP2) over NoKV: an embedded store in --workdir, or a cluster with --raft-config.",
                "Example: nokv-redis --workdir /tmp/r   then   redis-cli -p 6380 SET a 1 NX"})
public final class NokvRedis implements Callable<Integer> {
    @Option(names = "--workdir", defaultValue = "./work_redis", paramLabel = "DIR",
            description = "Embedded mode: the store directory (default: ${DEFAULT-VALUE}).")
    Path workdir;

    @Option(names = "--addr", defaultValue = "127.0.0.1:6380", paramLabel = "HOST:PORT",
            description = "Where to listen for RESP clients (default: ${DEFAULT-VALUE}).")
    String addr;

    @Option(names = "--metrics-addr", paramLabel = "HOST:PORT", description = "Serve Prometheus text on http://HOST:PORT/metrics.")
    String metricsAddr;

    @Option(names = "--raft-config", paramLabel = "FILE", description = "Cluster mode: the cluster's raft_config.json.")
    Path raftConfig;

    @Option(names = "--tso-url", paramLabel = "URL", description = "Cluster mode: the TSO (default: the config's tso section).")
    String tsoUrl;

    @Option(names = "--addr-scope", defaultValue = "host", paramLabel = "host|docker",
            description = "Cluster mode: which store addresses of the config to use (default: ${DEFAULT-VALUE}).")
    String addrScope;

    @Option(names = "--requirepass", paramLabel = "PASSWORD", description = "Require AUTH with this password (compared in constant time).")
    String requirePass;

    @Option(names = "--max-clients", defaultValue = "10000", paramLabel = "N",
            description = "Most open client connections; more are refused with an error (default: ${DEFAULT-VALUE}).")
    int maxClients;

    @Option(names = "--idle-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "Close a connection idle this long; 0 = never (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--threads", defaultValue = "16", paramLabel = "N",
            description = "Threads running commands (engine and cluster calls block; default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--expiry-interval-ms", defaultValue = "100", paramLabel = "MS",
            description = "Period of the active expiry sweep (default: ${DEFAULT-VALUE}).")
    long expiryIntervalMs;

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.io.grpc", "error");
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine line = new CommandLine(new NokvRedis());
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        line.setErr(err);
        line.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String m = ex.getMessage() == null ? ex.toString() : ex.getMessage().lines().findFirst().orElse("");
            err.println("nokv-redis: " + m);
            return 1;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        InetSocketAddress listen = socket("--addr", addr);
        InetSocketAddress metrics = metricsAddr == null ? null : socket("--metrics-addr", metricsAddr);
        if (maxClients < 1 || idleSeconds < 0 || threads < 1 || expiryIntervalMs < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--max-clients, --threads and --expiry-interval-ms must be >= 1, --idle-timeout >= 0");
        }
        ShutdownSignal signal = ShutdownSignal.install();
        KeyStore store = raftConfig == null ? new EmbeddedStore(workdir) : clusterStore();
        RedisGateway.Settings settings = new RedisGateway.Settings(listen,
                requirePass == null ? null : requirePass.getBytes(StandardCharsets.UTF_8), maxClients, idleSeconds, threads,
                expiryIntervalMs, metrics, raftConfig == null ? "embedded" : "cluster");
        try (RedisGateway gateway = new RedisGateway(store, settings)) {
            InetSocketAddress bound = gateway.address();
            System.out.println("NoKV Redis gateway listening on " + bound.getHostString() + ":" + bound.getPort()
                    + " (" + store.describe() + ")");
            System.out.flush();
            signal.await();
            System.out.println("Shutting down...");
        }
        System.out.println("bye");
        System.out.flush();
        return 0;
    }

    private KeyStore clusterStore() {
        AddressScope scope = switch (addrScope.toLowerCase(Locale.ROOT)) {
            case "host", "local" -> AddressScope.LOCAL;
            case "docker" -> AddressScope.DOCKER;
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--addr-scope must be host or docker, got '" + addrScope + "'");
        };
        ClusterConfig config = ClusterConfig.load(raftConfig);
        // short RPC timeouts: an unavailable cluster is reported to the client, not waited out
        ClientOptions options = ClientOptions.defaults().withMaxRetries(config.effectiveMaxRetries())
                .withRpcTimeout(Duration.ofSeconds(3)).withLockWait(Duration.ofSeconds(5));
        NokvClient client;
        if (tsoUrl != null) {
            List<String> stores = config.stores().stream().map((StoreConfig s) -> s.addr(scope)).toList();
            client = NokvClient.of(stores, tsoUrl, options);
        } else {
            client = NokvClient.fromConfig(raftConfig, scope, options);
        }
        if (client.tsoUrl() == null) {
            client.close();
            throw new IllegalArgumentException(raftConfig + " has no tso section; give --tso-url");
        }
        return new ClusterStore(client, "cluster, config=" + raftConfig + ", tso=" + client.tsoUrl());
    }

    private InetSocketAddress socket(String flag, String value) {
        HostPort hp;
        try {
            hp = HostPort.parse(flag, value);
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        return new InetSocketAddress(hp.host(), hp.port());
    }
}
