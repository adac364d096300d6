package io.nokv.node.cli;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.node.region.RegionCatalog;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.node.region.RegionState;

import java.nio.file.Path;
import java.util.List;

/**
 * Child-process helper: opens the store in args[0] (taking its lock), adds region 9 through the
 * live catalog, prints "ready", and holds the store open until its stdin closes.
 */
public final class HoldStoreOpen {
    public static void main(String[] args) throws Exception {
        try (DB db = NoKV.open(Options.at(Path.of(args[0])))) {
            RegionCatalog.load(db).put(new RegionMeta(9, "x".getBytes(), new byte[0], new RegionEpoch(4, 2),
                    List.of(new RegionPeer(1, 901)), RegionState.RUNNING));
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the parent closes our stdin (or dies)
            }
        }
    }
}
