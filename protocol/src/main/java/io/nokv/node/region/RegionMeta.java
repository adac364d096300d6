package io.nokv.node.region;

import io.nokv.node.config.Keys;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A region: the key range {@code [startKey, endKey)} (empty = unbounded on that side), its epoch,
 * its replicas and this store's view of its state. Immutable; the byte arrays are copied in and out.
 * Persisted by {@link RegionCodec}.
 */
public record RegionMeta(long id, byte[] startKey, byte[] endKey, RegionEpoch epoch, List<RegionPeer> peers, RegionState state) {
    public RegionMeta {
        if (id <= 0) {
            throw new IllegalArgumentException("region id must be positive, got " + id);
        }
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(state, "state");
        startKey = startKey == null ? new byte[0] : startKey.clone();
        endKey = endKey == null ? new byte[0] : endKey.clone();
        peers = List.copyOf(peers);
        if (endKey.length > 0 && Arrays.compareUnsigned(startKey, endKey) >= 0) {
            throw new IllegalArgumentException("region " + id + ": start key is not before end key");
        }
        long distinctStores = peers.stream().mapToLong(RegionPeer::storeId).distinct().count();
        long distinctPeers = peers.stream().mapToLong(RegionPeer::peerId).distinct().count();
        if (distinctStores != peers.size() || distinctPeers != peers.size()) {
            throw new IllegalArgumentException("region " + id + ": peers must have distinct stores and peer ids: " + peers);
        }
    }

    @Override
    public byte[] startKey() {
        return startKey.clone();
    }

    @Override
    public byte[] endKey() {
        return endKey.clone();
    }

    /** True when {@code key} lies in {@code [startKey, endKey)} (unsigned byte order). */
    public boolean contains(byte[] key) {
        return Keys.inRange(key, startKey, endKey);
    }

    public RegionMeta withState(RegionState next) {
        return new RegionMeta(id, startKey, endKey, epoch, peers, next);
    }

    /** The same range and state with other peers and epoch (a membership change). */
    public RegionMeta withPeers(List<RegionPeer> nextPeers, RegionEpoch nextEpoch) {
        return new RegionMeta(id, startKey, endKey, nextEpoch, nextPeers, state);
    }

    /** This store's peer of the region, if the store hosts one. */
    public Optional<RegionPeer> peerOnStore(long storeId) {
        return peers.stream().filter(p -> p.storeId() == storeId).findFirst();
    }

    public boolean hasPeerOnStore(long storeId) {
        return peerOnStore(storeId).isPresent();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RegionMeta m && id == m.id && Arrays.equals(startKey, m.startKey)
                && Arrays.equals(endKey, m.endKey) && epoch.equals(m.epoch) && peers.equals(m.peers) && state == m.state;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(startKey), Arrays.hashCode(endKey), epoch, peers, state);
    }

    @Override
    public String toString() {
        return "RegionMeta[id=" + id + ", range=[" + Arrays.toString(startKey) + ", " + Arrays.toString(endKey) + "), epoch="
                + epoch + ", peers=" + peers + ", state=" + state + "]";
    }
}
