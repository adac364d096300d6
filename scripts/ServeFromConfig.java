///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-node) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

import io.nokv.node.cli.Cli;
import io.nokv.node.cli.Nokv;
import io.nokv.node.config.AddressScope;
import io.nokv.node.local.Topology;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Runs one store of the config with {@code nokv serve} (the Go original's
 * scripts/serve_from_config.sh): read the config, derive the store's listen addresses and every
 * remote peer's Raft address, and serve in this JVM, so nobody writes --peer lists by hand.
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

    @Option(names = "--workdir", required = true, paramLabel = "DIR",
            description = "The store's directory (seeded with bootstrap-from-config or nokv-config manifest).")
    Path workdir;

    @Option(names = "--scope", defaultValue = "local", paramLabel = "local|docker",
            description = "Address set: local (listen_addr/addr/raft_addr) or docker (docker_listen_addr/docker_addr). Default: ${DEFAULT-VALUE}.")
    String scope;

    @Option(names = "--raft-debug-log", negatable = true, defaultValue = "false",
            description = "Log Raft at DEBUG (default: off).")
    boolean raftDebugLog;

    @Parameters(paramLabel = "NOKV_SERVE_ARGS", description = "After --: extra arguments for nokv serve.")
    List<String> extra = new ArrayList<>();

    public static void main(String[] args) {
        Cli.exit(new ServeFromConfig(), args);
    }

    @Override
    public Integer call() {
        Topology topology = Topology.load(config, parseScope(scope));
        List<String> args = new ArrayList<>(topology.serveArgs(storeId, workdir));
        if (raftDebugLog) {
            args.add("--raft-debug-log");
        }
        args.addAll(extra);
        System.out.println("serve-from-config: nokv " + String.join(" ", args));
        Nokv.main(args.toArray(String[]::new)); // exits the JVM with nokv's code
        return 0;
    }

    private static AddressScope parseScope(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "local" -> AddressScope.LOCAL;
            case "docker" -> AddressScope.DOCKER;
            default -> throw new IllegalArgumentException("--scope must be local or docker, got \"" + text + "\"");
        };
    }
}
