///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//JAVAC_OPTIONS -XDignore.symbol.file
//DEPS info.picocli:picocli:4.7.7
//DEPS org.zeroturnaround:zt-exec:1.13.0
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/NodeClasses.java
//SOURCES ../lib/ClusterTopology.java
//SOURCES ../lib/ScriptMain.java
//SOURCES ../lib/Child.java
//SOURCES ../lib/Signals.java

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
 * scripts/run_local_cluster.sh): seeds each store once, starts the TSO and every store as children,
 * waits until all answer and every region has a leader, then supervises them until Ctrl+C.
 * Restarts reuse the existing directories, also after a crash.
 */
@Command(name = "run-local-cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs a local NoKV cluster from a config: store-<id> directories under the workdir (seeded once), "
                + "nokv-tso (when tso.listen_addr is set) and one nokv serve per store, until Ctrl+C or SIGTERM.")
public class RunLocalCluster implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Cluster config (default: ./raft_config.example.json, else the checkout's).")
    Path config;

    @Option(names = "--workdir", paramLabel = "DIR", defaultValue = "artifacts/cluster",
            description = "Data root: store-<id>/, tso/, tso.log (default: ./${DEFAULT-VALUE}).")
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

    private final List<Child> children = new ArrayList<>();

    public static void main(String[] args) {
        ScriptMain.exit(new RunLocalCluster(), args);
    }

    @Override
    public Integer call() throws Exception {
        Signals signals = Signals.install();
        Path root = NokvCheckout.require();
        Path cfg = ClusterTopology.defaultConfig(config).toAbsolutePath().normalize();
        Path work = workdir.toAbsolutePath().normalize();
        ClusterTopology topology = ClusterTopology.load(cfg, "local"); // builds the node module if needed
        ModuleBuild.ensureFresh(root, ModuleBuild.Module.TSO);
        Files.createDirectories(work);

        for (ClusterTopology.Store s : topology.stores) {
            Path dir = work.resolve("store-" + s.id());
            if (topology.seed(dir, "running")) {
                System.out.println("Seeded store " + s.id() + " at " + dir + " (" + topology.regions.size() + " regions)");
            } else {
                System.out.println("Store " + s.id() + " already bootstrapped; skipping manifest seeding");
            }
        }

        Map<String, String> env = Map.of("NOKV_HOME", root.toString());
        String jbang = root.resolve("jbang").toString();
        // JBang's cache is not safe for concurrent first builds of one script: build each once, here.
        for (String alias : List.of("nokv-tso", "serve-from-config")) {
            Child.run(alias + " build", List.of(jbang, "build", alias), root, env, Duration.ofMinutes(10));
        }
        try {
            Child tso = null;
            if (topology.tsoListen != null) {
                System.out.println("Starting TSO on " + topology.tsoListen + " (log " + work.resolve("tso.log") + ")");
                tso = Child.start("nokv-tso", List.of(jbang, "nokv-tso", "--addr", topology.tsoListen, "--start", "100",
                        "--data-dir", work.resolve("tso").toString()), work, work.resolve("tso.log"), env);
                children.add(tso);
            }
            Map<Long, Child> stores = new LinkedHashMap<>();
            for (ClusterTopology.Store s : topology.stores) {
                Path dir = work.resolve("store-" + s.id());
                System.out.println("Starting store " + s.id() + " on " + s.listen() + " (log " + dir.resolve("server.log") + ")");
                List<String> cmd = new ArrayList<>(List.of(jbang, "serve-from-config", "--config", cfg.toString(),
                        "--store-id", Long.toString(s.id()), "--workdir", dir.toString(), "--stop-with-parent"));
                if (raftDebugLog) {
                    cmd.add("--raft-debug-log");
                }
                Child c = Child.start("store " + s.id(), cmd, work, dir.resolve("server.log"), env);
                stores.put(s.id(), c);
                children.add(c);
            }
            if (!awaitReady(topology, tso, signals)) {
                return shutDown(0);
            }
            System.out.println("Cluster running. " + (tso != null ? "TSO available at " + topology.tsoUrl + "/tso"
                    : "TSO disabled (no tso.listen_addr in the config)"));
            Map<Long, Long> leaders = leaders(topology);
            for (ClusterTopology.Store s : topology.stores) {
                String led = leaders.entrySet().stream().filter(e -> e.getValue() == s.id()).map(e -> Long.toString(e.getKey()))
                        .collect(Collectors.joining(", "));
                System.out.println("  store " + s.id() + ": " + s.addr() + " (pid " + stores.get(s.id()).pid() + ")"
                        + (led.isEmpty() ? "" : ", leads region " + led));
            }
            System.out.println("Press Ctrl+C to stop");
            supervise(signals);
            return shutDown(0);
        } catch (ScriptFailure e) {
            System.err.println("run-local-cluster: " + e.getMessage());
            return shutDown(1);
        }
    }

    /** Polls until the TSO answers and every region has a leader; false when a signal came first. */
    private boolean awaitReady(ClusterTopology topology, Child tso, Signals signals) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(startupTimeout).toNanos();
        long nextReport = start + Duration.ofSeconds(10).toNanos();
        List<String> problems = List.of("nothing checked yet");
        while (System.nanoTime() < deadline) {
            for (Child c : children) {
                if (!c.alive()) {
                    throw new ScriptFailure(c.name + " exited with code " + c.exitCode() + " while starting; last lines of "
                            + c.log + ":\n" + c.tail(25));
                }
            }
            problems = new ArrayList<>();
            if (tso != null && !tsoAnswers(topology)) {
                problems.add("the TSO does not answer at " + topology.tsoUrl);
            }
            @SuppressWarnings("unchecked")
            List<String> stores = (List<String>) NodeClasses.callStatic("io.nokv.client.ClusterProbe", "notReady",
                    topology.storeAddrs(), topology.regionIds());
            problems.addAll(stores);
            if (problems.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > nextReport) {
                System.out.println("Waiting for the cluster (" + (System.nanoTime() - start) / 1_000_000_000 + " s): "
                        + String.join("; ", problems));
                nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            }
            if (signals.await(250)) {
                return false;
            }
        }
        StringBuilder why = new StringBuilder("the cluster did not come up within " + startupTimeout + " s: "
                + String.join("; ", problems));
        for (Child c : children) {
            boolean implicated = problems.stream().anyMatch(p -> p.contains(c.name) || (c.name.equals("nokv-tso") && p.contains("TSO")))
                    || (c.name.startsWith("store") && problems.stream().anyMatch(p -> p.startsWith("region")));
            if (implicated) {
                why.append("\nlast lines of ").append(c.log).append(":\n").append(c.tail(15));
            }
        }
        throw new ScriptFailure(why.toString());
    }

    private boolean tsoAnswers(ClusterTopology topology) {
        String host = topology.tsoListen.replaceFirst("^0\\.0\\.0\\.0:", "127.0.0.1:").replaceFirst("^\\[::\\]:", "127.0.0.1:");
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + host + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, Long> leaders(ClusterTopology topology) {
        return (Map<Long, Long>) NodeClasses.callStatic("io.nokv.client.ClusterProbe", "leaders", topology.storeAddrs());
    }

    /** Until a signal: reports a child that dies (with its log tail) and keeps the others running. */
    private void supervise(Signals signals) {
        List<Child> reported = new ArrayList<>();
        while (!signals.await(250)) {
            for (Child c : children) {
                if (!c.alive() && !reported.contains(c)) {
                    // Ctrl+C in a terminal reaches the children too: give our own handler a moment first.
                    if (signals.await(1000)) {
                        return;
                    }
                    reported.add(c);
                    System.out.println(c.name + " (pid " + c.pid() + ") exited with code " + c.exitCode()
                            + "; last lines of " + c.log + ":\n" + c.tail(25));
                    System.out.println("The other processes keep running; press Ctrl+C to stop them.");
                }
            }
        }
    }

    /** Stops the stores (in parallel), then the TSO: SIGTERM, then SIGKILL after the grace period. */
    private int shutDown(int code) {
        System.out.println("Shutting down...");
        List<Child> stores = children.stream().filter(c -> !c.name.equals("nokv-tso")).toList();
        stores.forEach(Child::terminate);
        stores.forEach(c -> c.awaitStop(Duration.ofSeconds(stopTimeout)));
        children.stream().filter(c -> c.name.equals("nokv-tso")).forEach(c -> {
            c.terminate();
            c.awaitStop(Duration.ofSeconds(stopTimeout));
        });
        return code;
    }
}
