package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.nokv.node.kv.proto.EpochNotMatch;
import io.nokv.node.kv.proto.KeyNotInRegion;
import io.nokv.node.kv.proto.NotLeader;
import io.nokv.node.config.Keys;
import io.nokv.node.kv.proto.RegionError;
import io.nokv.node.kv.proto.RegionPeer;
import io.nokv.node.kv.proto.ServerIsBusy;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionProtos;

import java.util.List;

/** Builders of the region errors a client acts on (refresh its cache, retry elsewhere, back off). */
final class RegionErrors {
    private RegionErrors() {
    }

    static RegionError notLeader(long regionId, RegionMeta meta, long leaderStoreId) {
        NotLeader.Builder nl = NotLeader.newBuilder().setRegionId(regionId);
        if (meta != null && leaderStoreId > 0) {
            meta.peerOnStore(leaderStoreId).map(RegionProtos::toProto).ifPresent(nl::setLeader);
            if (!nl.hasLeader()) {
                nl.setLeader(RegionPeer.newBuilder().setStoreId(leaderStoreId));
            }
        }
        return RegionError.newBuilder().setNotLeader(nl)
                .setMessage("region " + regionId + ": not leader" + (nl.hasLeader()
                        ? "; leader is on store " + nl.getLeader().getStoreId() : "; leader unknown"))
                .build();
    }

    static RegionError epochNotMatch(String why, RegionMeta current, List<RegionMeta> regions) {
        EpochNotMatch.Builder e = EpochNotMatch.newBuilder();
        regions.forEach(r -> e.addCurrentRegions(RegionProtos.toProto(r)));
        if (current != null) {
            e.setCurrentEpoch(RegionProtos.toProto(current.epoch()));
        }
        return RegionError.newBuilder().setEpochNotMatch(e).setMessage(why).build();
    }

    static RegionError keyNotInRegion(byte[] key, RegionMeta meta) {
        return RegionError.newBuilder().setKeyNotInRegion(KeyNotInRegion.newBuilder()
                        .setKey(ByteString.copyFrom(key)).setRegionId(meta.id())
                        .setStartKey(ByteString.copyFrom(meta.startKey())).setEndKey(ByteString.copyFrom(meta.endKey())))
                .setMessage("key " + Keys.format(key) + " is not in region " + meta.id())
                .build();
    }

    static RegionError serverIsBusy(String reason) {
        return RegionError.newBuilder().setServerIsBusy(ServerIsBusy.newBuilder().setReason(reason))
                .setMessage("server is busy: " + reason).build();
    }
}
