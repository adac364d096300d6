package io.nokv.node.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One {@code stores[]} entry. Fields are nullable as read; {@link ClusterConfig#load} guarantees
 * {@code store_id > 0}, a valid {@code addr}, and that every present address parses.
 */
public record StoreConfig(
        @JsonProperty("store_id") Long storeId,
        @JsonProperty("listen_addr") String listenAddr,
        @JsonProperty("addr") String addr,
        @JsonProperty("docker_listen_addr") String dockerListenAddr,
        @JsonProperty("docker_addr") String dockerAddr,
        @JsonProperty("raft_addr") String raftAddr) {

    /** Raft listens on its own port: unless {@code raft_addr} is given, the client port plus this. */
    public static final int RAFT_PORT_OFFSET = 100;

    public long id() {
        return storeId;
    }

    /** Where the store's KV service binds. Null only when nothing is configured (not after validation). */
    public String listenAddr(AddressScope scope) {
        return scope == AddressScope.LOCAL
                ? firstNonBlank(listenAddr, addr)
                : firstNonBlank(dockerListenAddr, listenAddr, addr);
    }

    /** Where clients and other stores reach the store's KV service. */
    public String addr(AddressScope scope) {
        return scope == AddressScope.LOCAL ? firstNonBlank(addr) : firstNonBlank(dockerAddr, addr);
    }

    /**
     * Where other stores reach this store's Raft server: locally {@code raft_addr}, else the host of
     * {@code addr} with port + 100; in docker, the host of the docker address with port + 100
     * ({@code raft_addr} is a local-scope override).
     */
    public HostPort raftAddr(AddressScope scope) {
        if (scope == AddressScope.LOCAL && !isBlank(raftAddr)) {
            return HostPort.parse("store " + storeId + " raft_addr", raftAddr);
        }
        return HostPort.parse("store " + storeId + " address", addr(scope))
                .offset("store " + storeId + " raft address", RAFT_PORT_OFFSET);
    }

    /** Where this store's Raft server binds: {@code raft_addr} locally, else the listen address with port + 100. */
    public HostPort raftListenAddr(AddressScope scope) {
        if (scope == AddressScope.LOCAL && !isBlank(raftAddr)) {
            return HostPort.parse("store " + storeId + " raft_addr", raftAddr);
        }
        return HostPort.parse("store " + storeId + " listen address", listenAddr(scope))
                .offset("store " + storeId + " raft listen address", RAFT_PORT_OFFSET);
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    static String firstNonBlank(String... values) {
        for (String v : values) {
            if (!isBlank(v)) {
                return v.trim();
            }
        }
        return null;
    }
}
