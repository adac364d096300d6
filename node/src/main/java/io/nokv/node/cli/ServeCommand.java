package io.nokv.node.cli;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.node.config.HostPort;
import io.nokv.node.kv.KvMetrics;
import io.nokv.node.kv.KvServer;
import io.nokv.node.kv.KvService;
import io.nokv.node.kv.MetricsEndpoint;
import io.nokv.node.raft.CatalogRegionDirectory;
import io.nokv.node.raft.StoreRaftServer;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionState;
import io.nokv.tso.ShutdownSignal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code nokv serve}: runs one store — its engine, a Ratis server hosting a group per local region
 * of the persisted catalog, the TinyKv gRPC service, and optionally Prometheus metrics — until
 * SIGINT/SIGTERM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serves a store: every local region of its catalog through Raft, and the TinyKv gRPC service.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workdir", required = true, paramLabel = "DIR", description = "Store directory (engine, catalog; Raft logs in DIR/raft).")
    Path workdir;

    @Option(names = "--store-id", required = true, paramLabel = "ID", description = "This store's id (> 0).")
    long storeId;

    @Option(names = "--addr", defaultValue = "127.0.0.1:20160", paramLabel = "HOST:PORT",
            description = "TinyKv gRPC listen address (default: ${DEFAULT-VALUE}).")
    String addr;

    @Option(names = "--raft-addr", paramLabel = "HOST:PORT",
            description = "Raft listen address (default: the host of --addr, port + 100).")
    String raftAddr;

    @Option(names = "--peer", paramLabel = "PEER_ID=HOST:PORT",
            description = "Raft address of a remote peer (region peer id from the catalog); repeatable.")
    List<String> peers = new ArrayList<>();

    @Option(names = "--metrics-addr", paramLabel = "HOST:PORT", description = "Serve Prometheus text on http://HOST:PORT/metrics.")
    String metricsAddr;

    @Option(names = "--raft-debug-log", description = "Log Ratis at DEBUG on stderr (default: WARN).")
    boolean raftDebugLog;

    @Option(names = "--stop-with-parent", hidden = true,
            description = "Stop as on SIGTERM when the parent process exits (run-local-cluster sets it: a supervisor killed with -9 leaves no store behind).")
    boolean stopWithParent;

    @Option(names = "--snapshot-threshold", defaultValue = "4096", paramLabel = "N", hidden = true,
            description = "Raft log entries between automatic snapshots (default: ${DEFAULT-VALUE}).")
    long snapshotThreshold;

    @Option(names = "--raft-segment-bytes", defaultValue = "1048576", paramLabel = "N", hidden = true,
            description = "Raft log segment size; the log is purged by whole segments.")
    long segmentBytes;

    @Option(names = "--raft-property", paramLabel = "KEY=VALUE", hidden = true,
            description = "A Ratis property over NoKV's defaults (repeatable); for measuring settings.")
    Map<String, String> raftProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--raw-write-batches-in-flight", defaultValue = "0", paramLabel = "N", hidden = true,
            description = "Batched raw-write entries of one region in flight at most; 0 = no batching "
                    + "(default: ${DEFAULT-VALUE}; batching is experimental, see docs/node.md).")
    int rawWriteBatchesInFlight;

    @Override
    public Integer call() throws Exception {
        if (storeId <= 0) {
            throw new ParameterException(spec.commandLine(), "--store-id must be > 0, got " + storeId);
        }
        if (rawWriteBatchesInFlight < 0) {
            throw new ParameterException(spec.commandLine(), "--raw-write-batches-in-flight must be >= 0, got "
                    + rawWriteBatchesInFlight);
        }
        HostPort kvAddr = HostPort.parse("--addr", addr);
        HostPort raft = raftAddr == null ? kvAddr.offset("--raft-addr (default --addr + 100)", io.nokv.node.config.StoreConfig.RAFT_PORT_OFFSET)
                : HostPort.parse("--raft-addr", raftAddr);
        HostPort metrics = metricsAddr == null ? null : HostPort.parse("--metrics-addr", metricsAddr);
        Map<Long, String> peerAddrs = parsePeers(peers);
        PrintWriter out = spec.commandLine().getOut();

        ShutdownSignal signal = ShutdownSignal.install();
        if (stopWithParent) {
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
                out.println("nokv serve: parent process " + parent.pid() + " is gone; stopping");
                signal.trigger();
            }));
        }
        DB db = NoKV.open(Options.at(workdir).keepVersionsUntilSafePoint(true));
        StoreRaftServer raftServer = null;
        KvServer kv = null;
        MetricsEndpoint metricsEndpoint = null;
        try {
            RegionCatalog catalog = RegionCatalog.load(db);
            raftServer = new StoreRaftServer(new StoreRaftServer.Config(storeId, raft.toString(), workdir.resolve("raft"),
                    peerAddrs, snapshotThreshold, 10_000, segmentBytes), db, new CatalogRegionDirectory(catalog));
            raftProperties.forEach(raftServer::overrideRaftProperty);
            raftServer.setRawWriteBatchesInFlight(rawWriteBatchesInFlight);
            raftServer.start();
            printRegions(out, catalog.all());
            KvMetrics kvMetrics = new KvMetrics();
            kv = new KvServer(kvAddr.host(), kvAddr.port(), raftServer, kvMetrics, KvService.Limits.defaults()).start();
            if (metrics != null) {
                metricsEndpoint = new MetricsEndpoint(metrics.host(), metrics.port(), raftServer, kvMetrics);
            }
            out.println("TinyKv service listening on " + kvAddr + " (store=" + storeId + ")");
            out.println("Raft listening on " + raft);
            if (metricsEndpoint != null) {
                out.println("Metrics on http://" + metrics + "/metrics");
            }
            out.println("Configured peers: " + (peerAddrs.isEmpty() ? "(none)" : peerAddrs.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
            out.println("Press Ctrl+C to stop");
            out.flush();
            signal.await();
            out.println();
            out.println("Shutting down...");
            out.flush();
        } finally {
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
            }
            if (kv != null) {
                kv.close();
            }
            if (raftServer != null) {
                raftServer.close();
            }
            db.close();
        }
        return 0;
    }

    private Map<Long, String> parsePeers(List<String> values) {
        Map<Long, String> m = new TreeMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw new ParameterException(spec.commandLine(), "invalid --peer value \"" + v + "\" (want PEER_ID=HOST:PORT)");
            }
            long id;
            try {
                id = Long.parseLong(v.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new ParameterException(spec.commandLine(), "invalid --peer value \"" + v + "\": peer id is not a number");
            }
            if (id <= 0) {
                throw new ParameterException(spec.commandLine(), "invalid --peer value \"" + v + "\": peer id must be > 0");
            }
            m.put(id, HostPort.parse("--peer " + id, v.substring(eq + 1).trim()).toString());
        }
        return m;
    }

    private void printRegions(PrintWriter out, List<RegionMeta> regions) {
        if (regions.isEmpty()) {
            out.println("Manifest contains no regions; waiting for bootstrap");
            return;
        }
        List<RegionMeta> local = regions.stream().filter(r -> r.state() == RegionState.RUNNING
                && r.peerOnStore(storeId).isPresent()).toList();
        long absent = regions.stream().filter(r -> r.peerOnStore(storeId).isEmpty()).count();
        out.println("Manifest regions: " + regions.size() + ", local peers started: " + local.size());
        if (absent > 0) {
            out.println("Store " + storeId + " not present in " + absent + " region(s)");
        }
        out.println("Sample regions:");
        for (RegionMeta r : regions.stream().limit(5).toList()) {
            out.println("- id=" + r.id() + " range=" + RegionText.range(r) + " peers=" + RegionText.peers(r));
        }
        if (regions.size() > 5) {
            out.println("... (" + (regions.size() - 5) + " more)");
        }
    }
}
