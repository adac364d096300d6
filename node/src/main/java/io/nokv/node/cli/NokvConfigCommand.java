package io.nokv.node.cli;

import io.nokv.node.config.AddressScope;
import io.nokv.node.config.ClusterConfig;
import io.nokv.node.config.Keys;
import io.nokv.node.config.RegionConfig;
import io.nokv.node.config.StoreConfig;
import io.nokv.node.config.TsoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code nokv-config}: prints parts of the cluster config for shell scripts, and seeds regions into
 * store directories. Output columns are those of the Go tool (docs/cli.md): scripts parse them.
 */
@Command(name = "nokv-config", mixinStandardHelpOptions = true,
        description = "Reads the cluster config (raft_config.json) for scripts; seeds regions into store directories.",
        subcommands = {NokvConfigCommand.Stores.class, NokvConfigCommand.Regions.class, NokvConfigCommand.Tso.class,
                SeedManifestCommand.class})
public final class NokvConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** No subcommand: usage on stdout and exit 1, as the Go tool. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 1;
    }

    /** {@code --config} and {@code --format}, shared by the listing subcommands. */
    static final class ConfigOptions {
        @Option(names = "--config", paramLabel = "FILE", defaultValue = "raft_config.example.json",
                description = "Cluster config file (default: ./raft_config.example.json).")
        Path config;

        @Option(names = "--format", paramLabel = "simple|json", defaultValue = "simple",
                description = "simple: space-separated columns, one line per entry; json: compact JSON.")
        String format;

        ClusterConfig load() {
            OutputFormat.parse(format);
            return ClusterConfig.load(config);
        }

        OutputFormat format() {
            return OutputFormat.parse(format);
        }
    }

    @Command(name = "stores", mixinStandardHelpOptions = true,
            description = "One line per store: <store_id> <listen> <addr> <docker_listen> <docker_addr> (- when unset).")
    static final class Stores implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ClusterConfig config = options.load();
            PrintWriter out = spec.commandLine().getOut();
            if (options.format() == OutputFormat.JSON) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (StoreConfig s : config.stores()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("store_id", s.storeId());
                    row.put("listen_addr", orEmpty(s.listenAddr()));
                    row.put("addr", orEmpty(s.addr()));
                    row.put("docker_listen_addr", orEmpty(s.dockerListenAddr()));
                    row.put("docker_addr", orEmpty(s.dockerAddr()));
                    if (s.raftAddr() != null) {
                        row.put("raft_addr", s.raftAddr());
                    }
                    rows.add(row);
                }
                out.println(Cli.json(rows));
                return 0;
            }
            for (StoreConfig s : config.stores()) {
                out.println(s.storeId() + " " + dash(s.listenAddr(AddressScope.LOCAL)) + " " + dash(s.addr(AddressScope.LOCAL))
                        + " " + dash(s.listenAddr(AddressScope.DOCKER)) + " " + dash(s.addr(AddressScope.DOCKER)));
            }
            return 0;
        }
    }

    @Command(name = "regions", mixinStandardHelpOptions = true,
            description = "One line per region: <id> <start> <end> <epoch.version> <epoch.conf_version> <s:p,s:p,...> <leader_store_id>.")
    static final class Regions implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ClusterConfig config = options.load();
            PrintWriter out = spec.commandLine().getOut();
            if (options.format() == OutputFormat.JSON) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (RegionConfig r : config.regions()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", r.id());
                    row.put("start_key", orEmpty(r.startKey()));
                    row.put("end_key", orEmpty(r.endKey()));
                    Map<String, Object> epoch = new LinkedHashMap<>();
                    epoch.put("version", r.epoch().version());
                    epoch.put("conf_version", r.epoch().confVersion());
                    row.put("epoch", epoch);
                    row.put("peers", r.peers().stream().map(p -> {
                        Map<String, Object> peer = new LinkedHashMap<>();
                        peer.put("store_id", p.storeId());
                        peer.put("peer_id", p.peerId());
                        return peer;
                    }).toList());
                    row.put("leader_store_id", r.leaderStoreId() == null ? 0L : r.leaderStoreId());
                    rows.add(row);
                }
                out.println(Cli.json(rows));
                return 0;
            }
            for (RegionConfig r : config.regions()) {
                String peers = r.peers().stream().map(p -> p.storeId() + ":" + p.peerId()).collect(Collectors.joining(","));
                out.println(r.id() + " " + Keys.format(r.startKeyBytes()) + " " + Keys.format(r.endKeyBytes()) + " "
                        + r.epoch().version() + " " + r.epoch().confVersion() + " " + peers + " "
                        + (r.leaderStoreId() == null ? "-" : r.leaderStoreId()));
            }
            return 0;
        }
    }

    @Command(name = "tso", mixinStandardHelpOptions = true,
            description = "The timestamp oracle: <listen_addr> <advertise_url>.")
    static final class Tso implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ClusterConfig config = options.load();
            TsoConfig tso = config.tso();
            if (tso == null) {
                throw new IllegalStateException("tso block missing from configuration");
            }
            PrintWriter out = spec.commandLine().getOut();
            if (options.format() == OutputFormat.JSON) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("listen_addr", orEmpty(tso.listenAddr()));
                row.put("advertise_url", orEmpty(tso.advertiseUrl()));
                out.println(Cli.json(row));
            } else {
                out.println(dash(tso.listenAddr()) + " " + dash(tso.advertiseUrl()));
            }
            return 0;
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String dash(String s) {
        return s == null || s.isBlank() ? "-" : s.trim();
    }
}
