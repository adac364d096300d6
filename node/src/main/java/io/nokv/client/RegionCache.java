package io.nokv.client;

import io.nokv.node.kv.proto.RegionEpoch;
import io.nokv.node.kv.proto.RegionMeta;
import io.nokv.node.kv.proto.RegionPeer;

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
            return meta.getId();
        }

        byte[] startKey() {
            return meta.getStartKey().toByteArray();
        }

        byte[] endKey() {
            return meta.getEndKey().toByteArray();
        }

        boolean contains(byte[] key) {
            return ByteKeys.inRange(key, startKey(), endKey());
        }

        RegionEpoch epoch() {
            return RegionEpoch.newBuilder().setVersion(meta.getEpochVersion()).setConfVer(meta.getEpochConfVersion()).build();
        }

        /** The store to try on attempt {@code n}: the leader when known, else the peers in turn. */
        long targetStore(int n) {
            if (leaderStoreId != 0) {
                return leaderStoreId;
            }
            List<RegionPeer> peers = meta.getPeersList();
            return peers.isEmpty() ? 0 : peers.get(Math.floorMod(n, peers.size())).getStoreId();
        }

        RegionPeer peerOn(long storeId) {
            return meta.getPeersList().stream().filter(p -> p.getStoreId() == storeId).findFirst()
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
            if (!"running".equalsIgnoreCase(m.getState()) && !m.getState().isEmpty()) {
                continue;
            }
            long leader = leaders.getOrDefault(m.getId(), 0L);
            Region old = byId(m.getId());
            if (old != null && (old.meta().getEpochVersion() > m.getEpochVersion()
                    || (old.meta().getEpochVersion() == m.getEpochVersion()
                    && old.meta().getEpochConfVersion() > m.getEpochConfVersion()))) {
                if (leader != 0) {
                    setLeader(m.getId(), leader);
                }
                continue; // never go back to an older epoch
            }
            if (leader == 0 && old != null && m.getPeersList().stream().anyMatch(p -> p.getStoreId() == old.leaderStoreId())) {
                leader = old.leaderStoreId();
            }
            byte[] start = m.getStartKey().toByteArray();
            byte[] end = m.getEndKey().toByteArray();
            byStart.values().removeIf(r -> r.id() == m.getId() || overlaps(r, start, end));
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
