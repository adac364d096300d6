package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nokv.node.config.Keys;
import io.nokv.node.kv.proto.Context;
import io.nokv.node.kv.proto.RegionEpoch;
import io.nokv.node.kv.proto.TinyKvGrpc;
import io.nokv.node.raft.RaftTestCluster;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.tso.TimestampOracle;
import io.nokv.tso.TsoHttpServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The in-JVM three-store cluster every KV and client test runs against: {@link RaftTestCluster}
 * (regions 1 = [-, "m") and 2 = ["m", -)) plus a TinyKv gRPC server per store (bound at port 0 on
 * loopback, the port kept across a restart of the store), a channel to each, and a TSO.
 */
public final class KvTestCluster implements AutoCloseable {
    public final RaftTestCluster raft;
    public final Map<Long, Integer> kvPorts = new LinkedHashMap<>();
    public final Map<Long, KvServer> kvServers = new LinkedHashMap<>();
    public final Map<Long, ManagedChannel> channels = new LinkedHashMap<>();
    public final TsoHttpServer tso;
    public final String tsoUrl;
    private final KvService.Limits limits;

    /** Small limits (100 keys a request) and snapshots every 10,000 entries: what the service tests probe. */
    public KvTestCluster(Path root) throws Exception {
        this(root, 10_000, new KvService.Limits(100, 1024, 5_000));
    }

    public KvTestCluster(Path root, long snapshotThreshold, KvService.Limits limits) throws Exception {
        this.limits = limits;
        raft = new RaftTestCluster(root, snapshotThreshold);
        for (long s : RaftTestCluster.STORES) {
            startKv(s);
        }
        raft.awaitLeader(1);
        raft.awaitLeader(2);
        tso = TsoHttpServer.start(new InetSocketAddress("127.0.0.1", 0), new TimestampOracle(root.resolve("tso"), 100, 100_000));
        tsoUrl = "http://127.0.0.1:" + tso.localAddress().getPort();
    }

    private void startKv(long s) throws Exception {
        KvServer server = new KvServer("127.0.0.1", kvPorts.getOrDefault(s, 0), raft.servers.get(s), new KvMetrics(), limits).start();
        kvServers.put(s, server);
        kvPorts.put(s, server.port());
        channels.computeIfAbsent(s, x -> NettyChannelBuilder.forAddress("127.0.0.1", kvPorts.get(x))
                .usePlaintext().maxInboundMessageSize(64 << 20).build());
    }

    public void stopStore(long s) throws Exception {
        KvServer k = kvServers.remove(s);
        if (k != null) {
            k.close();
        }
        raft.stop(s);
    }

    public void startStore(long s) throws Exception {
        raft.start(s);
        startKv(s);
    }

    /** The stores' KV addresses ({@code 127.0.0.1:port}), store 1 first. */
    public List<String> addrs() {
        List<String> out = new ArrayList<>();
        kvPorts.values().forEach(p -> out.add("127.0.0.1:" + p));
        return out;
    }

    public TinyKvGrpc.TinyKvBlockingStub stub(long store) {
        return TinyKvGrpc.newBlockingStub(channels.get(store)).withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    public TinyKvGrpc.TinyKvBlockingStub leader(long region) {
        return stub(raft.awaitLeader(region));
    }

    public static Context ctx(long region) {
        return Context.newBuilder().setRegionId(region)
                .setRegionEpoch(RegionEpoch.newBuilder().setVersion(1).setConfVer(3)).build();
    }

    public static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** A raft_config.json for this cluster (its regions), with the given epoch conf_version and leader hints. */
    public Path writeConfig(Path file, long confVersion, long leader1, long leader2) throws Exception {
        StringBuilder stores = new StringBuilder();
        for (long s : RaftTestCluster.STORES) {
            stores.append(stores.isEmpty() ? "" : ",").append("{\"store_id\":").append(s).append(",\"addr\":\"127.0.0.1:")
                    .append(kvPorts.get(s)).append("\",\"raft_addr\":\"").append(raft.raftAddrs.get(s)).append("\"}");
        }
        long[] leaders = {leader1, leader2};
        StringBuilder regions = new StringBuilder();
        for (int i = 0; i < RaftTestCluster.REGIONS.size(); i++) {
            regions.append(i == 0 ? "" : ",").append(regionJson(RaftTestCluster.REGIONS.get(i), confVersion, leaders[i]));
        }
        String json = "{\"max_retries\":5,\"tso\":{\"listen_addr\":\"" + tsoUrl.substring(7) + "\",\"advertise_url\":\"" + tsoUrl
                + "\"},\"stores\":[" + stores + "],\"regions\":[" + regions + "]}";
        Files.writeString(file, json);
        return file;
    }

    private static String regionJson(RegionMeta r, long confVersion, long leader) {
        StringBuilder peers = new StringBuilder();
        for (RegionPeer p : r.peers()) {
            peers.append(peers.isEmpty() ? "" : ",").append("{\"store_id\":").append(p.storeId())
                    .append(",\"peer_id\":").append(p.peerId()).append("}");
        }
        return "{\"id\":" + r.id() + ",\"start_key\":\"" + Keys.format(r.startKey()) + "\",\"end_key\":\"" + Keys.format(r.endKey())
                + "\",\"epoch\":{\"version\":" + r.epoch().version() + ",\"conf_version\":" + confVersion + "},\"peers\":[" + peers
                + "],\"leader_store_id\":" + leader + "}";
    }

    @Override
    public void close() throws Exception {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (long s : RaftTestCluster.STORES) {
            stopStore(s);
        }
        tso.close();
    }
}
