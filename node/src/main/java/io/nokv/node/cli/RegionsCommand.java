package io.nokv.node.cli;

import io.nokv.node.config.Keys;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionMeta;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code nokv regions}: the region catalog persisted in a store directory, read without the store's lock. */
@Command(name = "regions", mixinStandardHelpOptions = true,
        description = "Lists the regions persisted in a store directory, sorted by id (works while the store runs).")
final class RegionsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreDirOptions store;

    @Override
    public Integer call() {
        List<RegionMeta> regions = RegionCatalog.readOffline(store.workdir);
        PrintWriter out = spec.commandLine().getOut();
        if (store.json) {
            out.println(Cli.json(Map.of("regions", regions.stream().map(RegionsCommand::toJson).toList())));
            return 0;
        }
        if (regions.isEmpty()) {
            out.println("Regions: (none)");
            return 0;
        }
        out.println("Regions:");
        for (RegionMeta r : regions) {
            out.println("- id=" + r.id() + " state=" + r.state().displayName() + " epoch={ver:" + r.epoch().version()
                    + " conf:" + r.epoch().confVersion() + "} range=" + RegionText.range(r) + " peers=" + RegionText.peers(r));
        }
        return 0;
    }

    private static Map<String, Object> toJson(RegionMeta r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", r.id());
        row.put("start_key", r.startKey().length == 0 ? "" : Keys.format(r.startKey()));
        row.put("end_key", r.endKey().length == 0 ? "" : Keys.format(r.endKey()));
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
        row.put("state", r.state().displayName());
        return row;
    }
}
