package io.nokv.node.mvcc;

import io.nokv.engine.ColumnFamily;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MvccCommandsTest extends MvccTestBase {

    // ---- prewrite ------------------------------------------------------------------------------

    @Test
    void prewriteStoresDataAndLocksWithTheLeadersWallTime() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")), Mutation.delete(b("b")), Mutation.lock(b("c")));
        Lock a = reader.currentLock(b("a"));
        assertEquals(new Lock(b("a"), 10, TTL, Lock.Kind.PUT, 0, NOW), a);
        assertEquals(Lock.Kind.DELETE, reader.currentLock(b("b")).kind());
        assertEquals(Lock.Kind.LOCK, reader.currentLock(b("c")).kind());
        assertArrayEquals(b("1"), db.get(ColumnFamily.DEFAULT, b("a"), 10));
        assertNull(db.get(ColumnFamily.DEFAULT, b("b"), 10));
    }

    @Test
    void prewriteAfterACommitAtOrAboveStartTsConflicts() {
        put(10, 20, "k", "v");
        WriteResult r = cmds.prewrite(List.of(Mutation.put(b("k"), b("x"))), b("k"), 15, TTL, 0, NOW);
        KeyError.WriteConflict c = assertInstanceOf(KeyError.WriteConflict.class, r.errors().get(0));
        assertEquals(10, c.conflictStartTs());
        assertEquals(20, c.conflictCommitTs());
        assertEquals(15, c.startTs());
        assertTrue(r.batch().isEmpty());
        // exactly at the commit ts still conflicts; after it, fine
        assertEquals(1, cmds.prewrite(List.of(Mutation.put(b("k"), b("x"))), b("k"), 20, TTL, 0, NOW).errors().size());
        assertTrue(cmds.prewrite(List.of(Mutation.put(b("k"), b("x"))), b("k"), 21, TTL, 0, NOW).ok());
    }

    @Test
    void prewriteOverAnotherTransactionsLockFailsAndWritesNothingAtAll() {
        prewrite(10, "b", Mutation.put(b("b"), b("1")));
        WriteResult r = cmds.prewrite(List.of(Mutation.put(b("a"), b("x")), Mutation.put(b("b"), b("y"))),
                b("a"), 20, TTL, 0, NOW);
        assertEquals(1, r.errors().size());
        KeyError.Locked locked = assertInstanceOf(KeyError.Locked.class, r.errors().get(0));
        assertEquals(10, locked.lockTs());
        assertArrayEquals(b("b"), locked.primary());
        assertTrue(r.batch().isEmpty(), "a failed prewrite must not lock the other keys");
        db.write(r.batch());
        assertNull(reader.currentLock(b("a")));
    }

    @Test
    void prewriteIsIdempotent() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")));
        WriteResult again = cmds.prewrite(List.of(Mutation.put(b("a"), b("1"))), b("a"), 10, TTL, 0, NOW + 5);
        assertTrue(again.ok());
        apply(again);
        assertEquals(NOW, reader.currentLock(b("a")).wallTimeMillis());
        commit(10, 11, "a");
        // a retransmitted prewrite after the commit is harmless too
        WriteResult late = cmds.prewrite(List.of(Mutation.put(b("a"), b("1"))), b("a"), 10, TTL, 0, NOW);
        assertTrue(late.ok());
        assertTrue(late.batch().isEmpty());
    }

    @Test
    void assertNotExistFailsOnAVisibleValueOnly() {
        put(10, 11, "a", "1");
        prewrite(12, "b", Mutation.put(b("b"), b("2")));
        commit(12, 13, "b");
        prewrite(14, "b", Mutation.delete(b("b")));
        commit(14, 15, "b");
        apply(cmds.batchRollback(keys("b"), 16));
        WriteResult r = cmds.prewrite(List.of(new Mutation(Mutation.Op.PUT, b("a"), b("x"), true),
                new Mutation(Mutation.Op.PUT, b("b"), b("y"), true)), b("a"), 20, TTL, 0, NOW);
        assertEquals(1, r.errors().size());
        assertArrayEquals(b("a"), assertInstanceOf(KeyError.AlreadyExists.class, r.errors().get(0)).key());
        assertTrue(cmds.prewrite(List.of(new Mutation(Mutation.Op.PUT, b("b"), b("y"), true)), b("b"), 20, TTL, 0, NOW).ok());
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        byte[] reserved = {(byte) 0xFF, (byte) 0xFF, 'x'};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> cmds.prewrite(List.of(Mutation.put(reserved, b("v"))), b("a"), 10, TTL, 0, NOW));
        assertTrue(e.getMessage().contains("hex:ffff78") && e.getMessage().contains("reserved"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cmds.commit(List.of(reserved), 10, 11));
        assertThrows(IllegalArgumentException.class, () -> cmds.batchRollback(List.of(reserved), 10));
        assertThrows(IllegalArgumentException.class, () -> cmds.checkTxnStatus(reserved, 10, 0, NOW, true));
        assertThrows(IllegalArgumentException.class, () -> cmds.resolveLock(10, 0, List.of(reserved), null, null));
        e = assertThrows(IllegalArgumentException.class, () -> cmds.commit(keys("a"), 10, 10));
        assertTrue(e.getMessage().contains("greater than startTs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> cmds.prewrite(List.of(Mutation.put(b("a"), b("1")), Mutation.delete(b("a"))), b("a"), 10, TTL, 0, NOW));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    // ---- commit --------------------------------------------------------------------------------

    @Test
    void commitWritesRecordsOfTheLockKindAndRemovesLocks() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")), Mutation.delete(b("b")), Mutation.lock(b("c")));
        commit(10, 12, "a", "b", "c");
        assertNull(reader.currentLock(b("a")));
        assertNull(reader.currentLock(b("b")));
        assertEquals(new CommittedWrite(new Write(Write.Kind.PUT, 10), 12), reader.mostRecentWrite(b("a")));
        assertEquals(Write.Kind.DELETE, reader.mostRecentWrite(b("b")).kind());
        assertEquals(Write.Kind.LOCK, reader.mostRecentWrite(b("c")).kind());
        assertEquals("1", get("a", 12));
    }

    @Test
    void commitWithoutALockIsTxnNotFound() {
        WriteResult r = cmds.commit(keys("a"), 10, 11);
        assertInstanceOf(KeyError.TxnNotFound.class, r.errors().get(0));
        assertTrue(r.batch().isEmpty());
    }

    @Test
    void commitOverAnotherTransactionsLockIsLocked() {
        prewrite(20, "a", Mutation.put(b("a"), b("1")));
        WriteResult r = cmds.commit(keys("a"), 10, 25);
        assertEquals(20, assertInstanceOf(KeyError.Locked.class, r.errors().get(0)).lockTs());
        assertTrue(r.batch().isEmpty());
    }

    @Test
    void aRolledBackTransactionCannotCommit() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")));
        apply(cmds.batchRollback(keys("a"), 10));
        WriteResult r = cmds.commit(keys("a"), 10, 11);
        assertTrue(assertInstanceOf(KeyError.Abort.class, r.errors().get(0)).reason().contains("rolled back"));
        assertTrue(r.batch().isEmpty());
    }

    @Test
    void commitIsIdempotent() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2")));
        commit(10, 11, "a");
        WriteResult r = cmds.commit(keys("a", "b"), 10, 11);
        assertTrue(r.ok());
        assertEquals(2, r.batch().size(), "only b still needs its record and lock removal");
        apply(r);
        assertTrue(cmds.commit(keys("a", "b"), 10, 11).batch().isEmpty());
        assertEquals("2", get("b", 11));
    }

    @Test
    void commitBelowAPushedMinCommitTsIsRefused() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")));
        TxnStatus st = cmds.checkTxnStatus(b("a"), 10, 30, NOW, false);
        assertEquals(TxnStatus.Action.MIN_COMMIT_TS_PUSHED, st.action());
        assertEquals(31, st.minCommitTs());
        db.write(st.batch());
        WriteResult r = cmds.commit(keys("a"), 10, 20);
        assertEquals(31, assertInstanceOf(KeyError.CommitTsExpired.class, r.errors().get(0)).minCommitTs());
        commit(10, 31, "a");
        assertEquals("1", get("a", 31));
        assertEquals(null, get("a", 30), "the reader at 30 that pushed the lock must keep seeing nothing");
    }

    // ---- rollback ------------------------------------------------------------------------------

    @Test
    void rollbackRemovesLockAndDataAndBlocksALatePrewrite() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")));
        apply(cmds.batchRollback(keys("a"), 10));
        assertNull(reader.currentLock(b("a")));
        assertNull(db.get(ColumnFamily.DEFAULT, b("a"), 10));
        assertEquals(Write.Kind.ROLLBACK, reader.txnWriteFor(b("a"), 10).kind());
        WriteResult late = cmds.prewrite(List.of(Mutation.put(b("a"), b("1"))), b("a"), 10, TTL, 0, NOW);
        assertTrue(assertInstanceOf(KeyError.Abort.class, late.errors().get(0)).reason().contains("rolled back"));
    }

    @Test
    void rollbackBeforePrewriteBlocksThePrewrite() {
        apply(cmds.batchRollback(keys("a"), 10));
        assertEquals(1, cmds.prewrite(List.of(Mutation.put(b("a"), b("1"))), b("a"), 10, TTL, 0, NOW).errors().size());
    }

    @Test
    void rollbackOfACommittedTransactionFails() {
        put(10, 11, "a", "1");
        WriteResult r = cmds.batchRollback(keys("a"), 10);
        assertTrue(assertInstanceOf(KeyError.Abort.class, r.errors().get(0)).reason().contains("already committed"));
        assertTrue(r.batch().isEmpty());
        assertEquals("1", get("a", 20));
    }

    @Test
    void rollbackIsIdempotentAndLeavesOtherTransactionsAlone() {
        prewrite(20, "a", Mutation.put(b("a"), b("other")));
        apply(cmds.batchRollback(keys("a"), 10)); // a's lock belongs to txn 20
        assertEquals(20, reader.currentLock(b("a")).startTs());
        WriteResult again = cmds.batchRollback(keys("a"), 10);
        assertTrue(again.ok());
        assertTrue(again.batch().isEmpty());
        commit(20, 21, "a");
        assertEquals("other", get("a", 21));
    }

    // ---- check-txn-status ----------------------------------------------------------------------

    @Test
    void liveLockReportsItsTtl() {
        prewrite(10, "p", Mutation.put(b("p"), b("1")));
        TxnStatus st = cmds.checkTxnStatus(b("p"), 10, 0, NOW + TTL - 1, true);
        assertEquals(TxnStatus.Action.NO_ACTION, st.action());
        assertEquals(TTL, st.lockTtlMillis());
        assertTrue(st.batch().isEmpty());
        assertTrue(st.isLocked());
    }

    @Test
    void expiredLockIsRolledBack() {
        prewrite(10, "p", Mutation.put(b("p"), b("1")));
        TxnStatus st = cmds.checkTxnStatus(b("p"), 10, 0, NOW + TTL, false);
        assertEquals(TxnStatus.Action.TTL_EXPIRE_ROLLBACK, st.action());
        db.write(st.batch());
        assertNull(reader.currentLock(b("p")));
        assertNull(db.get(ColumnFamily.DEFAULT, b("p"), 10));
        assertEquals(TxnStatus.Action.ROLLED_BACK, cmds.checkTxnStatus(b("p"), 10, 0, NOW + TTL, false).action());
        assertInstanceOf(KeyError.Abort.class, cmds.commit(keys("p"), 10, 11).errors().get(0));
    }

    @Test
    void committedTransactionReportsItsCommitTs() {
        put(10, 15, "p", "1");
        TxnStatus st = cmds.checkTxnStatus(b("p"), 10, 0, NOW + 10 * TTL, true);
        assertEquals(TxnStatus.Action.COMMITTED, st.action());
        assertEquals(15, st.commitTs());
        assertTrue(st.batch().isEmpty());
    }

    @Test
    void missingTransactionIsRolledBackOnlyWhenAsked() {
        TxnStatus st = cmds.checkTxnStatus(b("p"), 10, 0, NOW, false);
        assertNull(st.action());
        assertEquals(10, assertInstanceOf(KeyError.TxnNotFound.class, st.error()).startTs());
        assertTrue(st.batch().isEmpty());

        st = cmds.checkTxnStatus(b("p"), 10, 0, NOW, true);
        assertEquals(TxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK, st.action());
        db.write(st.batch());
        assertEquals(Write.Kind.ROLLBACK, reader.txnWriteFor(b("p"), 10).kind());
        assertEquals(1, cmds.prewrite(List.of(Mutation.put(b("p"), b("1"))), b("p"), 10, TTL, 0, NOW).errors().size());
    }

    @Test
    void anotherTransactionsLockOnThePrimaryIsNotThisOne() {
        prewrite(20, "p", Mutation.put(b("p"), b("1")));
        TxnStatus st = cmds.checkTxnStatus(b("p"), 10, 0, NOW + 10 * TTL, true);
        assertEquals(TxnStatus.Action.LOCK_NOT_EXIST_ROLLBACK, st.action());
        db.write(st.batch());
        assertEquals(20, reader.currentLock(b("p")).startTs(), "txn 20's lock survives");
    }

    // ---- resolve-lock --------------------------------------------------------------------------

    @Test
    void resolveLockCommitsEveryLockOfTheTxnInTheRegionOnly() {
        prewrite(10, "b", Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2")),
                Mutation.delete(b("c")), Mutation.put(b("x"), b("9")));
        prewrite(12, "bb", Mutation.put(b("bb"), b("other")));
        apply(cmds.resolveLock(10, 20, null, b("b"), b("d")));
        assertNotNull(reader.currentLock(b("a")), "left of the region: untouched");
        assertNotNull(reader.currentLock(b("x")), "right of the region: untouched");
        assertEquals(12, reader.currentLock(b("bb")).startTs(), "another txn: untouched");
        assertNull(reader.currentLock(b("b")));
        assertNull(reader.currentLock(b("c")));
        assertEquals(20, reader.txnWriteFor(b("b"), 10).commitTs());
        assertEquals(Write.Kind.DELETE, reader.txnWriteFor(b("c"), 10).kind());
    }

    @Test
    void resolveLockRollsBackGivenKeysWithinTheRegion() {
        prewrite(10, "b", Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2")), Mutation.put(b("c"), b("3")));
        apply(cmds.resolveLock(10, 0, keys("a", "b"), b("b"), null));
        assertNotNull(reader.currentLock(b("a")), "outside the region");
        assertNotNull(reader.currentLock(b("c")), "not listed");
        assertNull(reader.currentLock(b("b")));
        assertEquals(Write.Kind.ROLLBACK, reader.txnWriteFor(b("b"), 10).kind());
        assertNull(db.get(ColumnFamily.DEFAULT, b("b"), 10));
        // the whole region, rollback
        apply(cmds.resolveLock(10, 0, null, null, null));
        assertTrue(reader.scanLock(Long.MAX_VALUE - 1, null, null, 10).isEmpty());
        assertNull(get("a", 100));
    }
}
