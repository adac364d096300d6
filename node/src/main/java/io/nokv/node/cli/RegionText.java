package io.nokv.node.cli;

import io.nokv.node.config.Keys;
import io.nokv.node.region.RegionMeta;

import java.util.stream.Collectors;

/** How the tools print a region's range and peers: {@code [-inf,"m")}, {@code [{store:1 peer:101} ...]}. */
final class RegionText {
    private RegionText() {
    }

    static String range(RegionMeta r) {
        return "[" + bound(r.startKey(), "-inf") + "," + bound(r.endKey(), "+inf") + ")";
    }

    static String peers(RegionMeta r) {
        return "[" + r.peers().stream().map(p -> "{store:" + p.storeId() + " peer:" + p.peerId() + "}")
                .collect(Collectors.joining(" ")) + "]";
    }

    private static String bound(byte[] key, String unbounded) {
        return key.length == 0 ? unbounded : Cli.quoted(Keys.format(key));
    }
}
