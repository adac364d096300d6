package io.nokv.node.local;

import io.nokv.testkit.TestPorts;
import io.nokv.node.config.AddressScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The probe's answers when nothing is up. (A cluster that is up: LocalClusterIT, where
 * run-local-cluster waits on the probe before it prints "Cluster running".)
 */
class ClusterProbeTest {
    @Test
    void nothingListeningMeansEveryStoreEveryRegionAndTheTsoAreReported(@TempDir Path dir) throws Exception {
        int s1 = TestPorts.free();
        int s2 = TestPorts.free();
        int tso = TestPorts.free();
        Path f = Files.writeString(dir.resolve("c.json"), "{\"tso\":{\"listen_addr\":\"0.0.0.0:" + tso + "\"},\"stores\":["
                + "{\"store_id\":1,\"addr\":\"127.0.0.1:" + s1 + "\"},{\"store_id\":2,\"addr\":\"127.0.0.1:" + s2 + "\"}],"
                + "\"regions\":[{\"id\":7,\"start_key\":\"\",\"end_key\":\"\",\"epoch\":{\"version\":1,\"conf_version\":2},"
                + "\"peers\":[{\"store_id\":1,\"peer_id\":11},{\"store_id\":2,\"peer_id\":21}]}]}");
        Topology t = Topology.load(f, AddressScope.LOCAL);
        assertEquals("http://127.0.0.1:" + tso + "/healthz", ClusterProbe.healthUrl(t).toString(), "a wildcard listen address is probed on loopback");
        assertEquals(List.of("the TSO does not answer at http://0.0.0.0:" + tso,
                "store 1 (127.0.0.1:" + s1 + ") does not answer",
                "store 2 (127.0.0.1:" + s2 + ") does not answer",
                "region 7 has no leader"), ClusterProbe.notReady(t));
        assertEquals(Map.of(), ClusterProbe.leaders(t));
    }
}
