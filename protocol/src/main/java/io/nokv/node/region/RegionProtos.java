package io.nokv.node.region;

import com.google.protobuf.ByteString;

import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a region crosses between its Java type ({@link RegionMeta}, with the enum
 * {@link RegionState}) and the protobuf messages of the wire, the Raft log and snapshot files (where
 * the state is the lower-case {@link RegionState#displayName()}, and an empty state means running).
 * Everything past these methods works on {@link RegionMeta}.
 */
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
            b.addPeers(toProto(p));
        }
        return b.build();
    }

    /** @throws IllegalArgumentException naming the problem when the message is no valid region */
    public static RegionMeta fromProto(io.nokv.node.kv.proto.RegionMeta p) {
        List<RegionPeer> peers = new ArrayList<>();
        p.getPeersList().forEach(x -> peers.add(fromProto(x)));
        RegionState state = p.getState().isEmpty() ? RegionState.RUNNING : RegionState.parse(p.getState());
        return new RegionMeta(p.getId(), p.getStartKey().toByteArray(), p.getEndKey().toByteArray(),
                new RegionEpoch(p.getEpochVersion(), p.getEpochConfVersion()), peers, state);
    }

    public static io.nokv.node.kv.proto.RegionPeer toProto(RegionPeer p) {
        return io.nokv.node.kv.proto.RegionPeer.newBuilder().setStoreId(p.storeId()).setPeerId(p.peerId()).build();
    }

    public static RegionPeer fromProto(io.nokv.node.kv.proto.RegionPeer p) {
        return new RegionPeer(p.getStoreId(), p.getPeerId());
    }

    public static io.nokv.node.kv.proto.RegionEpoch toProto(RegionEpoch e) {
        return io.nokv.node.kv.proto.RegionEpoch.newBuilder().setVersion(e.version()).setConfVer(e.confVersion()).build();
    }

    public static RegionEpoch fromProto(io.nokv.node.kv.proto.RegionEpoch e) {
        return new RegionEpoch(e.getVersion(), e.getConfVer());
    }
}
