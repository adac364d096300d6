package io.nokv.node.raft;

import com.google.protobuf.ByteString;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.node.Poll;
import io.nokv.node.TestPorts;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.kv.proto.RegionMeta;
import io.nokv.node.kv.proto.RegionPeer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Three stores in one JVM (separate engines and Ratis servers), regions 1 = [-, "m") and 2 = ["m", -). */
public final class RaftTestCluster implements AutoCloseable {
    public static final long[] STORES = {1, 2, 3};
    /** A store in no region at first (conf-change tests add it); every store knows its address. */
    public static final long SPARE = 4;

    public final Path root;
    public final long snapshotThreshold;
    public final Map<Long, String> raftAddrs = new HashMap<>();
    public final Map<Long, DB> dbs = new HashMap<>();
    public final Map<Long, StoreRaftServer> servers = new HashMap<>();

    public RaftTestCluster(Path root, long snapshotThreshold) throws Exception {
        this.root = root;
        this.snapshotThreshold = snapshotThreshold;
        for (long s : STORES) {
            raftAddrs.put(s, TestPorts.addr());
        }
        raftAddrs.put(SPARE, TestPorts.addr());
        for (long s : STORES) {
            DB db = openDb(s);
            RegionDirectory dir = new CatalogRegionDirectory(io.nokv.node.region.RegionCatalog.load(db));
            dir.save(region(1, "", "m"));
            dir.save(region(2, "m", ""));
            db.close();
        }
        for (long s : STORES) {
            start(s);
        }
    }

    public static RegionMeta region(long id, String start, String end) {
        RegionMeta.Builder b = RegionMeta.newBuilder().setId(id).setStartKey(ByteString.copyFromUtf8(start))
                .setEndKey(ByteString.copyFromUtf8(end)).setEpochVersion(1).setEpochConfVersion(3).setState("running");
        for (long s : STORES) {
            b.addPeers(RegionPeer.newBuilder().setStoreId(s).setPeerId(s * 100 + id));
        }
        return b.build();
    }

    public Map<Long, String> peerMap(long self) {
        Map<Long, String> m = new HashMap<>();
        for (long s : raftAddrs.keySet()) {
            if (s != self) {
                m.put(s * 100 + 1, raftAddrs.get(s));
                m.put(s * 100 + 2, raftAddrs.get(s));
            }
        }
        return m;
    }

    private DB openDb(long s) {
        return NoKV.open(Options.at(root.resolve("store-" + s).resolve("db")).keepVersionsUntilSafePoint(true));
    }

    public void start(long s) throws Exception {
        DB db = openDb(s);
        StoreRaftServer srv = new StoreRaftServer(new StoreRaftServer.Config(s, raftAddrs.get(s),
                root.resolve("store-" + s).resolve("raft"), peerMap(s), snapshotThreshold, 5_000, 8 * 1024),
                db, new CatalogRegionDirectory(io.nokv.node.region.RegionCatalog.load(db)));
        try {
            srv.start();
        } catch (Exception e) {
            db.close();
            throw e;
        }
        dbs.put(s, db);
        servers.put(s, srv);
    }

    public void stop(long s) throws Exception {
        StoreRaftServer srv = servers.remove(s);
        if (srv != null) {
            srv.close();
        }
        DB db = dbs.remove(s);
        if (db != null) {
            db.close();
        }
    }

    public long awaitLeader(long regionId) {
        long[] found = {-1};
        Poll.until("a leader of region " + regionId, Duration.ofSeconds(20), () -> {
            for (var e : servers.entrySet()) {
                if (e.getValue().isLeader(regionId)) {
                    found[0] = e.getKey();
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    public RaftCommandResult rawPut(long regionId, String key, String value) throws Exception {
        long leader = awaitLeader(regionId);
        RaftCommand cmd = RaftCommand.newBuilder().setRegionId(regionId)
                .setRawPut(RawPutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFromUtf8(value)))
                .build();
        return servers.get(leader).propose(cmd).get(10, TimeUnit.SECONDS);
    }

    public List<Long> running() {
        return List.copyOf(servers.keySet());
    }

    @Override
    public void close() throws Exception {
        for (long s : List.copyOf(servers.keySet())) {
            stop(s);
        }
    }
}
