package io.nokv.engine.hotkeys;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.StatsSnapshot.HotKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HotKeyTrackerTest {
    private static final long NEVER = Long.MAX_VALUE / 4;

    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> names(List<HotKey> top) {
        return top.stream().map(k -> k.cf().displayName() + "/" + new String(k.key(), StandardCharsets.UTF_8)).toList();
    }

    /** 30% of ops on 3 hot keys, the rest spread over 100k cold ones. */
    private static void skewed(HotKeyTracker t, Random rnd, int ops, String... hot) {
        for (int i = 0; i < ops; i++) {
            if (rnd.nextInt(10) < 3) {
                t.record(ColumnFamily.DEFAULT, key(hot[rnd.nextInt(hot.length)]));
            } else {
                t.record(ColumnFamily.DEFAULT, key("cold-" + rnd.nextInt(100_000)));
            }
        }
    }

    @Test
    void skewedWorkloadSurfacesTheHotKeysFirst() {
        HotKeyTracker t = new HotKeyTracker(8, 5, 1L << 16, NEVER, System::nanoTime);
        skewed(t, new Random(1), 400_000, "hot-a", "hot-b", "hot-c");
        List<HotKey> top = t.top();
        assertEquals(5, top.size());
        assertEquals(List.of("default/hot-a", "default/hot-b", "default/hot-c"),
                names(top.subList(0, 3)).stream().sorted().toList(), names(top).toString());
        // each hot key took ~10% of 400k ops; the estimate is sampled (1 in 8) and may have been halved once
        for (HotKey k : top.subList(0, 3)) {
            assertTrue(k.count() > 10_000 && k.count() < 60_000, k.toString());
        }
        assertTrue(top.get(3).count() < top.get(2).count() / 10, names(top).toString());
    }

    @Test
    void columnFamiliesAreDistinctKeys() {
        HotKeyTracker t = new HotKeyTracker(1, 4, NEVER, NEVER, System::nanoTime);
        for (int i = 0; i < 100; i++) {
            t.record(ColumnFamily.WRITE, key("k"));
        }
        for (int i = 0; i < 10; i++) {
            t.record(ColumnFamily.LOCK, key("k"));
        }
        t.record(ColumnFamily.DEFAULT, key("once")); // one sample is noise, not heat
        List<HotKey> top = t.top();
        assertEquals(List.of("write/k", "lock/k"), names(top));
        assertEquals(100, top.get(0).count());
        assertEquals(10, top.get(1).count());
    }

    @Test
    void decayLetsAFormerlyHotKeyDropOut() {
        HotKeyTracker t = new HotKeyTracker(1, 3, 20_000, NEVER, System::nanoTime);
        Random rnd = new Random(2);
        skewed(t, rnd, 100_000, "old-hot");
        assertEquals("default/old-hot", names(t.top()).get(0));
        skewed(t, rnd, 300_000, "new-hot");
        List<String> top = names(t.top());
        assertEquals("default/new-hot", top.get(0));
        assertFalse(top.contains("default/old-hot"), top.toString());
    }

    @Test
    void timeBasedDecayAppliesWithLittleTraffic() {
        AtomicLong clock = new AtomicLong();
        HotKeyTracker t = new HotKeyTracker(1, 3, NEVER, 1_000, clock::get);
        for (int i = 0; i < 8; i++) {
            t.record(ColumnFamily.DEFAULT, key("a"));
        }
        assertEquals(8, t.top().get(0).count());
        for (int halvings = 0; halvings < 5; halvings++) {
            clock.addAndGet(1_000);
            for (int i = 0; i < 256; i++) { // the clock is consulted every 256 samples
                t.record(ColumnFamily.DEFAULT, key("b" + i));
            }
        }
        assertFalse(names(t.top()).contains("default/a"), names(t.top()).toString());
    }

    @Test
    void memoryStaysBoundedUnderManyDistinctKeys() {
        HotKeyTracker t = new HotKeyTracker(1, 16, 1L << 16, NEVER, System::nanoTime);
        long before = t.memoryBytes();
        for (int i = 0; i < 500_000; i++) {
            t.record(ColumnFamily.DEFAULT, key("distinct-key-" + i));
        }
        assertTrue(t.trackedKeys() <= 32, "tracked " + t.trackedKeys());
        assertTrue(t.top().size() <= 16);
        long after = t.memoryBytes();
        assertTrue(after - before <= 32 * 64, before + " -> " + after);
        assertTrue(after < 100_000, "sketch and table stay small: " + after);
    }
}
