package io.nokv.node.cli;

import io.nokv.testkit.TestPorts;
import io.nokv.node.region.RegionCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nokv serve} refusing bad input before it serves anything (in this JVM; the running cases are ServeProcessTest). */
class ServeCommandTest {

    @Test
    void malformedPeerIsAUsageError(@TempDir Path dir) {
        CliRun r = CliRun.nokv("serve", "--workdir", dir.toString(), "--store-id", "1", "--addr", TestPorts.addr(),
                "--peer", "201");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("invalid --peer value \"201\" (want PEER_ID=HOST:PORT)"), r.err());
        CliRun id = CliRun.nokv("serve", "--workdir", dir.toString(), "--store-id", "0", "--addr", TestPorts.addr());
        assertEquals(2, id.code(), id.err());
        assertTrue(id.err().contains("--store-id must be > 0"), id.err());
    }

    @Test
    void badAddressOrARegionPeerWithoutAddressFailsWithOneLine(@TempDir Path dir) {
        CliRun bad = CliRun.nokv("serve", "--workdir", dir.toString(), "--store-id", "1", "--addr", "localhost:http");
        assertEquals(1, bad.code(), bad.err());
        assertTrue(bad.err().startsWith("nokv serve: "), bad.err());

        Path store = dir.resolve("store-1");
        RegionCatalog.seed(store, StoreProcesses.region(1, "", ""));
        CliRun missing = CliRun.nokv("serve", "--workdir", store.toString(), "--store-id", "1", "--addr", TestPorts.addr(),
                "--raft-addr", TestPorts.addr());
        assertEquals(1, missing.code(), missing.err());
        assertTrue(missing.err().contains("no --peer address for peer 201 (store 2)"), missing.err());
        assertEquals(1, missing.err().lines().count(), missing.err());
    }
}
