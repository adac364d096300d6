package io.nokv.node.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The checks {@link ClusterConfig#load} runs; each failure is one line naming the entry and field. */
final class ConfigValidator {
    private ConfigValidator() {
    }

    static void validate(ClusterConfig config) {
        if (config.maxRetries() != null && config.maxRetries() < 0) {
            throw new ConfigException("max_retries must not be negative, got " + config.maxRetries());
        }
        if (config.tso() != null) {
            validateTso(config.tso());
        }
        Set<Long> storeIds = validateStores(config.stores());
        validateRegions(config.regions(), storeIds);
    }

    private static void validateTso(TsoConfig tso) {
        if (StoreConfig.isBlank(tso.listenAddr())) {
            throw new ConfigException("tso.listen_addr is missing");
        }
        HostPort.parse("tso.listen_addr", tso.listenAddr());
        if (!StoreConfig.isBlank(tso.advertiseUrl())) {
            String url = tso.advertiseUrl();
            try {
                URI uri = new URI(url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException("tso.advertise_url \"" + url + "\" is not an http(s)://host:port URL");
                }
            } catch (URISyntaxException e) {
                throw new ConfigException("tso.advertise_url \"" + url + "\" is not a URL: " + e.getReason());
            }
        }
    }

    private static Set<Long> validateStores(List<StoreConfig> stores) {
        Set<Long> ids = new HashSet<>();
        Map<String, Long> advertised = new HashMap<>();
        for (int i = 0; i < stores.size(); i++) {
            StoreConfig s = stores.get(i);
            String at = "stores[" + i + "]";
            if (s == null) {
                throw new ConfigException(at + " is null");
            }
            if (s.storeId() == null) {
                throw new ConfigException(at + ": store_id is missing");
            }
            if (s.storeId() <= 0) {
                throw new ConfigException(at + ": store_id must be positive, got " + s.storeId());
            }
            at = at + " (store " + s.storeId() + ")";
            if (!ids.add(s.storeId())) {
                throw new ConfigException(at + ": duplicate store_id " + s.storeId());
            }
            if (StoreConfig.isBlank(s.addr())) {
                throw new ConfigException(at + ": addr is missing");
            }
            checkAddress(at + " listen_addr", s.listenAddr());
            checkAddress(at + " addr", s.addr());
            checkAddress(at + " docker_listen_addr", s.dockerListenAddr());
            checkAddress(at + " docker_addr", s.dockerAddr());
            checkAddress(at + " raft_addr", s.raftAddr());
            for (AddressScope scope : AddressScope.values()) {
                String scopeName = scope.name().toLowerCase();
                s.raftListenAddr(scope);
                claim(advertised, scopeName + " address " + s.addr(scope), s.storeId());
                claim(advertised, scopeName + " address " + s.raftAddr(scope), s.storeId());
            }
        }
        return ids;
    }

    /** Two stores advertising one address would receive each other's traffic. */
    private static void claim(Map<String, Long> taken, String address, long storeId) {
        Long previous = taken.putIfAbsent(address, storeId);
        if (previous != null && previous != storeId) {
            throw new ConfigException("stores " + previous + " and " + storeId + " both use " + address
                    + " (client and raft addresses must be distinct)");
        }
        if (previous != null) {
            throw new ConfigException("store " + storeId + " uses " + address + " for both its client and raft address");
        }
    }

    private static void checkAddress(String what, String value) {
        if (!StoreConfig.isBlank(value)) {
            HostPort.parse(what, value.trim());
        }
    }

    private record Range(long id, byte[] start, byte[] end) {
    }

    private static void validateRegions(List<RegionConfig> regions, Set<Long> storeIds) {
        Set<Long> ids = new HashSet<>();
        Set<Long> peerIds = new HashSet<>();
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) {
            RegionConfig r = regions.get(i);
            String at = "regions[" + i + "]";
            if (r == null) {
                throw new ConfigException(at + " is null");
            }
            if (r.id() == null) {
                throw new ConfigException(at + ": id is missing");
            }
            if (r.id() <= 0) {
                throw new ConfigException(at + ": id must be positive, got " + r.id());
            }
            at = at + " (region " + r.id() + ")";
            if (!ids.add(r.id())) {
                throw new ConfigException(at + ": duplicate region id " + r.id());
            }
            validateEpoch(at, r.epoch());
            validatePeers(at, r, storeIds, peerIds);
            byte[] start = decodeKey(at, "start_key", r.startKey());
            byte[] end = decodeKey(at, "end_key", r.endKey());
            if (end.length > 0 && Arrays.compareUnsigned(start, end) >= 0) {
                throw new ConfigException(at + ": start_key \"" + Keys.format(start) + "\" is not before end_key \""
                        + Keys.format(end) + "\"");
            }
            ranges.add(new Range(r.id(), start, end));
        }
        checkTiling(ranges);
    }

    private static void validateEpoch(String at, RegionConfig.Epoch epoch) {
        if (epoch == null) {
            throw new ConfigException(at + ": epoch is missing");
        }
        if (epoch.version() == null || epoch.confVersion() == null) {
            throw new ConfigException(at + ": epoch." + (epoch.version() == null ? "version" : "conf_version") + " is missing");
        }
        if (epoch.version() < 0 || epoch.confVersion() < 0) {
            throw new ConfigException(at + ": epoch values must not be negative");
        }
    }

    private static void validatePeers(String at, RegionConfig r, Set<Long> storeIds, Set<Long> peerIds) {
        if (r.peers() == null || r.peers().isEmpty()) {
            throw new ConfigException(at + ": peers is missing or empty");
        }
        Set<Long> stores = new HashSet<>();
        for (int j = 0; j < r.peers().size(); j++) {
            RegionConfig.Peer p = r.peers().get(j);
            String pat = at + " peers[" + j + "]";
            if (p == null || p.storeId() == null || p.peerId() == null) {
                throw new ConfigException(pat + ": store_id and peer_id are required");
            }
            if (p.storeId() <= 0 || p.peerId() <= 0) {
                throw new ConfigException(pat + ": store_id and peer_id must be positive");
            }
            if (!storeIds.contains(p.storeId())) {
                throw new ConfigException(pat + ": unknown store " + p.storeId() + " (not in stores)");
            }
            if (!stores.add(p.storeId())) {
                throw new ConfigException(at + ": two peers on store " + p.storeId());
            }
            if (!peerIds.add(p.peerId())) {
                throw new ConfigException(pat + ": duplicate peer_id " + p.peerId() + " (peer ids are unique cluster-wide)");
            }
        }
        if (r.leaderStoreId() != null && !stores.contains(r.leaderStoreId())) {
            throw new ConfigException(at + ": leader_store_id " + r.leaderStoreId() + " is not a store of its peers");
        }
    }

    private static byte[] decodeKey(String at, String field, String text) {
        try {
            return Keys.decode(text);
        } catch (ConfigException e) {
            throw new ConfigException(at + " " + field + ": " + e.getMessage());
        }
    }

    /** Sorted by start key, regions must cover the whole key space exactly: no overlap, no gap. */
    private static void checkTiling(List<Range> ranges) {
        if (ranges.isEmpty()) {
            return;
        }
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(Range::start, Arrays::compareUnsigned));
        Range first = sorted.get(0);
        if (first.start().length > 0) {
            throw new ConfigException("key range [-inf, \"" + Keys.format(first.start()) + "\") is in no region (gap before region "
                    + first.id() + "; regions must cover the whole key space)");
        }
        for (int i = 1; i < sorted.size(); i++) {
            Range prev = sorted.get(i - 1);
            Range next = sorted.get(i);
            int cmp = prev.end().length == 0 ? 1 : Arrays.compareUnsigned(prev.end(), next.start());
            if (cmp > 0) {
                throw new ConfigException("regions " + prev.id() + " and " + next.id() + " overlap ("
                        + describe(prev) + " and " + describe(next) + ")");
            }
            if (cmp < 0) {
                throw new ConfigException("key range [\"" + Keys.format(prev.end()) + "\", \"" + Keys.format(next.start())
                        + "\") is in no region (gap between regions " + prev.id() + " and " + next.id() + ")");
            }
        }
        Range last = sorted.get(sorted.size() - 1);
        if (last.end().length > 0) {
            throw new ConfigException("key range [\"" + Keys.format(last.end()) + "\", +inf) is in no region (gap after region "
                    + last.id() + "; regions must cover the whole key space)");
        }
    }

    private static String describe(Range r) {
        return "[" + (r.start().length == 0 ? "-inf" : "\"" + Keys.format(r.start()) + "\"") + ", "
                + (r.end().length == 0 ? "+inf" : "\"" + Keys.format(r.end()) + "\"") + ")";
    }
}
