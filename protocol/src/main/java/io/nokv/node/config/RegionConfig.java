package io.nokv.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.node.region.RegionState;

import java.util.List;

/** One {@code regions[]} entry, keys still in their written form (see {@link Keys}). */
public record RegionConfig(
        @JsonProperty("id") Long id,
        @JsonProperty("start_key") String startKey,
        @JsonProperty("end_key") String endKey,
        @JsonProperty("epoch") Epoch epoch,
        @JsonProperty("peers") List<Peer> peers,
        @JsonProperty("leader_store_id") Long leaderStoreId) {

    public record Epoch(@JsonProperty("version") Long version, @JsonProperty("conf_version") Long confVersion) {
    }

    public record Peer(@JsonProperty("store_id") Long storeId, @JsonProperty("peer_id") Long peerId) {
    }

    public byte[] startKeyBytes() {
        return Keys.decode(startKey);
    }

    public byte[] endKeyBytes() {
        return Keys.decode(endKey);
    }

    /** The catalog entry a store seeds from this region (state running). Call on validated configs only. */
    public RegionMeta toMeta() {
        List<RegionPeer> metaPeers = peers.stream().map(p -> new RegionPeer(p.storeId(), p.peerId())).toList();
        return new RegionMeta(id, startKeyBytes(), endKeyBytes(), new RegionEpoch(epoch.version(), epoch.confVersion()),
                metaPeers, RegionState.RUNNING);
    }
}
