package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.nokv.node.kv.proto.EpochNotMatch;
import io.nokv.node.kv.proto.KeyNotInRegion;
import io.nokv.node.kv.proto.NotLeader;
import io.nokv.node.kv.proto.RegionEpoch;
import io.nokv.node.kv.proto.RegionError;
import io.nokv.node.kv.proto.RegionMeta;
import io.nokv.node.kv.proto.RegionPeer;
import io.nokv.node.kv.proto.ServerIsBusy;

import java.util.List;

/** Builders of the region errors a client acts on (refresh its cache, retry elsewhere, back off). */
final class RegionErrors {
    private RegionErrors() {
    }

    static RegionError notLeader(long regionId, RegionMeta meta, long leaderStoreId) {
        NotLeader.Builder nl = NotLeader.newBuilder().setRegionId(regionId);
        if (meta != null && leaderStoreId > 0) {
            meta.getPeersList().stream().filter(p -> p.getStoreId() == leaderStoreId).findFirst()
                    .ifPresent(nl::setLeader);
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
        EpochNotMatch.Builder e = EpochNotMatch.newBuilder().addAllCurrentRegions(regions);
        if (current != null) {
            e.setCurrentEpoch(RegionEpoch.newBuilder().setVersion(current.getEpochVersion())
                    .setConfVer(current.getEpochConfVersion()));
        }
        return RegionError.newBuilder().setEpochNotMatch(e).setMessage(why).build();
    }

    static RegionError keyNotInRegion(byte[] key, RegionMeta meta) {
        return RegionError.newBuilder().setKeyNotInRegion(KeyNotInRegion.newBuilder()
                        .setKey(ByteString.copyFrom(key)).setRegionId(meta.getId())
                        .setStartKey(meta.getStartKey()).setEndKey(meta.getEndKey()))
                .setMessage("key " + io.nokv.node.config.Keys.format(key) + " is not in region " + meta.getId())
                .build();
    }

    static RegionError serverIsBusy(String reason) {
        return RegionError.newBuilder().setServerIsBusy(ServerIsBusy.newBuilder().setReason(reason))
                .setMessage("server is busy: " + reason).build();
    }
}
