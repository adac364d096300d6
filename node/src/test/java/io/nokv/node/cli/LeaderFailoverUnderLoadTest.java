package io.nokv.node.cli;

import io.nokv.testkit.Poll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Three {@code nokv serve} processes; 16 callers put into region 1 while its leader is killed with
 * SIGKILL. Every put a store acknowledged — before the kill, in flight during it, and after a new
 * leader took over — must be readable (linearizably) afterwards.
 */
class LeaderFailoverUnderLoadTest {

    @Test
    @Disabled("Known failover bug, open in the cluster-write-path issue: in some runs (every run after "
            + "ServeProcessTest with raw-write batching on, 1 of 2 fresh-clone builds with it off) region 1 "
            + "acknowledged no write for a minute after its leader was killed. docs/node.md, 'Batching is off by default'.")
    void everyAcknowledgedPutSurvivesALeaderKillUnderLoad(@TempDir Path dir) throws Exception {
        try (StoreProcesses c = new StoreProcesses(dir)) {
            c.startAll();
            long leader = ServeProcessTest.leaderOf(c, 1);

            Map<String, String> acked = new ConcurrentHashMap<>();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicLong ackedAfterKill = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> callers = new ArrayList<>();
            for (int w = 0; w < 16; w++) {
                String prefix = "f" + w + "-"; // "f…" < "m": region 1
                Thread t = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String key = prefix + i;
                        String value = "v" + i + "-" + key;
                        if (ServeProcessTest.tryPut(c, key, value)) {
                            acked.put(key, value);
                            if (killed.get()) {
                                ackedAfterKill.incrementAndGet();
                            }
                        }
                    }
                }, "put-caller-" + w);
                t.start();
                callers.add(t);
            }
            try {
                Poll.until("100 acknowledged puts before the kill", Duration.ofSeconds(60), () -> acked.size() >= 100);
                c.kill(leader);
                killed.set(true);
                Poll.until("100 puts acknowledged by a new leader of region 1", Duration.ofSeconds(60),
                        () -> ackedAfterKill.get() >= 100);
            } finally {
                stop.set(true);
                for (Thread t : callers) {
                    t.join();
                }
            }

            assertNotEquals(leader, ServeProcessTest.leaderOf(c, 1), "region 1 has a new leader");
            for (Map.Entry<String, String> e : acked.entrySet()) {
                assertEquals(e.getValue(), ServeProcessTest.get(c, e.getKey()), "acknowledged put of " + e.getKey());
            }
        }
    }
}
