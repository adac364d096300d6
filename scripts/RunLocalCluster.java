///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-node) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

import io.nokv.node.cli.Cli;
import io.nokv.node.cli.Nokv;
import io.nokv.node.config.AddressScope;
import io.nokv.node.local.ClassDataSharing;
import io.nokv.node.local.ClusterLayout;
import io.nokv.node.local.ClusterProbe;
import io.nokv.node.local.JavaCommand;
import io.nokv.node.local.Seeder;
import io.nokv.node.local.SupervisedProcess;
import io.nokv.node.local.Topology;
import io.nokv.tso.ShutdownSignal;
import io.nokv.tso.TsoServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * Brings up a whole cluster on this machine from one config (the Go original's
 * scripts/run_local_cluster.sh): read the config, seed each store once, start the TSO and one JVM
 * per store, wait until every region has a leader, supervise until Ctrl+C, stop.
 * Restarts reuse the existing directories, also after a crash.
 */
@Command(name = "run-local-cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a local NoKV cluster from a config: store-<id> directories under the workdir (seeded once), "
                + "nokv-tso (when tso.listen_addr is set) and one nokv serve per store, until Ctrl+C or SIGTERM.")
public class RunLocalCluster implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Cluster config (default: ./raft_config.example.json, else the example bundled with NoKV).")
    Path config;

    @Option(names = "--workdir", paramLabel = "DIR", defaultValue = "artifacts/cluster",
            description = "The cluster's root directory: store-<id>/, tso/, tso.log (default: ./${DEFAULT-VALUE}).")
    Path workdir;

    @Option(names = "--raft-debug-log", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Pass --raft-debug-log to the stores (Raft at DEBUG in store-<id>/server.log). Default: on.")
    boolean raftDebugLog;

    @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "180",
            description = "How long the TSO and the stores may take to come up (default: ${DEFAULT-VALUE}).")
    int startupTimeout;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Grace period for each child after SIGTERM before it is killed (default: ${DEFAULT-VALUE}).")
    int stopTimeout;

    @Option(names = "--class-data-sharing", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Start the children with an AppCDS archive of their classes (in ~/.cache/nokv/cds, made by "
                    + "the first store when it first stops; halves a store JVM's start-up). Default: on.")
    boolean classDataSharing;

    private final List<SupervisedProcess> stores = new ArrayList<>();
    private SupervisedProcess tso;
    private ClassDataSharing cds;

    public static void main(String[] args) {
        Cli.exit(new RunLocalCluster(), args);
    }

    @Override
    public Integer call() throws Exception {
        ShutdownSignal stop = ShutdownSignal.install();
        Topology topology = Topology.loadOrExample(config, AddressScope.LOCAL);
        ClusterLayout layout = new ClusterLayout(workdir);
        cds = classDataSharing ? ClassDataSharing.inUserCache() : null;
        for (Topology.Store s : topology.stores()) {
            Path dir = layout.storeDir(s.id());
            if (Seeder.seed(dir, topology.regions()) == Seeder.Outcome.SEEDED) {
                System.out.println("Seeded store " + s.id() + " at " + dir + " (" + topology.regions().size() + " regions)");
            } else {
                System.out.println("Store " + s.id() + " already bootstrapped; skipping manifest seeding");
            }
        }
        try {
            startTso(topology, layout);
            for (Topology.Store s : topology.stores()) {
                startStore(topology, layout, s);
            }
            if (!awaitReady(topology, stop)) {
                return 0;
            }
            printBanner(topology);
            supervise(stop);
            return 0;
        } finally {
            shutDown();
        }
    }

    private void startTso(Topology topology, ClusterLayout layout) {
        if (topology.tsoListen().isEmpty()) {
            return;
        }
        System.out.println("Starting TSO on " + topology.tsoListen().get() + " (log " + layout.tsoLog() + ")");
        JavaCommand cmd = JavaCommand.of(TsoServer.class, List.of("--addr", topology.tsoListen().get(), "--start", "100",
                "--data-dir", layout.tsoDataDir().toString()));
        tso = SupervisedProcess.start("nokv-tso", withCds(cmd, false).commandLine(), layout.root(), layout.tsoLog());
    }

    private void startStore(Topology topology, ClusterLayout layout, Topology.Store s) {
        System.out.println("Starting store " + s.id() + " on " + s.listen() + " (log " + layout.storeLog(s.id()) + ")");
        List<String> args = new ArrayList<>(topology.serveArgs(s.id(), layout.storeDir(s.id())));
        args.add("--stop-with-parent");
        if (raftDebugLog) {
            args.add("--raft-debug-log");
        }
        JavaCommand cmd = withCds(JavaCommand.of(Nokv.class, args), stores.isEmpty());
        stores.add(SupervisedProcess.start("store " + s.id(), cmd.commandLine(), layout.root(), layout.storeLog(s.id())));
    }

    private JavaCommand withCds(JavaCommand cmd, boolean createArchive) {
        return cds == null ? cmd : cmd.withJvmOptions(cds.jvmOptions(createArchive));
    }

    private List<SupervisedProcess> children() {
        List<SupervisedProcess> all = new ArrayList<>(stores);
        if (tso != null) {
            all.add(0, tso);
        }
        return all;
    }

    /** Polls until the TSO answers and every region has a leader; false when a signal came first. */
    private boolean awaitReady(Topology topology, ShutdownSignal stop) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(startupTimeout).toNanos();
        long nextReport = start + Duration.ofSeconds(10).toNanos();
        while (true) {
            for (SupervisedProcess c : children()) {
                if (!c.alive()) {
                    System.out.println(c.exitReport(25));
                    throw new IllegalStateException(c.name() + " exited with code " + c.exitCode() + " while starting (log tail above)");
                }
            }
            List<String> problems = ClusterProbe.notReady(topology);
            if (problems.isEmpty()) {
                return true;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                children().forEach(c -> System.out.println("last lines of " + c.log() + ":\n" + c.tail(15)));
                throw new IllegalStateException("the cluster did not come up within " + startupTimeout + " s: "
                        + String.join("; ", problems));
            }
            if (now > nextReport) {
                System.out.println("Waiting for the cluster (" + (now - start) / 1_000_000_000 + " s): " + String.join("; ", problems));
                nextReport = now + Duration.ofSeconds(10).toNanos();
            }
            if (stop.await(Duration.ofMillis(250))) {
                return false;
            }
        }
    }

    private void printBanner(Topology topology) {
        System.out.println("Cluster running. " + (tso != null ? "TSO available at " + topology.tsoUrl().orElseThrow() + "/tso"
                : "TSO disabled (no tso.listen_addr in the config)"));
        Map<Long, List<Long>> led = new LinkedHashMap<>();
        ClusterProbe.leaders(topology).forEach((region, store) -> led.computeIfAbsent(store, k -> new ArrayList<>()).add(region));
        for (int i = 0; i < stores.size(); i++) {
            Topology.Store s = topology.stores().get(i);
            List<Long> regions = led.getOrDefault(s.id(), List.of());
            System.out.println("  store " + s.id() + ": " + s.addr() + " (pid " + stores.get(i).pid() + ")"
                    + (regions.isEmpty() ? "" : ", leads region " + regions.stream().map(String::valueOf).collect(Collectors.joining(", "))));
        }
        System.out.println("Press Ctrl+C to stop");
    }

    /** Until a signal: reports a child that dies (with its log tail) and keeps the others running. */
    private void supervise(ShutdownSignal stop) {
        List<SupervisedProcess> reported = new ArrayList<>();
        while (!stop.await(Duration.ofMillis(250))) {
            for (SupervisedProcess c : children()) {
                if (!c.alive() && !reported.contains(c)) {
                    // Ctrl+C in a terminal reaches the children too: give our own handler a moment first.
                    if (stop.await(Duration.ofSeconds(1))) {
                        return;
                    }
                    reported.add(c);
                    System.out.println(c.exitReport(25));
                    System.out.println("The other processes keep running; press Ctrl+C to stop them.");
                }
            }
        }
    }

    /** Stops the stores (in parallel), then the TSO: SIGTERM, then SIGKILL after the grace period. */
    private void shutDown() {
        System.out.println("Shutting down...");
        SupervisedProcess.stopAll(stores, Duration.ofSeconds(stopTimeout));
        if (tso != null) {
            SupervisedProcess.stopAll(List.of(tso), Duration.ofSeconds(stopTimeout));
        }
        if (cds != null && cds.publish()) {
            System.out.println("Class-data sharing archive for the next start: " + cds.archive());
        }
    }
}
