package io.nokv.node.raft;

import com.google.protobuf.ByteString;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.testkit.Poll;
import io.nokv.testkit.TestPorts;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.kv.proto.RawPutRequest;
import io.nokv.node.region.RegionEpoch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.node.region.RegionState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The test topology, defined here once — stores 1, 2, 3; regions 1 = [-, "m") and 2 = ["m", -)
 * with a peer on every store ({@link #peerId}), epoch {ver:1 conf:3} — and those three stores in
 * one JVM (separate engines and Ratis servers).
 */
public final class RaftTestCluster implements AutoCloseable {
    public static final long[] STORES = {1, 2, 3};
    /** The regions, in key order. */
    public static final List<RegionMeta> REGIONS = List.of(region(1, "", "m"), region(2, "m", ""));
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
            REGIONS.forEach(dir::save);
            db.close();
        }
        for (long s : STORES) {
            start(s);
        }
    }

    /** Store {@code s}'s peer of region {@code r}. */
    public static long peerId(long store, long region) {
        return store * 100 + region;
    }

    public static RegionMeta region(long id, String start, String end) {
        List<RegionPeer> peers = new ArrayList<>();
        for (long s : STORES) {
            peers.add(new RegionPeer(s, peerId(s, id)));
        }
        return new RegionMeta(id, start.getBytes(StandardCharsets.UTF_8),
                end.getBytes(StandardCharsets.UTF_8), new RegionEpoch(1, 3), peers, RegionState.RUNNING);
    }

    public Map<Long, String> peerMap(long self) {
        Map<Long, String> m = new HashMap<>();
        for (long s : raftAddrs.keySet()) {
            if (s != self) {
                for (RegionMeta r : REGIONS) {
                    m.put(peerId(s, r.id()), raftAddrs.get(s));
                }
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
