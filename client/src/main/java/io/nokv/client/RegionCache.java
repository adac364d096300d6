package io.nokv.client;

import io.nokv.node.kv.proto.RegionEpoch;
import io.nokv.node.kv.proto.RegionPeer;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionProtos;
import io.nokv.node.region.RegionState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the client believes about the cluster: the regions ordered by start key, a leader guess per
 * region, and where each store listens. Every answer may be stale; the stores correct it through
 * region errors. Thread-safe (one monitor; lookups are a tree floor).
 */
final class RegionCache {
    /** A cached region and the store believed to lead it (0 = unknown). */
    record Region(RegionMeta meta, long leaderStoreId) {
        long id() {
            return meta.id();
        }

        byte[] startKey() {
            return meta.startKey();
        }

        byte[] endKey() {
            return meta.endKey();
        }

        boolean contains(byte[] key) {
            return meta.contains(key);
        }

        RegionEpoch epoch() {
            return RegionProtos.toProto(meta.epoch());
        }

        /** The store to try on attempt {@code n}: the leader when known, else the peers in turn. */
        long targetStore(int n) {
            if (leaderStoreId != 0) {
                return leaderStoreId;
            }
            List<io.nokv.node.region.RegionPeer> peers = meta.peers();
            return peers.isEmpty() ? 0 : peers.get(Math.floorMod(n, peers.size())).storeId();
        }

        RegionPeer peerOn(long storeId) {
            return meta.peerOnStore(storeId).map(RegionProtos::toProto)
                    .orElse(RegionPeer.newBuilder().setStoreId(storeId).build());
        }
    }

    private final NavigableMap<byte[], Region> byStart = new TreeMap<>(ByteKeys.ORDER);
    private final Map<Long, String> storeAddrs = new ConcurrentHashMap<>();

    void putStore(long storeId, String addr) {
        storeAddrs.put(storeId, addr);
    }

    String storeAddr(long storeId) {
        return storeAddrs.get(storeId);
    }

    Map<Long, String> stores() {
        return Map.copyOf(storeAddrs);
    }

    /** The region holding {@code key}, or null when the cache has a hole there. */
    synchronized Region locate(byte[] key) {
        Map.Entry<byte[], Region> e = byStart.floorEntry(key);
        return e != null && e.getValue().contains(key) ? e.getValue() : null;
    }

    synchronized Region byId(long regionId) {
        return byStart.values().stream().filter(r -> r.id() == regionId).findFirst().orElse(null);
    }

    synchronized List<Region> all() {
        return new ArrayList<>(byStart.values());
    }

    synchronized boolean isEmpty() {
        return byStart.isEmpty();
    }

    synchronized void setLeader(long regionId, long storeId) {
        Region r = byId(regionId);
        if (r != null && r.leaderStoreId() != storeId) {
            byStart.put(r.startKey(), new Region(r.meta(), storeId));
        }
    }

    /**
     * Installs {@code regions} (from EpochNotMatch or ListRegions): drops every cached region
     * overlapping one of them, keeping a leader guess when the new region still has that store.
     * {@code leaders} may give leaders by region id (0 or absent = keep the guess).
     */
    synchronized void install(List<RegionMeta> regions, Map<Long, Long> leaders) {
        for (RegionMeta m : regions) {
            if (m.state() != RegionState.RUNNING) {
                continue;
            }
            long leader = leaders.getOrDefault(m.id(), 0L);
            Region old = byId(m.id());
            if (old != null && old.meta().epoch().compareTo(m.epoch()) > 0) {
                if (leader != 0) {
                    setLeader(m.id(), leader);
                }
                continue; // never go back to an older epoch
            }
            if (leader == 0 && old != null && m.hasPeerOnStore(old.leaderStoreId())) {
                leader = old.leaderStoreId();
            }
            byte[] start = m.startKey();
            byte[] end = m.endKey();
            byStart.values().removeIf(r -> r.id() == m.id() || overlaps(r, start, end));
            byStart.put(start, new Region(m, leader));
        }
    }

    private static boolean overlaps(Region r, byte[] start, byte[] end) {
        byte[] rs = r.startKey();
        byte[] re = r.endKey();
        boolean rEndsAfterStart = re.length == 0 || ByteKeys.ORDER.compare(re, start) > 0;
        boolean endsAfterRStart = end.length == 0 || ByteKeys.ORDER.compare(end, rs) > 0;
        return rEndsAfterStart && endsAfterRStart;
    }
}
