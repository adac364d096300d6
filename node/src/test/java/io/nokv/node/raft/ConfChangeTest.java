package io.nokv.node.raft;

import io.nokv.testkit.Poll;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.nokv.node.raft.RegionRaftTest.raw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfChangeTest {

    @Test
    void addAndRemoveAStoresPeerPersistsTheNewMembershipEverywhere(@TempDir Path dir) throws Exception {
        try (RaftTestCluster c = new RaftTestCluster(dir, 10_000)) {
            assertTrue(c.rawPut(1, "before", "join").getOk());
            c.start(RaftTestCluster.SPARE);
            assertTrue(c.servers.get(RaftTestCluster.SPARE).machines().isEmpty(), "store 4 starts with no region");

            long leader = c.awaitLeader(1);
            RegionPeer p4 = new RegionPeer(4, 401);
            RegionMeta added = c.servers.get(leader).changePeer(1, p4, true, 20_000);
            assertEquals(4, added.peers().size());
            assertEquals(4, added.epoch().confVersion());

            // The new replica caught up (data written before it joined) and persisted the region.
            Poll.until("store 4 to hold the region's data", Duration.ofSeconds(20),
                    () -> "join".equals(raw(c.dbs.get(4L), "before")));
            assertTrue(c.rawPut(1, "after", "joined").getOk());
            Poll.until("store 4 to apply new writes", Duration.ofSeconds(20),
                    () -> "joined".equals(raw(c.dbs.get(4L), "after")));
            for (long s : new long[] {1, 2, 3, 4}) {
                Poll.until("store " + s + " to persist conf_version 4", Duration.ofSeconds(10),
                        () -> c.servers.get(s).directory().get(1).epoch().confVersion() == 4);
            }

            // Remove store 3's peer: the others persist the shrunk membership.
            leader = c.awaitLeader(1);
            if (leader == 3) {
                c.servers.get(3L).transferLeader(1, 1, 5_000);
                Poll.until("store 1 to lead", Duration.ofSeconds(10), () -> c.servers.get(1L).isLeader(1));
                leader = 1;
            }
            RegionPeer p3 = new RegionPeer(3, 301);
            RegionMeta removed = c.servers.get(leader).changePeer(1, p3, false, 20_000);
            assertEquals(3, removed.peers().size());
            assertEquals(5, removed.epoch().confVersion());
            for (long s : new long[] {1, 2, 4}) {
                Poll.until("store " + s + " to persist conf_version 5", Duration.ofSeconds(10),
                        () -> c.servers.get(s).directory().get(1).epoch().confVersion() == 5);
            }
            assertTrue(c.rawPut(1, "after", "removed").getOk());
            Poll.until("store 4 to apply writes after the removal", Duration.ofSeconds(20),
                    () -> "removed".equals(raw(c.dbs.get(4L), "after")));
        }
    }
}
