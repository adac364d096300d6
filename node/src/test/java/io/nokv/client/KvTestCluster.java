package io.nokv.client;

import io.nokv.node.TestPorts;
import io.nokv.node.kv.KvMetrics;
import io.nokv.node.kv.KvServer;
import io.nokv.node.kv.KvService;
import io.nokv.node.raft.RaftTestCluster;
import io.nokv.tso.TimestampOracle;
import io.nokv.tso.TsoHttpServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three stores in this JVM (Raft + the TinyKv gRPC service on loopback ports), regions 1 = [-, "m")
 * and 2 = ["m", -), and a TSO: what the client talks to in unit tests.
 */
final class KvTestCluster implements AutoCloseable {
    final RaftTestCluster raft;
    final Map<Long, KvServer> kv = new LinkedHashMap<>();
    final Map<Long, String> kvAddrs = new LinkedHashMap<>();
    final TsoHttpServer tso;
    final String tsoUrl;

    KvTestCluster(Path root) throws Exception {
        raft = new RaftTestCluster(root, 1000);
        for (long s : RaftTestCluster.STORES) {
            int port = TestPorts.free();
            kv.put(s, new KvServer("127.0.0.1", port, raft.servers.get(s), new KvMetrics(), KvService.Limits.defaults()).start());
            kvAddrs.put(s, "127.0.0.1:" + port);
        }
        raft.awaitLeader(1);
        raft.awaitLeader(2);
        tso = TsoHttpServer.start(new InetSocketAddress("127.0.0.1", 0), new TimestampOracle(root.resolve("tso"), 100, 100_000));
        tsoUrl = "http://127.0.0.1:" + tso.localAddress().getPort();
    }

    List<String> addrs() {
        return new ArrayList<>(kvAddrs.values());
    }

    /** A raft_config.json for this cluster, with the given epoch conf_version and leader hints. */
    Path writeConfig(Path file, long confVersion, long leader1, long leader2) throws Exception {
        StringBuilder stores = new StringBuilder();
        for (long s : RaftTestCluster.STORES) {
            stores.append(stores.isEmpty() ? "" : ",").append("{\"store_id\":").append(s).append(",\"addr\":\"")
                    .append(kvAddrs.get(s)).append("\",\"raft_addr\":\"").append(raft.raftAddrs.get(s)).append("\"}");
        }
        String json = "{\"max_retries\":5,\"tso\":{\"listen_addr\":\"" + tsoUrl.substring(7) + "\",\"advertise_url\":\"" + tsoUrl
                + "\"},\"stores\":[" + stores + "],\"regions\":[" + region(1, "", "m", confVersion, leader1) + ","
                + region(2, "m", "", confVersion, leader2) + "]}";
        Files.writeString(file, json);
        return file;
    }

    private static String region(long id, String start, String end, long confVersion, long leader) {
        StringBuilder peers = new StringBuilder();
        for (long s : RaftTestCluster.STORES) {
            peers.append(peers.isEmpty() ? "" : ",").append("{\"store_id\":").append(s).append(",\"peer_id\":").append(s * 100 + id).append("}");
        }
        return "{\"id\":" + id + ",\"start_key\":\"" + start + "\",\"end_key\":\"" + end + "\",\"epoch\":{\"version\":1,\"conf_version\":"
                + confVersion + "},\"peers\":[" + peers + "],\"leader_store_id\":" + leader + "}";
    }

    @Override
    public void close() throws Exception {
        for (KvServer s : kv.values()) {
            s.close();
        }
        tso.close();
        raft.close();
    }
}
