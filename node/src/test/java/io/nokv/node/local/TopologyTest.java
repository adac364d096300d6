package io.nokv.node.local;

import io.nokv.node.config.AddressScope;
import io.nokv.node.config.ConfigException;
import io.nokv.node.config.HostPort;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopologyTest {
    @Test
    void theBundledExampleIsTheRepositorysExample() throws Exception {
        Path repoExample = Path.of(System.getProperty("nokv.root", "..")).resolve(Topology.EXAMPLE_NAME);
        Topology bundled = Topology.example(AddressScope.LOCAL);
        Topology file = Topology.load(repoExample, AddressScope.LOCAL);
        assertEquals(file.stores(), bundled.stores());
        assertEquals(file.regions(), bundled.regions());
        assertEquals("bundled raft_config.example.json", bundled.source());
    }

    @Test
    void storesRegionsAndTsoOfTheExample() {
        Topology t = Topology.example(AddressScope.LOCAL);
        assertEquals(List.of(1L, 2L, 3L), t.stores().stream().map(Topology.Store::id).toList());
        Topology.Store s1 = t.store(1);
        assertEquals("127.0.0.1:20170", s1.listen());
        assertEquals("127.0.0.1:20170", s1.addr());
        assertEquals(new HostPort("127.0.0.1", 20270), s1.raftAddr(), "no raft_addr: the client port + 100");
        assertEquals(2, t.regions().size());
        RegionMeta r1 = t.regions().get(0);
        assertArrayEquals(new byte[0], r1.startKey());
        assertArrayEquals("m".getBytes(), r1.endKey());
        assertEquals(List.of(new RegionPeer(1, 101), new RegionPeer(2, 201), new RegionPeer(3, 301)), r1.peers());
        assertEquals("127.0.0.1:9494", t.tsoListen().orElseThrow());
        assertEquals("http://127.0.0.1:9494", t.tsoUrl().orElseThrow());
        assertEquals(Map.of(1L, "127.0.0.1:20170", 2L, "127.0.0.1:20171", 3L, "127.0.0.1:20172"), t.clientAddrs());
    }

    @Test
    void remotePeersAreEveryPeerOnAnotherStoreAtThatStoresRaftAddress() {
        Topology t = Topology.example(AddressScope.LOCAL);
        assertEquals(Map.of(201L, new HostPort("127.0.0.1", 20271), 301L, new HostPort("127.0.0.1", 20272),
                202L, new HostPort("127.0.0.1", 20271), 302L, new HostPort("127.0.0.1", 20272)), t.remotePeers(1));
    }

    @Test
    void serveArgsAreWhatNokvServeNeedsForOneStore() {
        Topology t = Topology.example(AddressScope.LOCAL);
        List<String> args = t.serveArgs(2, Path.of("/data/store-2"));
        assertEquals(List.of("serve", "--workdir", "/data/store-2", "--store-id", "2", "--addr", "127.0.0.1:20171",
                "--raft-addr", "127.0.0.1:20271", "--peer", "101=127.0.0.1:20270", "--peer", "301=127.0.0.1:20272",
                "--peer", "102=127.0.0.1:20270", "--peer", "302=127.0.0.1:20272"), args);
    }

    @Test
    void dockerScopeUsesTheDockerAddresses() {
        Topology t = Topology.example(AddressScope.DOCKER);
        Topology.Store s1 = t.store(1);
        assertEquals("0.0.0.0:20160", s1.listen());
        assertEquals("nokv-node1:20160", s1.addr());
        assertEquals(new HostPort("nokv-node2", 20260), t.remotePeers(1).get(201L));
    }

    @Test
    void anUnknownStoreIsAnErrorNamingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Topology.example(AddressScope.LOCAL).store(7));
        assertTrue(e.getMessage().startsWith("store 7 is not in bundled raft_config.example.json (stores: 1, 2, 3)"), e.getMessage());
    }

    @Test
    void aBadConfigIsTheLoadersOneLineError(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.json");
        ConfigException e = assertThrows(ConfigException.class, () -> Topology.load(missing, AddressScope.LOCAL));
        assertEquals(missing + ": config file not found", e.getMessage());
        Path noRegions = Files.writeString(dir.resolve("c.json"),
                "{\"stores\":[{\"store_id\":1,\"addr\":\"127.0.0.1:1\"}],\"regions\":[]}");
        e = assertThrows(ConfigException.class, () -> Topology.load(noRegions, AddressScope.LOCAL));
        assertTrue(e.getMessage().contains("no regions"), e.getMessage());
    }

    @Test
    void withoutTsoListenAddressThereIsNoTso(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("c.json"), "{\"stores\":[{\"store_id\":1,\"addr\":\"127.0.0.1:1\"}],"
                + "\"regions\":[{\"id\":1,\"start_key\":\"\",\"end_key\":\"\",\"epoch\":{\"version\":1,\"conf_version\":1},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":11}]}]}");
        Topology t = Topology.load(f, AddressScope.LOCAL);
        assertTrue(t.tsoListen().isEmpty());
        assertTrue(t.tsoUrl().isEmpty());
        assertEquals(Map.of(), t.remotePeers(1));
    }
}
