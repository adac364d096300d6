package io.nokv.node.raft;

import com.google.protobuf.ByteString;
import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.VersionedValue;
import io.nokv.testkit.Poll;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RawDeleteRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegionRaftTest {

    static String raw(DB db, String key) {
        VersionedValue v = db.getVersioned(ColumnFamily.DEFAULT, key.getBytes(StandardCharsets.UTF_8), Long.MAX_VALUE - 1);
        return v == null ? null : new String(v.value(), StandardCharsets.UTF_8);
    }

    static long engineApplied(DB db, long regionId) {
        VersionedValue v = db.getVersioned(ColumnFamily.DEFAULT, ReservedKeys.appliedKey(regionId), Long.MAX_VALUE - 1);
        return v == null ? -1 : ReservedKeys.decodeTermIndex(v.value())[1];
    }

    void awaitEverywhere(RaftTestCluster c, String key, String value) {
        for (long s : c.running()) {
            Poll.until("store " + s + " to have " + key + "=" + value, Duration.ofSeconds(15),
                    () -> java.util.Objects.equals(value, raw(c.dbs.get(s), key)));
        }
    }

    @Test
    void replicatesInTwoRegionsAndSurvivesRestartWithoutDoubleApply(@TempDir Path dir) throws Exception {
        try (RaftTestCluster c = new RaftTestCluster(dir, 10_000)) {
            c.awaitLeader(1);
            c.awaitLeader(2);
            assertTrue(c.rawPut(1, "apple", "red").getOk());
            assertTrue(c.rawPut(2, "pear", "green").getOk());
            awaitEverywhere(c, "apple", "red");
            awaitEverywhere(c, "pear", "green");
            for (long s : RaftTestCluster.STORES) {
                assertTrue(engineApplied(c.dbs.get(s), 1) > 0, "applied index of region 1 is in the engine");
            }

            // Restart every store: nothing lost, nothing applied twice.
            long applied1 = c.servers.get(1L).machine(1).appliedIndex();
            for (long s : RaftTestCluster.STORES) {
                c.stop(s);
            }
            for (long s : RaftTestCluster.STORES) {
                c.start(s);
                assertTrue(c.servers.get(s).recovered(), "second start RECOVERs");
            }
            for (long s : RaftTestCluster.STORES) {
                assertEquals("red", raw(c.dbs.get(s), "apple"));
                assertEquals("green", raw(c.dbs.get(s), "pear"));
                assertTrue(c.servers.get(s).machine(1).appliedIndex() >= applied1 - 1);
            }
            c.awaitLeader(1);
            assertTrue(c.rawPut(1, "apple", "yellow").getOk());
            awaitEverywhere(c, "apple", "yellow");
            for (long s : RaftTestCluster.STORES) {
                // Entries replayed from the log after the restart were skipped, not applied again.
                assertTrue(c.servers.get(s).machine(1).appliedCommands() <= 1,
                        "store " + s + " applied " + c.servers.get(s).machine(1).appliedCommands() + " commands after restart");
            }
        }
    }

    /** Big enough that 80 entries fill several 8 KiB log segments (Ratis purges closed segments only). */
    static String val(int i) {
        return "v" + i + "-".repeat(400);
    }

    @Test
    void followerBehindPurgedLogCatchesUpFromSnapshotWithData(@TempDir Path dir) throws Exception {
        try (RaftTestCluster c = new RaftTestCluster(dir, 20)) {
            long leader = c.awaitLeader(1);
            long lagging = leader == 3 ? 2 : 3;
            assertTrue(c.rawPut(1, "doomed", "x").getOk());
            awaitEverywhere(c, "doomed", "x");
            long laggingIndex = c.servers.get(lagging).machine(1).appliedIndex();
            c.stop(lagging);
            for (int i = 0; i < 60; i++) {
                assertTrue(c.rawPut(1, String.format("k%03d", i), val(i)).getOk());
            }
            long l = c.awaitLeader(1);
            c.servers.get(l).propose(RaftCommand.newBuilder().setRegionId(1)
                    .setRawDelete(RawDeleteRequest.newBuilder().setKey(ByteString.copyFromUtf8("doomed"))).build())
                    .get(10, TimeUnit.SECONDS);
            for (int i = 60; i < 80; i++) {
                assertTrue(c.rawPut(1, String.format("k%03d", i), val(i)).getOk());
            }
            // The log was purged past what the stopped follower has: only a snapshot can bring it up.
            Poll.until("every live replica's log to be purged past the stopped follower", Duration.ofSeconds(20),
                    () -> c.running().stream().allMatch(s -> c.servers.get(s).logStartIndex(1) > laggingIndex + 1));
            Path snapDir = dir.resolve("store-" + l).resolve("raft");
            assertTrue(Files.walk(snapDir).anyMatch(p -> p.getFileName().toString().startsWith("snapshot.")));

            c.start(lagging);
            DB db = c.dbs.get(lagging);
            Poll.until("the lagging store to catch up", Duration.ofSeconds(30),
                    () -> val(79).equals(raw(db, "k079")));
            for (int i = 0; i < 80; i++) {
                assertEquals(val(i), raw(db, String.format("k%03d", i)));
            }
            assertNull(raw(db, "doomed"), "a deleted key must not come back through the snapshot");
            assertNotNull(c.servers.get(lagging).machine(1).meta());
            assertTrue(engineApplied(db, 1) >= 80);
        }
    }
}
