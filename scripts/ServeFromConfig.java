///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/ModuleLauncher.java
//SOURCES ../lib/NodeClasses.java
//SOURCES ../lib/ClusterTopology.java
//SOURCES ../lib/ScriptMain.java

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs one store of the config with {@code nokv serve} (the Go original's
 * scripts/serve_from_config.sh): the listen addresses and every remote peer's Raft address come
 * from the config, so nobody writes --peer lists by hand.
 */
@Command(name = "serve-from-config", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs `nokv serve` for one store of the config in the foreground: listen addresses for the scope, "
                + "and --peer PEER_ID=RAFT_ADDR for every peer of every region on another store. "
                + "Arguments after -- go to nokv serve unchanged. SIGINT/SIGTERM stop the store; its exit code is ours.")
public class ServeFromConfig implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Cluster config (raft_config.json).")
    Path config;

    @Option(names = "--store-id", required = true, paramLabel = "ID", description = "The store to run.")
    long storeId;

    @Option(names = "--workdir", required = true, paramLabel = "DIR", description = "The store's directory (seeded with bootstrap-from-config or nokv-config manifest).")
    Path workdir;

    @Option(names = "--scope", defaultValue = "local", paramLabel = "local|docker",
            description = "Address set: local (listen_addr/addr/raft_addr) or docker (docker_listen_addr/docker_addr). Default: ${DEFAULT-VALUE}.")
    String scope;

    @Option(names = "--raft-debug-log", negatable = true, defaultValue = "false",
            description = "Log Raft at DEBUG (default: off).")
    boolean raftDebugLog;

    @Option(names = "--stop-with-parent", hidden = true,
            description = "Stop gracefully when the parent process dies (run-local-cluster sets it, so a killed supervisor leaves no stores behind).")
    boolean stopWithParent;

    @Parameters(paramLabel = "NOKV_SERVE_ARGS", description = "After --: extra arguments for nokv serve.")
    List<String> extra = new ArrayList<>();

    public static void main(String[] args) {
        ScriptMain.exit(new ServeFromConfig(), args);
    }

    @Override
    public Integer call() {
        if (!scope.equals("local") && !scope.equals("docker")) {
            throw new ScriptFailure("--scope must be local or docker, got \"" + scope + "\"");
        }
        ClusterTopology topology = ClusterTopology.load(config, scope);
        ClusterTopology.Store self = topology.requireStore(storeId);
        List<String> args = new ArrayList<>(List.of("serve", "--workdir", workdir.toString(), "--store-id", Long.toString(storeId),
                "--addr", self.listen(), "--raft-addr", self.raftListen()));
        for (Map.Entry<Long, String> peer : topology.remotePeers(storeId).entrySet()) {
            args.add("--peer");
            args.add(peer.getKey() + "=" + peer.getValue());
        }
        if (raftDebugLog) {
            args.add("--raft-debug-log");
        }
        args.addAll(extra);
        System.out.println("serve-from-config: nokv " + String.join(" ", args));
        if (stopWithParent) {
            stopWithParent();
        }
        ModuleLauncher.run(ModuleLauncher.Binary.NOKV, args.toArray(String[]::new));
        return 0; // only reached if nokv returns without exiting
    }

    /** When our parent goes away (kill -9 of the supervisor), stop as if sent SIGTERM: the store closes cleanly. */
    private static void stopWithParent() {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.out.println("serve-from-config: parent process " + parent.pid() + " is gone; stopping");
            try {
                new ProcessBuilder("kill", "-TERM", Long.toString(ProcessHandle.current().pid())).inheritIO().start();
            } catch (java.io.IOException e) {
                System.exit(1);
            }
        }));
    }
}
