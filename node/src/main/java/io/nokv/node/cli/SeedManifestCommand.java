package io.nokv.node.cli;

import io.nokv.node.config.Keys;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.node.region.RegionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code nokv-config manifest}: writes one region into a store directory (creating the store if needed). */
@Command(name = "manifest", mixinStandardHelpOptions = true,
        description = "Seeds one region into the store at --workdir (creates CURRENT if absent); replaces an earlier entry for the same region.")
final class SeedManifestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workdir", required = true, paramLabel = "DIR", description = "Store directory.")
    Path workdir;

    @Option(names = "--region-id", required = true, paramLabel = "N", description = "Region id (> 0).")
    long regionId;

    @Option(names = "--start-key", defaultValue = "", paramLabel = "KEY", description = "Start key; empty or - = unbounded; hex:<hex> for binary.")
    String startKey;

    @Option(names = "--end-key", defaultValue = "", paramLabel = "KEY", description = "End key (exclusive); same syntax.")
    String endKey;

    @Option(names = "--epoch-version", defaultValue = "1", paramLabel = "V", description = "Epoch version (default 1).")
    long epochVersion;

    @Option(names = "--epoch-conf-version", paramLabel = "C", description = "Epoch conf version (default: the number of peers).")
    Long epochConfVersion;

    @Option(names = "--state", defaultValue = "running", paramLabel = "running|tombstone", description = "Region state (default running).")
    String state;

    @Option(names = "--peer", required = true, paramLabel = "STORE:PEER", description = "A replica, storeID:peerID; repeat for each.")
    List<String> peers;

    @Override
    public Integer call() {
        if (regionId <= 0) {
            throw new IllegalArgumentException("--region-id must be positive, got " + regionId);
        }
        List<RegionPeer> parsed = new ArrayList<>();
        for (String p : peers) {
            parsed.add(parsePeer(p));
        }
        long confVersion = epochConfVersion == null ? parsed.size() : epochConfVersion;
        RegionMeta meta = new RegionMeta(regionId, Keys.decode(startKey), Keys.decode(endKey),
                new RegionEpoch(epochVersion, confVersion), parsed, parseState(state));
        RegionCatalog.seed(workdir, meta);
        spec.commandLine().getOut().println("logged region " + regionId + " to " + workdir);
        return 0;
    }

    /** A seeded region starts running, or is an operator's tombstone; the other states are transitions. */
    private static RegionState parseState(String text) {
        RegionState s;
        try {
            s = RegionState.parse(text);
        } catch (IllegalArgumentException e) {
            s = null;
        }
        if (s != RegionState.RUNNING && s != RegionState.TOMBSTONE) {
            throw new IllegalArgumentException("unknown --state \"" + text + "\" (want running or tombstone)");
        }
        return s;
    }

    private static RegionPeer parsePeer(String text) {
        String[] parts = text.split(":", -1);
        try {
            if (parts.length == 2) {
                long store = Long.parseLong(parts[0].trim());
                long peer = Long.parseLong(parts[1].trim());
                if (store > 0 && peer > 0) {
                    return new RegionPeer(store, peer);
                }
            }
        } catch (NumberFormatException ignored) {
            // reported below with the whole value
        }
        throw new IllegalArgumentException("bad --peer \"" + text + "\" (want storeID:peerID, both positive)");
    }
}
