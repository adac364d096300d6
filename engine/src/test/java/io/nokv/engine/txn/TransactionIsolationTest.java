package io.nokv.engine.txn;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionIsolationTest {
    @TempDir
    Path tmp;
    DB db;

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void open() {
        db = NoKV.open(Options.at(tmp.resolve("db")));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void uncommittedWritesAreInvisibleToOthers() {
        db.update(t -> t.put(b("k"), b("v0")));
        try (Transaction writer = db.newTransaction(true)) {
            writer.put(b("k"), b("dirty"));
            writer.put(b("new"), b("dirty"));
            assertArrayEquals(b("dirty"), writer.get(b("k")), "own write visible to itself");
            db.view(r -> {
                assertArrayEquals(b("v0"), r.get(b("k")));
                assertNull(r.get(b("new")));
            });
            assertArrayEquals(b("v0"), db.get(b("k")), "plain reads do not see it either");
            writer.discard();
        }
        db.view(r -> assertArrayEquals(b("v0"), r.get(b("k"))));
        assertNull(db.get(b("new")), "a discarded transaction wrote nothing");
    }

    @Test
    void readsRepeatWhileOthersCommit() {
        db.update(t -> {
            t.put(b("a"), b("1"));
            t.put(b("b"), b("1"));
        });
        try (Transaction reader = db.newTransaction(false)) {
            assertArrayEquals(b("1"), reader.get(b("a")));
            db.update(t -> {
                t.put(b("a"), b("2"));
                t.delete(b("b"));
                t.put(b("c"), b("2"));
            });
            db.put(b("a"), b("plain"));
            assertArrayEquals(b("1"), reader.get(b("a")));
            assertArrayEquals(b("1"), reader.get(b("b")));
            assertNull(reader.get(b("c")));
        }
        try (Transaction later = db.newTransaction(false)) {
            assertArrayEquals(b("plain"), later.get(b("a")), "a transaction sees every write finished before it started");
            assertNull(later.get(b("b")));
            assertArrayEquals(b("2"), later.get(b("c")));
        }
    }

    @Test
    void commitIsAtomicAtOneVersion() {
        long before = db.lastVersion();
        Transaction t = db.newTransaction(true);
        t.put(b("x"), b("1"));
        t.put(b("y"), b("1"));
        t.delete(b("z"));
        t.commit();
        assertTrue(t.commitTs() > before);
        assertEquals(t.commitTs(), db.getVersioned(io.nokv.engine.ColumnFamily.DEFAULT, b("x"), Long.MAX_VALUE - 1).version());
        assertEquals(t.commitTs(), db.getVersioned(io.nokv.engine.ColumnFamily.DEFAULT, b("y"), Long.MAX_VALUE - 1).version());
        assertEquals(t.commitTs(), db.lastVersion(), "the whole transaction is one version");
    }

    @Test
    void readWriteConflictFailsTheReaderAndItWritesNothing() {
        db.update(t -> t.put(b("balance"), b("100")));
        Transaction loser = db.newTransaction(true);
        assertArrayEquals(b("100"), loser.get(b("balance")));
        loser.put(b("audit"), b("saw 100"));

        db.update(t -> t.put(b("balance"), b("50")));

        ConflictException e = assertThrows(ConflictException.class, loser::commit);
        assertTrue(e.getMessage().contains("read"), e.getMessage());
        assertNull(db.get(b("audit")), "the loser wrote nothing");
        assertArrayEquals(b("50"), db.get(b("balance")));
        assertEquals(1, db.transactions().conflicts());
        assertThrows(IllegalStateException.class, loser::commit, "a failed transaction is over");
    }

    /** Write skew: each reads what the other writes. Snapshot isolation alone lets both commit. */
    @Test
    void writeSkewIsPrevented() {
        db.update(t -> {
            t.put(b("alice-on-call"), b("yes"));
            t.put(b("bob-on-call"), b("yes"));
        });
        Transaction alice = db.newTransaction(true);
        Transaction bob = db.newTransaction(true);
        assertArrayEquals(b("yes"), alice.get(b("bob-on-call")));
        alice.put(b("alice-on-call"), b("no"));
        assertArrayEquals(b("yes"), bob.get(b("alice-on-call")));
        bob.put(b("bob-on-call"), b("no"));
        alice.commit();
        assertThrows(ConflictException.class, bob::commit);
        assertArrayEquals(b("yes"), db.get(b("bob-on-call")), "someone stays on call");
    }

    /**
     * Two commits in flight may get their versions in either order; the later-reserved one must not
     * write what the in-flight one read, or a snapshot between their versions would see an order no
     * serial execution gives. The oracle is driven directly to hold a commit in flight.
     */
    @Test
    void aCommitMayNotWriteWhatAnInFlightCommitRead() {
        Oracle oracle = db.transactions().oracle();
        Oracle.Start start = oracle.beginTracked();
        long[] reads = {Fingerprint.of(0, b("a"))};
        long[] writes = {Fingerprint.of(0, b("b"))};
        Oracle.Commit inFlight = oracle.reserve(start, reads, writes);

        Transaction overwritesItsRead = db.newTransaction(true);
        overwritesItsRead.put(b("a"), b("x"));
        ConflictException e = assertThrows(ConflictException.class, overwritesItsRead::commit);
        assertTrue(e.getMessage().contains("committing concurrently"), e.getMessage());
        assertNull(db.get(b("a")));

        Transaction unrelated = db.newTransaction(true);
        unrelated.put(b("c"), b("x"));
        unrelated.commit();

        oracle.abandon(inFlight);
        oracle.end(start.readTs());
        db.update(t -> t.put(b("a"), b("y")));
        assertEquals(0, db.transactions().conflictWindowSize());
    }

    /** A commit in flight when a transaction starts may still land above its read timestamp: it must be checked. */
    @Test
    void aCommitInFlightAtStartIsChecked() {
        Oracle oracle = db.transactions().oracle();
        Oracle.Start writerStart = oracle.beginTracked();
        Oracle.Commit inFlight = oracle.reserve(writerStart, new long[0], new long[] {Fingerprint.of(0, b("k"))});

        Transaction reader = db.newTransaction(true);
        assertNull(reader.get(b("k")));
        reader.put(b("derived"), b("k was absent"));

        db.put(b("k"), b("v")); // stands in for the in-flight commit's write, landing above reader's snapshot
        oracle.finish(inFlight, db.lastVersion(), writerStart.readTs());
        assertThrows(ConflictException.class, reader::commit);
        assertNull(db.get(b("derived")));
    }

    @Test
    void readOfAnAbsentKeyConflictsWithItsInsertion() {
        Transaction t1 = db.newTransaction(true);
        assertNull(t1.get(b("slot")));
        t1.put(b("slot"), b("t1"));
        db.update(t -> t.put(b("slot"), b("t2")));
        assertThrows(ConflictException.class, t1::commit);
        assertArrayEquals(b("t2"), db.get(b("slot")));
    }

    @Test
    void writeWriteConflictFirstCommitterWins() {
        Transaction first = db.newTransaction(true);
        Transaction second = db.newTransaction(true);
        first.put(b("k"), b("first"));
        second.put(b("k"), b("second"));
        second.put(b("other"), b("second"));
        first.commit();
        ConflictException e = assertThrows(ConflictException.class, second::commit);
        assertTrue(e.getMessage().contains("same key"), e.getMessage());
        assertArrayEquals(b("first"), db.get(b("k")));
        assertNull(db.get(b("other")));
    }

    @Test
    void disjointTransactionsBothCommit() {
        db.update(t -> t.put(b("shared"), b("s")));
        Transaction t1 = db.newTransaction(true);
        Transaction t2 = db.newTransaction(true);
        assertArrayEquals(b("s"), t1.get(b("shared")));
        assertArrayEquals(b("s"), t2.get(b("shared")));
        t1.put(b("a"), b("1"));
        t2.put(b("b"), b("2"));
        t1.commit();
        t2.commit();
        assertArrayEquals(b("1"), db.get(b("a")));
        assertArrayEquals(b("2"), db.get(b("b")));
        assertTrue(t2.commitTs() > t1.commitTs());
        assertEquals(2 + 1, db.transactions().commits());
    }

    @Test
    void aTransactionStartedAfterACommitDoesNotConflictWithIt() {
        db.update(t -> t.put(b("k"), b("1")));
        Transaction t = db.newTransaction(true);
        assertArrayEquals(b("1"), t.get(b("k")));
        t.put(b("k"), b("2"));
        t.commit();
        assertArrayEquals(b("2"), db.get(b("k")));
    }

    @Test
    void withDetectionOffTheLastCommitterWins() {
        db.transactions().options(TxnOptions.defaults().conflictDetection(false));
        Transaction t1 = db.newTransaction(true);
        Transaction t2 = db.newTransaction(true);
        assertNull(t1.get(b("k")));
        t1.put(b("k"), b("1"));
        t2.put(b("k"), b("2"));
        t2.commit();
        t1.commit();
        assertArrayEquals(b("1"), db.get(b("k")));
        assertEquals(0, db.transactions().conflictWindowSize());
    }

    @Test
    void readOnlyTransactionsRejectWrites() {
        db.view(t -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.put(b("k"), b("v")));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> t.delete(b("k")));
        });
        try (Transaction t = db.newTransaction(false)) {
            t.commit(); // nothing to write: ends it
            assertThrows(IllegalStateException.class, () -> t.get(b("k")));
        }
    }

    @Test
    void updateDiscardsWhenTheWorkThrows() {
        assertThrows(IllegalArgumentException.class, () -> db.update(t -> {
            t.put(b("k"), b("v"));
            throw new IllegalArgumentException("boom");
        }));
        assertNull(db.get(b("k")));
        assertEquals(0, db.transactions().conflictWindowSize());
    }

    @Test
    void conflictWindowEmptiesWhenNoTransactionRuns() {
        for (int i = 0; i < 50; i++) {
            int n = i;
            db.update(t -> t.put(b("k" + n), b("v")));
        }
        assertEquals(0, db.transactions().conflictWindowSize());
        Transaction longRunning = db.newTransaction(true);
        for (int i = 0; i < 50; i++) {
            int n = i;
            db.update(t -> t.put(b("k" + n), b("w")));
        }
        assertEquals(50, db.transactions().conflictWindowSize(), "kept while an older transaction may conflict");
        longRunning.discard();
        db.update(t -> t.put(b("one-more"), b("x")));
        assertEquals(0, db.transactions().conflictWindowSize());
    }
}
