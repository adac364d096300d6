package io.nokv.node.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterConfigTest {
    static final Path EXAMPLE = Path.of(System.getProperty("nokv.root", "..")).resolve("raft_config.example.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void loadsTheExample() {
        ClusterConfig c = ClusterConfig.load(EXAMPLE);
        assertEquals(5, c.effectiveMaxRetries());
        assertEquals(3, c.stores().size());
        assertEquals(2, c.regions().size());
        StoreConfig s1 = c.store(1).orElseThrow();
        assertEquals("127.0.0.1:20170", s1.listenAddr(AddressScope.LOCAL));
        assertEquals("0.0.0.0:20160", s1.listenAddr(AddressScope.DOCKER));
        assertEquals("nokv-node1:20160", s1.addr(AddressScope.DOCKER));
        assertEquals("127.0.0.1:20270", s1.raftAddr(AddressScope.LOCAL).toString());
        assertEquals("nokv-node1:20260", s1.raftAddr(AddressScope.DOCKER).toString());
        assertEquals("0.0.0.0:20260", s1.raftListenAddr(AddressScope.DOCKER).toString());
        assertEquals("m", new String(c.region(1).orElseThrow().toMeta().endKey()));
    }

    @Test
    void addressFallbacksAndRaftOverride() throws IOException {
        ClusterConfig c = load(root -> {
            ObjectNode s = store(root, 0);
            s.remove("listen_addr");
            s.remove("docker_listen_addr");
            s.remove("docker_addr");
            s.put("raft_addr", "127.0.0.1:30001");
        });
        StoreConfig s1 = c.store(1).orElseThrow();
        assertEquals("127.0.0.1:20170", s1.listenAddr(AddressScope.LOCAL));
        assertEquals("127.0.0.1:20170", s1.listenAddr(AddressScope.DOCKER));
        assertEquals("127.0.0.1:20170", s1.addr(AddressScope.DOCKER));
        assertEquals("127.0.0.1:30001", s1.raftAddr(AddressScope.LOCAL).toString());
        assertEquals("127.0.0.1:30001", s1.raftListenAddr(AddressScope.LOCAL).toString());
    }

    @Test
    void regionOrderInTheFileDoesNotMatter() throws IOException {
        ClusterConfig c = load(root -> {
            ArrayNode regions = (ArrayNode) root.get("regions");
            regions.insert(0, regions.remove(1));
        });
        assertEquals(2L, c.regions().get(0).id());
    }

    @Test
    void hexKeysAreAccepted() throws IOException {
        load(root -> {
            region(root, 0).put("end_key", "hex:ff00");
            region(root, 1).put("start_key", "hex:FF00");
        });
    }

    // ---- one test per validation error --------------------------------------------------------

    @Test
    void missingFile() {
        assertError(ClusterConfig.class, () -> ClusterConfig.load(dir.resolve("nope.json")), "nope.json", "not found");
    }

    @Test
    void unreadableFile() {
        assertError(ClusterConfig.class, () -> ClusterConfig.load(dir), "not a regular file");
    }

    @Test
    void malformedJsonNamesLineAndColumn() throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\n  \"stores\": [\n    ,\n  ]\n}\n");
        assertError(null, () -> ClusterConfig.load(f), "bad.json", "line 3, column 5", "malformed JSON");
    }

    @Test
    void unknownTopLevelField() {
        assertConfigError(root -> root.put("colour", "blue"), "unknown field \"colour\"");
    }

    @Test
    void unknownStoreField() {
        assertConfigError(root -> store(root, 1).put("adress", "x"), "unknown field \"adress\"", "stores[1]");
    }

    @Test
    void duplicateJsonKey() throws IOException {
        Path f = dir.resolve("dup.json");
        Files.writeString(f, "{\"max_retries\": 1, \"max_retries\": 2}");
        assertError(null, () -> ClusterConfig.load(f), "max_retries", "line 1");
    }

    @Test
    void wrongTypeIsNotCoerced() {
        assertConfigError(root -> store(root, 0).put("store_id", "1"), "stores[0].store_id");
    }

    @Test
    void nullStoreEntry() {
        assertConfigError(root -> ((ArrayNode) root.get("stores")).addNull(), "stores[3] is null");
    }

    @Test
    void nullPeerEntry() {
        assertConfigError(root -> ((ArrayNode) region(root, 1).get("peers")).addNull(), "region 2", "peers[3]");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = dir.resolve("empty.json");
        Files.writeString(f, "");
        assertError(null, () -> ClusterConfig.load(f), "empty.json", "malformed JSON");
    }

    @Test
    void missingStoreId() {
        assertConfigError(root -> store(root, 2).remove("store_id"), "stores[2]", "store_id is missing");
    }

    @Test
    void missingAddr() {
        assertConfigError(root -> store(root, 1).remove("addr"), "stores[1]", "addr is missing");
    }

    @Test
    void duplicateStoreId() {
        assertConfigError(root -> store(root, 1).put("store_id", 1), "duplicate store_id 1");
    }

    @Test
    void duplicateRegionId() {
        assertConfigError(root -> region(root, 1).put("id", 1), "duplicate region id 1");
    }

    @Test
    void duplicatePeerId() {
        assertConfigError(root -> peer(root, 1, 0).put("peer_id", 101), "duplicate peer_id 101");
    }

    @Test
    void peerOnUnknownStore() {
        assertConfigError(root -> peer(root, 0, 2).put("store_id", 9), "unknown store 9");
    }

    @Test
    void twoPeersOnOneStore() {
        assertConfigError(root -> peer(root, 0, 2).put("store_id", 2), "region 1", "two peers on store 2");
    }

    @Test
    void emptyPeers() {
        assertConfigError(root -> ((ArrayNode) region(root, 0).get("peers")).removeAll(), "region 1", "peers is missing or empty");
    }

    @Test
    void missingEpoch() {
        assertConfigError(root -> region(root, 0).remove("epoch"), "region 1", "epoch is missing");
    }

    @Test
    void missingEpochField() {
        assertConfigError(root -> ((ObjectNode) region(root, 1).get("epoch")).remove("conf_version"), "region 2",
                "epoch.conf_version is missing");
    }

    @Test
    void leaderNotAPeer() throws IOException {
        assertConfigError(root -> {
            ((ArrayNode) region(root, 0).get("peers")).remove(2);
            region(root, 0).put("leader_store_id", 3);
        }, "region 1", "leader_store_id 3");
    }

    @Test
    void overlappingRegions() {
        assertConfigError(root -> region(root, 1).put("start_key", "k"), "regions 1 and 2 overlap");
    }

    @Test
    void twoUnboundedRegionsOverlap() {
        assertConfigError(root -> region(root, 0).put("end_key", ""), "overlap");
    }

    @Test
    void gapBetweenRegions() {
        assertConfigError(root -> region(root, 1).put("start_key", "n"), "[\"m\", \"n\") is in no region",
                "between regions 1 and 2");
    }

    @Test
    void gapBeforeFirstRegion() {
        assertConfigError(root -> region(root, 0).put("start_key", "a"), "[-inf, \"a\") is in no region");
    }

    @Test
    void gapAfterLastRegion() {
        assertConfigError(root -> region(root, 1).put("end_key", "z"), "[\"z\", +inf) is in no region");
    }

    @Test
    void invertedRange() {
        assertConfigError(root -> {
            region(root, 0).put("end_key", "m");
            region(root, 0).put("start_key", "q");
        }, "region 1", "start_key \"q\" is not before end_key \"m\"");
    }

    @Test
    void badHexKey() {
        assertConfigError(root -> region(root, 0).put("end_key", "hex:xyz"), "region 1", "end_key", "\"hex:xyz\"");
    }

    @Test
    void addressWithoutPort() {
        assertConfigError(root -> store(root, 0).put("listen_addr", "localhost"), "store 1", "listen_addr",
                "\"localhost\" is not host:port");
    }

    @Test
    void portOutOfRange() {
        assertConfigError(root -> store(root, 2).put("docker_addr", "nokv-node3:70000"), "store 3", "docker_addr",
                "outside 1..65535");
    }

    @Test
    void portZero() {
        assertConfigError(root -> store(root, 0).put("addr", "127.0.0.1:0"), "store 1", "addr", "outside 1..65535");
    }

    @Test
    void raftPortOverflows() {
        assertConfigError(root -> {
            store(root, 0).put("addr", "127.0.0.1:65500");
            store(root, 0).put("listen_addr", "127.0.0.1:65500");
        }, "store 1", "65600");
    }

    @Test
    void twoStoresOneAddress() {
        assertConfigError(root -> store(root, 1).put("addr", "127.0.0.1:20170"), "stores 1 and 2 both use", "127.0.0.1:20170");
    }

    @Test
    void clientAddressOnAnotherStoresRaftPort() {
        assertConfigError(root -> store(root, 1).put("addr", "127.0.0.1:20270"), "stores 1 and 2 both use", "127.0.0.1:20270");
    }

    @Test
    void badTsoListenAddress() {
        assertConfigError(root -> ((ObjectNode) root.get("tso")).put("listen_addr", "9494"), "tso.listen_addr", "\"9494\"");
    }

    @Test
    void badTsoUrl() {
        assertConfigError(root -> ((ObjectNode) root.get("tso")).put("advertise_url", "127.0.0.1:9494"), "tso.advertise_url");
    }

    @Test
    void negativeMaxRetries() {
        assertConfigError(root -> root.put("max_retries", -1), "max_retries");
    }

    // ---- helpers ----------------------------------------------------------------------------

    private ClusterConfig load(Consumer<ObjectNode> mutate) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
        mutate.accept(root);
        Path f = dir.resolve("config.json");
        Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return ClusterConfig.load(f);
    }

    private void assertConfigError(Consumer<ObjectNode> mutate, String... fragments) {
        assertError(null, () -> load(mutate), fragments);
    }

    interface Loader {
        Object load() throws Exception;
    }

    private static void assertError(Class<?> ignored, Loader loader, String... fragments) {
        ConfigException e = assertThrows(ConfigException.class, loader::load);
        String message = e.getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        for (String f : fragments) {
            assertTrue(message.contains(f), "expected \"" + f + "\" in: " + message);
        }
    }

    static ObjectNode store(ObjectNode root, int i) {
        return (ObjectNode) root.get("stores").get(i);
    }

    static ObjectNode region(ObjectNode root, int i) {
        return (ObjectNode) root.get("regions").get(i);
    }

    static ObjectNode peer(ObjectNode root, int region, int i) {
        return (ObjectNode) region(root, region).get("peers").get(i);
    }

    @Test
    void aDeviceOrAFifoIsRefusedWithoutReadingIt() throws Exception {
        ConfigException zero = assertThrows(ConfigException.class, () -> ClusterConfig.load(Path.of("/dev/zero")));
        assertTrue(zero.getMessage().contains("not a regular file"), zero.getMessage());
        Path fifo = dir.resolve("config.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        ConfigException e = assertThrows(ConfigException.class, () -> ClusterConfig.load(fifo));
        assertTrue(e.getMessage().contains(fifo.toString()) && e.getMessage().contains("FIFO"), e.getMessage());
    }
}
