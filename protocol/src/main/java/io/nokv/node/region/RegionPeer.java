package io.nokv.node.region;

/** One replica of a region: the store hosting it and its cluster-wide unique peer id. */
public record RegionPeer(long storeId, long peerId) {
    public RegionPeer {
        if (storeId <= 0 || peerId <= 0) {
            throw new IllegalArgumentException("store and peer ids must be positive: store=" + storeId + " peer=" + peerId);
        }
    }
}
