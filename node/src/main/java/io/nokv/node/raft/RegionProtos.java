package io.nokv.node.raft;

import com.google.protobuf.ByteString;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.node.region.RegionState;

import java.util.ArrayList;
import java.util.List;

/** Between the catalog's {@link RegionMeta} and the wire/log's protobuf one. */
public final class RegionProtos {
    private RegionProtos() {
    }

    public static io.nokv.node.kv.proto.RegionMeta toProto(RegionMeta m) {
        var b = io.nokv.node.kv.proto.RegionMeta.newBuilder()
                .setId(m.id())
                .setStartKey(ByteString.copyFrom(m.startKey()))
                .setEndKey(ByteString.copyFrom(m.endKey()))
                .setEpochVersion(m.epoch().version())
                .setEpochConfVersion(m.epoch().confVersion())
                .setState(m.state().displayName());
        for (RegionPeer p : m.peers()) {
            b.addPeers(io.nokv.node.kv.proto.RegionPeer.newBuilder().setStoreId(p.storeId()).setPeerId(p.peerId()));
        }
        return b.build();
    }

    public static RegionMeta fromProto(io.nokv.node.kv.proto.RegionMeta p) {
        List<RegionPeer> peers = new ArrayList<>();
        p.getPeersList().forEach(x -> peers.add(new RegionPeer(x.getStoreId(), x.getPeerId())));
        RegionState state = p.getState().isEmpty() ? RegionState.RUNNING : RegionState.parse(p.getState());
        return new RegionMeta(p.getId(), p.getStartKey().toByteArray(), p.getEndKey().toByteArray(),
                new RegionEpoch(p.getEpochVersion(), p.getEpochConfVersion()), peers, state);
    }
}
