package io.nokv.node.local;

import io.nokv.node.config.AddressScope;
import io.nokv.node.config.ClusterConfig;
import io.nokv.node.config.ConfigException;
import io.nokv.node.config.HostPort;
import io.nokv.node.config.RegionConfig;
import io.nokv.node.config.StoreConfig;
import io.nokv.node.region.RegionMeta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@code raft_config.json} as the helpers need it, for one address scope: each store's addresses,
 * the regions a store is seeded with, every remote peer's Raft address, and the TSO. Read and
 * validated by the node's own loader ({@link ClusterConfig#load}), so a helper accepts exactly the
 * configs the binaries accept and reports the same one-line errors.
 */
public final class Topology {
    /** The example config, bundled in this jar so helpers work from a directory without a checkout. */
    public static final String EXAMPLE_NAME = "raft_config.example.json";

    /** A store's addresses in one scope: where it binds, where others reach it, the same for Raft. */
    public record Store(long id, String listen, String addr, HostPort raftListen, HostPort raftAddr) {
    }

    private final String source;
    private final AddressScope scope;
    private final ClusterConfig config;
    private final List<Store> stores;
    private final List<RegionMeta> regions;

    private Topology(String source, AddressScope scope, ClusterConfig config) {
        this.source = source;
        this.scope = scope;
        this.config = config;
        List<Store> s = new ArrayList<>();
        for (StoreConfig sc : config.stores()) {
            s.add(new Store(sc.id(), sc.listenAddr(scope), sc.addr(scope), sc.raftListenAddr(scope), sc.raftAddr(scope)));
        }
        this.stores = List.copyOf(s);
        this.regions = config.regions().stream().map(RegionConfig::toMeta).toList();
        if (stores.isEmpty()) {
            throw new ConfigException(source + ": no stores in the config");
        }
        if (regions.isEmpty()) {
            throw new ConfigException(source + ": no regions in the config");
        }
    }

    /** Reads and validates {@code file}; every problem is a {@link ConfigException} naming the file. */
    public static Topology load(Path file, AddressScope scope) {
        Path abs = file.toAbsolutePath().normalize();
        return new Topology(abs.toString(), scope, ClusterConfig.load(abs));
    }

    /**
     * {@code given} when not null; else {@code ./raft_config.example.json} when it exists; else the
     * example bundled in this jar (so {@code jbang run-local-cluster@nokv} works in an empty directory).
     */
    public static Topology loadOrExample(Path given, AddressScope scope) {
        if (given != null) {
            return load(given, scope);
        }
        Path local = Path.of(EXAMPLE_NAME);
        return Files.exists(local) ? load(local, scope) : example(scope);
    }

    /** The bundled copy of the repository's {@code raft_config.example.json}. */
    public static Topology example(AddressScope scope) {
        try (InputStream in = Topology.class.getResourceAsStream(EXAMPLE_NAME)) {
            if (in == null) {
                throw new IllegalStateException("the node jar has no bundled " + EXAMPLE_NAME + " (a broken build?)");
            }
            return new Topology("bundled " + EXAMPLE_NAME, scope, ClusterConfig.parse("bundled " + EXAMPLE_NAME, in.readAllBytes()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled " + EXAMPLE_NAME + ": " + e.getMessage(), e);
        }
    }

    /** Where the config came from: an absolute path, or "bundled raft_config.example.json". */
    public String source() {
        return source;
    }

    public AddressScope scope() {
        return scope;
    }

    public List<Store> stores() {
        return stores;
    }

    /** The regions every store is seeded with (state running). */
    public List<RegionMeta> regions() {
        return regions;
    }

    public Store store(long id) {
        return stores.stream().filter(s -> s.id() == id).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "store " + id + " is not in " + source + " (stores: "
                        + stores.stream().map(s -> Long.toString(s.id())).collect(Collectors.joining(", ")) + ")"));
    }

    /** Peer id → Raft address of its store, for every peer of every region on a store other than {@code self}. */
    public Map<Long, HostPort> remotePeers(long self) {
        Map<Long, HostPort> out = new LinkedHashMap<>();
        for (RegionMeta r : regions) {
            r.peers().stream().filter(p -> p.storeId() != self)
                    .forEach(p -> out.put(p.peerId(), store(p.storeId()).raftAddr()));
        }
        return out;
    }

    /** Store id → the address clients dial. */
    public Map<Long, String> clientAddrs() {
        Map<Long, String> out = new LinkedHashMap<>();
        stores.forEach(s -> out.put(s.id(), s.addr()));
        return out;
    }

    /**
     * The {@code nokv serve} arguments that run store {@code id} of this topology on {@code storeDir}:
     * its listen addresses and a {@code --peer PEER_ID=RAFT_ADDR} for every remote peer.
     */
    public List<String> serveArgs(long id, Path storeDir) {
        Store self = store(id);
        List<String> args = new ArrayList<>(List.of("serve", "--workdir", storeDir.toString(), "--store-id", Long.toString(id),
                "--addr", self.listen(), "--raft-addr", self.raftListen().toString()));
        remotePeers(id).forEach((peer, addr) -> {
            args.add("--peer");
            args.add(peer + "=" + addr);
        });
        return args;
    }

    /** Where the TSO binds; empty when the config has no {@code tso.listen_addr} (then no TSO is run). */
    public Optional<String> tsoListen() {
        return Optional.ofNullable(config.tso()).map(t -> blankToNull(t.listenAddr()));
    }

    /** The TSO's URL for clients: {@code advertise_url} (no trailing /), else {@code http://listen_addr}. */
    public Optional<String> tsoUrl() {
        if (config.tso() == null) {
            return Optional.empty();
        }
        String adv = blankToNull(config.tso().advertiseUrl());
        if (adv != null) {
            return Optional.of(adv.replaceAll("/+$", ""));
        }
        return tsoListen().map(l -> "http://" + l);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
