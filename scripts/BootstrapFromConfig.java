///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
//DEPS info.picocli:picocli:4.7.7
//SOURCES ../lib/ScriptFailure.java
//SOURCES ../lib/NokvCheckout.java
//SOURCES ../lib/ModuleBuild.java
//SOURCES ../lib/NodeClasses.java
//SOURCES ../lib/ClusterTopology.java
//SOURCES ../lib/ScriptMain.java

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Seeds the region catalog of every store in the config (the Go original's
 * scripts/bootstrap_from_config.sh), e.g. for containers before the stores start:
 * {@code bootstrap-from-config --config /etc/nokv/raft_config.json --path-template /data/store-{id}}.
 */
@Command(name = "bootstrap-from-config", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Seeds every region of the config into each store's directory (the path template with {id} "
                + "replaced by the store id). A store whose directory already has CURRENT is skipped.")
public class BootstrapFromConfig implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Cluster config (default: ./raft_config.example.json, else the checkout's).")
    Path config;

    @Option(names = "--path-template", required = true, paramLabel = "TEMPLATE",
            description = "Store directory with {id} for the store id, e.g. /data/store-{id}.")
    String pathTemplate;

    @Option(names = "--state", defaultValue = "running", paramLabel = "running|tombstone",
            description = "State of the seeded regions (default: ${DEFAULT-VALUE}).")
    String state;

    public static void main(String[] args) {
        ScriptMain.exit(new BootstrapFromConfig(), args);
    }

    @Override
    public Integer call() {
        if (!pathTemplate.contains("{id}")) {
            throw new ScriptFailure("--path-template \"" + pathTemplate + "\" must contain {id}");
        }
        if (!state.equals("running") && !state.equals("tombstone")) {
            throw new ScriptFailure("--state must be running or tombstone, got \"" + state + "\"");
        }
        ClusterTopology topology = ClusterTopology.load(ClusterTopology.defaultConfig(config), "local");
        for (ClusterTopology.Store s : topology.stores) {
            Path dir = Path.of(pathTemplate.replace("{id}", Long.toString(s.id())));
            if (topology.seed(dir, state)) {
                System.out.println("bootstrapped store " + s.id() + " at " + dir);
            } else {
                System.out.println("Store " + s.id() + " already bootstrapped; skipping");
            }
        }
        return 0;
    }
}
