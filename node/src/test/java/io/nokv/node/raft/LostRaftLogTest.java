package io.nokv.node.raft;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.testkit.Poll;
import io.nokv.node.region.RegionCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store whose {@code raft/} directory is lost while its engine keeps the applied indexes: Ratis
 * would format an empty log and the engine would skip every new entry up to its old applied index,
 * acknowledging writes it never applies. The store must refuse to start instead, and the recovery
 * its message gives (wipe the replica, seed it, start it, move the leadership once) must bring the
 * data back from a peer.
 */
class LostRaftLogTest {

    @Test
    void aStoreThatLostItsRaftLogRefusesToStartAndRebuildsFromAPeerAfterAWipe(@TempDir Path dir) throws Exception {
        try (RaftTestCluster c = new RaftTestCluster(dir, 10_000)) {
            c.awaitLeader(1);
            for (int i = 0; i < 20; i++) {
                assertTrue(c.rawPut(1, "k" + i, "v" + i).getOk());
            }
            for (long s : RaftTestCluster.STORES) {
                Poll.until("store " + s + " to apply k19", Duration.ofSeconds(15),
                        () -> "v19".equals(RegionRaftTest.raw(c.dbs.get(s), "k19")));
            }
            c.stop(3);
            deleteTree(dir.resolve("store-3").resolve("raft"));

            Exception refused = assertThrows(Exception.class, () -> c.start(3));
            String message = messages(refused);
            assertTrue(message.contains("region 1") && message.contains("Raft log") && message.contains("Recovery"),
                    message);
            assertTrue(c.dbs.get(3L) == null, "the store did not start");

            // The procedure the message gives: move the store aside, seed it, start it.
            deleteTree(dir.resolve("store-3"));
            try (DB db = NoKV.open(Options.at(dir.resolve("store-3").resolve("db")))) {
                RegionDirectory catalog = new CatalogRegionDirectory(RegionCatalog.load(db));
                catalog.save(RaftTestCluster.region(1, "", "m"));
                catalog.save(RaftTestCluster.region(2, "m", ""));
            }
            c.start(3);
            long leader = c.awaitLeader(1);
            long other = leader == 1 ? 2 : 1;
            c.servers.get(leader).transferLeader(1, other, 10_000);
            assertTrue(c.rawPut(1, "after", "wipe").getOk());
            Poll.until("the wiped store to catch up", Duration.ofSeconds(30),
                    () -> Objects.equals("v0", RegionRaftTest.raw(c.dbs.get(3L), "k0"))
                            && Objects.equals("wipe", RegionRaftTest.raw(c.dbs.get(3L), "after")));
        }
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            b.append(x.getMessage()).append(" | ");
        }
        return b.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
