///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 17+
// The module classes (io.nokv:nokv-node) come from the catalog alias's dependencies, or from
// ./jbang's --cp when run from a checkout (docs/launcher.md).

import io.nokv.node.cli.Cli;
import io.nokv.node.config.AddressScope;
import io.nokv.node.local.Seeder;
import io.nokv.node.local.Topology;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Seeds the region catalog of every store in the config (the Go original's
 * scripts/bootstrap_from_config.sh), e.g. for containers before the stores start:
 * {@code bootstrap-from-config --config /etc/nokv/raft_config.json --path-template /data/store-{id}}.
 */
@Command(name = "bootstrap-from-config", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Seeds every region of the config into each store's directory (the path template with {id} "
                + "replaced by the store id). A store that already has CURRENT and regions is skipped; a directory "
                + "holding store files but no CURRENT is refused.")
public class BootstrapFromConfig implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Cluster config (default: ./raft_config.example.json, else the example bundled with NoKV).")
    Path config;

    @Option(names = "--path-template", required = true, paramLabel = "TEMPLATE",
            description = "Store directory with {id} for the store id, e.g. /data/store-{id}.")
    String pathTemplate;

    @Option(names = "--state", defaultValue = "running", paramLabel = "running|tombstone",
            description = "State of the seeded regions (default: ${DEFAULT-VALUE}).")
    String state;

    public static void main(String[] args) {
        Cli.exit(new BootstrapFromConfig(), args);
    }

    @Override
    public Integer call() {
        if (!pathTemplate.contains("{id}")) {
            throw new IllegalArgumentException("--path-template \"" + pathTemplate + "\" must contain {id}");
        }
        RegionState regionState = RegionState.parse(state);
        if (regionState != RegionState.RUNNING && regionState != RegionState.TOMBSTONE) {
            throw new IllegalArgumentException("--state must be running or tombstone, got \"" + state + "\"");
        }
        Topology topology = Topology.loadOrExample(config, AddressScope.LOCAL);
        List<RegionMeta> regions = topology.regions().stream().map(r -> r.withState(regionState)).toList();
        for (Topology.Store s : topology.stores()) {
            Path dir = Path.of(pathTemplate.replace("{id}", Long.toString(s.id())));
            if (Seeder.seed(dir, regions) == Seeder.Outcome.SEEDED) {
                System.out.println("bootstrapped store " + s.id() + " at " + dir);
            } else {
                System.out.println("Store " + s.id() + " already bootstrapped; skipping");
            }
        }
        return 0;
    }
}
