package io.nokv.engine.txn;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.nokv.engine.txn.TransactionIsolationTest.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ManagedTransactionTest {
    @TempDir
    Path tmp;

    @Test
    void callerSuppliedTimestampsDecideVisibility() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")).keepVersionsUntilSafePoint(true))) {
            Transaction t1 = db.newTransactionAt(100, true);
            t1.put(b("k"), b("at 110"));
            t1.put(ColumnFamily.WRITE, b("w"), b("at 110"));
            t1.commitAt(110);
            assertEquals(110, t1.commitTs());
            assertEquals(110, db.getVersioned(ColumnFamily.DEFAULT, b("k"), 200).version());
            assertEquals(110, db.getVersioned(ColumnFamily.WRITE, b("w"), 200).version());

            Transaction t2 = db.newTransactionAt(110, true);
            t2.delete(b("k"));
            t2.commitAt(120);

            try (Transaction before = db.newTransactionAt(109, false);
                 Transaction between = db.newTransactionAt(115, false);
                 Transaction after = db.newTransactionAt(120, false)) {
                assertNull(before.get(b("k")));
                assertArrayEquals(b("at 110"), between.get(b("k")));
                assertNull(after.get(b("k")));
                assertArrayEquals(b("at 110"), after.get(ColumnFamily.WRITE, b("w")));
            }
        }
    }

    @Test
    void managedAndOracleCommitMethodsDoNotMix() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            try (Transaction managed = db.newTransactionAt(10, true)) {
                managed.put(b("k"), b("v"));
                assertThrows(IllegalStateException.class, managed::commit);
                assertThrows(IllegalArgumentException.class, () -> managed.commitAt(10), "commit ts must be above read ts");
            }
            try (Transaction oracle = db.newTransaction(true)) {
                oracle.put(b("k"), b("v"));
                assertThrows(IllegalStateException.class, () -> oracle.commitAt(1000));
            }
            assertNull(db.get(b("k")));
        }
    }

    @Test
    void managedCommitsAreCheckedForConflicts() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            Transaction reader = db.newTransactionAt(10, true);
            assertNull(reader.get(b("k")));
            reader.put(b("derived"), b("x"));

            Transaction writer = db.newTransactionAt(10, true);
            writer.put(b("k"), b("v"));
            writer.commitAt(11);

            assertThrows(ConflictException.class, () -> reader.commitAt(12));
            assertNull(db.get(ColumnFamily.DEFAULT, b("derived"), 100));

            Transaction fresh = db.newTransactionAt(11, true);
            assertArrayEquals(b("v"), fresh.get(b("k")));
            fresh.put(b("derived"), b("y"));
            fresh.commitAt(13);
            assertArrayEquals(b("y"), db.get(ColumnFamily.DEFAULT, b("derived"), 13));
        }
    }

    @Test
    void aManagedReadOlderThanTheConflictWindowIsRejectedNotMissed() {
        try (DB db = NoKV.open(Options.at(tmp.resolve("db")))) {
            Transaction w = db.newTransactionAt(50, true);
            w.put(b("k"), b("v"));
            w.commitAt(60); // no transaction running: dropped from the window right away
            assertEquals(0, db.transactions().conflictWindowSize());

            Transaction stale = db.newTransactionAt(40, true);
            assertNull(stale.get(b("k")));
            stale.put(b("other"), b("x"));
            assertThrows(ConflictException.class, () -> stale.commitAt(70));
        }
    }
}
