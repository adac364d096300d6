package io.nokv.node.kv;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nokv.node.TestPorts;
import io.nokv.node.kv.proto.Context;
import io.nokv.node.kv.proto.RegionEpoch;
import io.nokv.node.kv.proto.TinyKvGrpc;
import io.nokv.node.raft.RaftTestCluster;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@link RaftTestCluster} plus a TinyKv gRPC server per store and a channel to each. */
public final class KvTestCluster implements AutoCloseable {
    public final RaftTestCluster raft;
    public final Map<Long, Integer> kvPorts = new HashMap<>();
    public final Map<Long, KvServer> kvServers = new HashMap<>();
    public final Map<Long, ManagedChannel> channels = new HashMap<>();

    public KvTestCluster(Path root) throws Exception {
        raft = new RaftTestCluster(root, 10_000);
        for (long s : RaftTestCluster.STORES) {
            kvPorts.put(s, TestPorts.free());
            startKv(s);
        }
    }

    private void startKv(long s) throws Exception {
        kvServers.put(s, new KvServer("127.0.0.1", kvPorts.get(s), raft.servers.get(s), new KvMetrics(),
                new KvService.Limits(100, 1024, 5_000)).start());
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

    @Override
    public void close() throws Exception {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (long s : RaftTestCluster.STORES) {
            stopStore(s);
        }
    }
}
