package io.nokv.engine.txn;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.nokv.engine.txn.TransactionIsolationTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionDurabilityTest {
    @TempDir
    Path tmp;

    @Test
    void reopenKeepsCommitsAndTimestampsContinueAboveThem() {
        Path dir = tmp.resolve("db");
        long lastCommit;
        try (DB db = NoKV.open(Options.at(dir))) {
            db.update(t -> t.put(b("flushed"), b("1")));
            db.flush();
            Transaction t = db.newTransaction(true);
            t.put(b("in-wal"), b("2"));
            t.delete(b("flushed"));
            t.commit();
            lastCommit = t.commitTs();
            Transaction never = db.newTransaction(true);
            never.put(b("uncommitted"), b("x")); // left open at close: must not survive
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            assertTrue(db.lastVersion() >= lastCommit);
            db.view(t -> {
                assertTrue(t.readTs() >= lastCommit, "a new snapshot includes every recovered commit");
                assertArrayEquals(b("2"), t.get(b("in-wal")));
                assertNull(t.get(b("flushed")));
                assertNull(t.get(b("uncommitted")));
            });
            Transaction next = db.newTransaction(true);
            next.put(b("after"), b("3"));
            next.commit();
            assertTrue(next.commitTs() > lastCommit, next.commitTs() + " > " + lastCommit);
        }
        try (DB db = NoKV.open(Options.at(dir))) {
            assertArrayEquals(b("3"), db.get(b("after")));
        }
    }

    @Test
    void compactionKeepsWhatARunningTransactionReads() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            db.update(t -> t.put(b("k"), b("old")));
            db.update(t -> t.put(b("gone"), b("old")));
            try (Transaction reader = db.newTransaction(false)) {
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    db.update(t -> t.put(b("k"), b("new" + n)));
                    db.flush();
                }
                db.delete(b("gone"));
                db.compactRange(null, null);
                assertArrayEquals(b("old"), reader.get(b("k")));
                assertArrayEquals(b("old"), reader.get(b("gone")));
            }
            db.compactRange(null, null);
            assertArrayEquals(b("new4"), db.get(b("k")));
            assertNull(db.get(b("gone")));
        }
    }

    /** Plain writes and commits draw versions from one counter: never two writes of a key at one version. */
    @Test
    void plainWritesAndCommitsNeverShareAVersion() throws Exception {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")).keepVersionsUntilSafePoint(true))) {
            db.transactions().options(TxnOptions.defaults().conflictDetection(false));
            int perThread = 2000;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                boolean plain = w % 2 == 0;
                Thread th = new Thread(() -> {
                    try {
                        for (int i = 0; i < perThread; i++) {
                            if (plain) {
                                db.put(b("k"), b("plain"));
                            } else {
                                db.update(t -> t.put(b("k"), b("txn")));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            List<Long> versions = new ArrayList<>();
            try (DbIterator it = db.newIterator(IteratorOptions.defaults().allVersions(true))) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    versions.add(it.version());
                }
            }
            assertEquals(4 * perThread, versions.size(), "every write kept its own version");
            for (int i = 1; i < versions.size(); i++) {
                assertTrue(versions.get(i) < versions.get(i - 1), "versions strictly decrease at " + i);
            }
        }
    }
}
