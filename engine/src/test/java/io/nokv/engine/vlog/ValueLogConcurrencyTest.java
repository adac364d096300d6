package io.nokv.engine.vlog;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.testkit.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Point readers and iterators keep reading correct values while writers overwrite and GC moves and deletes segments. */
class ValueLogConcurrencyTest {
    private static final int KEYS = 200;

    @TempDir
    Path dir;

    @Test
    void readersSeeWholeValuesWhileGcMovesThem() throws Exception {
        try (DB db = NoKV.open(VlogTestSupport.options(dir).vlogGcThreshold(0.3))) {
            for (int k = 0; k < KEYS; k++) {
                db.put(key(k), VlogTestSupport.value(k, 0, true));
            }
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            AtomicLong reads = new AtomicLong();
            AtomicLong deleted = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            threads.add(thread("writer", stop, failures, () -> {
                SplittableRandom r = new SplittableRandom(1);
                for (int round = 1; !stop.get(); round++) {
                    int k = r.nextInt(KEYS);
                    db.put(key(k), VlogTestSupport.value(k, round, r.nextInt(5) != 0));
                }
            }));
            threads.add(thread("gc", stop, failures, () -> {
                while (!stop.get()) {
                    deleted.addAndGet(db.runValueLogGc().segmentsDeleted());
                    if (deleted.get() % 3 == 0) {
                        db.compactRange(null, null);
                    }
                }
            }));
            threads.add(thread("getter", stop, failures, () -> {
                SplittableRandom r = new SplittableRandom(2);
                while (!stop.get()) {
                    int k = r.nextInt(KEYS);
                    check(k, db.get(key(k)), failures);
                    reads.incrementAndGet();
                }
            }));
            threads.add(thread("scanner", stop, failures, () -> {
                while (!stop.get()) {
                    try (DbIterator it = db.newIterator(new IteratorOptions())) {
                        int n = 0;
                        for (it.seekToFirst(); it.valid(); it.next()) {
                            check(Integer.parseInt(new String(it.key(), StandardCharsets.UTF_8).substring(3)), it.value(), failures);
                            n++;
                        }
                        if (n != KEYS) {
                            failures.add("scan saw " + n + " keys");
                        }
                    }
                    reads.incrementAndGet();
                }
            }));
            threads.forEach(Thread::start);
            try {
                Poll.until("GC to delete 5 segments under 1000 concurrent reads", Duration.ofSeconds(20),
                        () -> !failures.isEmpty() || (deleted.get() >= 5 && reads.get() >= 1000));
            } finally {
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertTrue(deleted.get() >= 5, "GC deleted only " + deleted.get() + " segments within 20 s");
        }
    }

    /** A value names its key and round and has the length that pair implies: a torn or misplaced read fails. */
    private static void check(int k, byte[] v, ConcurrentLinkedQueue<String> failures) {
        if (v == null) {
            failures.add("key " + k + " missing");
            return;
        }
        String s = new String(v, 0, Math.min(v.length, 16), StandardCharsets.UTF_8);
        if (!s.startsWith("k" + k + "r")) {
            failures.add("key " + k + " read " + VlogTestSupport.show(v));
            return;
        }
        int round = Integer.parseInt(s.substring(s.indexOf('r') + 1, s.indexOf(';')));
        if (!java.util.Arrays.equals(v, VlogTestSupport.value(k, round, true)) && !java.util.Arrays.equals(v, VlogTestSupport.value(k, round, false))) {
            failures.add("key " + k + " round " + round + " has wrong bytes");
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(String name, AtomicBoolean stop, ConcurrentLinkedQueue<String> failures, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(name + ": " + e);
                stop.set(true);
            }
        }, name);
        t.setDaemon(true);
        return t;
    }
}
