package io.nokv.node.mvcc;

import io.nokv.engine.ColumnFamily;
import io.nokv.node.mvcc.ReadResults.KvPair;
import io.nokv.node.mvcc.ReadResults.ScanResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MvccReaderTest extends MvccTestBase {

    @Test
    void getSeesTheNewestCommitAtOrBelowTheReadTs() {
        put(10, 11, "k", "v1");
        put(20, 21, "k", "v2");
        assertNull(get("k", 10));
        assertEquals("v1", get("k", 11));
        assertEquals("v1", get("k", 20));
        assertEquals("v2", get("k", 21));
        assertEquals("v2", get("k", Long.MAX_VALUE - 1));
        assertNull(get("other", 100));
    }

    @Test
    void lockAtOrBelowTheReadTsBlocksANewerOneDoesNot() {
        put(10, 11, "k", "v1");
        prewrite(20, "k", Mutation.put(b("k"), b("v2")));
        assertEquals("v1", get("k", 19)); // lock in the future of the reader
        KeyError.Locked locked = reader.get(b("k"), 20).locked();
        assertNotNull(locked);
        assertEquals(20, locked.lockTs());
        assertArrayEquals(b("k"), locked.primary());
        assertArrayEquals(b("k"), locked.key());
        assertEquals(TTL, locked.ttlMillis());
        assertNotNull(reader.get(b("k"), 30).locked()); // lock in the past of the reader
    }

    @Test
    void lockKindLockNeverBlocksReads() {
        put(10, 11, "k", "v1");
        prewrite(20, "k", Mutation.lock(b("k")));
        assertEquals("v1", get("k", 30));
        commit(20, 21, "k");
        assertEquals("v1", get("k", 30)); // the LOCK record does not hide the PUT below it
    }

    @Test
    void deleteHidesAndRollbackRecordsAreLookedThrough() {
        put(10, 11, "k", "v1");
        apply(cmds.batchRollback(keys("k"), 15)); // rollback record @15 above the PUT
        assertEquals("v1", get("k", 16));
        prewrite(20, "k", Mutation.delete(b("k")));
        commit(20, 21, "k");
        assertNull(get("k", 21));
        assertEquals("v1", get("k", 20));
        apply(cmds.batchRollback(keys("k"), 30)); // rollback above the DELETE: still deleted
        assertNull(get("k", 31));
    }

    @Test
    void committedWritesAreFoundAmongUnrelatedKeysInEveryColumnFamily() {
        // The Go reader stopped at the first unrelated key; surround "k" with neighbours in all CFs,
        // before and after it in key order, in memtable and SST alike.
        for (String other : List.of("j", "jz", "k\0", "k\0\0", "ka", "kk", "l")) {
            db.put(ColumnFamily.DEFAULT, b(other), 5, b("noise"));
            db.put(ColumnFamily.WRITE, b(other + "w"), 7, new Write(Write.Kind.PUT, 5).encode());
            db.put(ColumnFamily.LOCK, b(other), 500, new Lock(b(other), 500, TTL, Lock.Kind.PUT, 0, NOW).encode());
        }
        put(10, 11, "k", "old");
        db.flush();
        for (int i = 0; i < 20; i++) {
            apply(cmds.batchRollback(keys("k"), 100 + i)); // pile rollback records above the PUT
        }
        put(200, 201, "k", "new");
        put(300, 301, "kc", "neighbour");
        db.flush();
        apply(cmds.batchRollback(keys("k"), 400));

        assertEquals("old", get("k", 150));
        assertEquals("new", get("k", 450));
        assertEquals(201, reader.txnWriteFor(b("k"), 200).commitTs());
        assertEquals(11, reader.txnWriteFor(b("k"), 10).commitTs());
        assertEquals(Write.Kind.ROLLBACK, reader.txnWriteFor(b("k"), 105).kind());
        assertNull(reader.txnWriteFor(b("k"), 12));
        assertEquals(400, reader.mostRecentWrite(b("k")).commitTs());
        assertEquals(201, reader.valueWriteAt(b("k"), 450).commitTs());
        assertEquals(119, reader.writeAt(b("k"), 199).commitTs());
        ScanResult scan = reader.scan(b("k"), b("k\0"), 10, 450);
        assertEquals(List.of("k=new"), pairs(scan));
    }

    @Test
    void scanStopsAtABlockingLockAndReturnsThePairsBeforeIt() {
        put(10, 11, "a", "1", "b", "2", "d", "4");
        prewrite(20, "c", Mutation.put(b("c"), b("3")));
        ScanResult r = reader.scan(b("a"), null, 10, 25);
        assertEquals(List.of("a=1", "b=2"), pairs(r));
        assertNotNull(r.locked());
        assertArrayEquals(b("c"), r.locked().key());
        // A reader below the lock passes it.
        r = reader.scan(b("a"), null, 10, 19);
        assertEquals(List.of("a=1", "b=2", "d=4"), pairs(r));
        assertNull(r.locked());
    }

    @Test
    void scanSkipsDeletedAndRolledBackVersions() {
        put(10, 11, "a", "1", "b", "2", "c", "3", "d", "4");
        prewrite(20, "b", Mutation.delete(b("b")));
        commit(20, 21, "b");
        apply(cmds.batchRollback(keys("c"), 22));
        prewrite(23, "d", Mutation.put(b("d"), b("never")));
        apply(cmds.batchRollback(keys("d"), 23));
        apply(cmds.batchRollback(keys("e"), 24)); // rollback record on a key with no value at all
        assertEquals(List.of("a=1", "c=3", "d=4"), pairs(reader.scan(null, null, 10, 30)));
        assertEquals(List.of("a=1", "b=2", "c=3", "d=4"), pairs(reader.scan(null, null, 10, 20)));
    }

    @Test
    void scanIsClippedToTheRegionAndTheLimit() {
        put(10, 11, "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
        assertEquals(List.of("b=2", "c=3"), pairs(reader.scan(b("a"), null, 10, 20, false, b("b"), b("d"))));
        assertEquals(List.of("b=2", "c=3"), pairs(reader.scan(b("b"), b("z"), 10, 20, false, null, b("d"))));
        assertEquals(List.of("a=1", "b=2"), pairs(reader.scan(null, null, 2, 20)));
        assertEquals(List.of("c=3"), pairs(reader.scan(b("c"), b("d"), 10, 20)));
        assertEquals(List.of(), pairs(reader.scan(b("d"), b("c"), 10, 20)));
        // A lock past the region end does not block.
        prewrite(15, "d", Mutation.put(b("d"), b("x")));
        ScanResult r = reader.scan(null, null, 10, 20, false, null, b("d"));
        assertEquals(List.of("a=1", "b=2", "c=3"), pairs(r));
        assertNull(r.locked());
    }

    @Test
    void scanPassesLocksThatCannotAffectTheSnapshot() {
        put(10, 11, "a", "1", "c", "3");
        prewrite(12, "b", Mutation.lock(b("b")), Mutation.lock(b("c"))); // LOCK kind: never blocks
        prewrite(30, "d", Mutation.put(b("d"), b("4"))); // above the read ts
        prewrite(31, "0", Mutation.put(b("0"), b("x")));  // lock-only key before every write
        ScanResult r = reader.scan(null, null, 10, 20);
        assertEquals(List.of("a=1", "c=3"), pairs(r));
        assertNull(r.locked());
    }

    @Test
    void reverseScanDescendsWithTheSameRules() {
        put(10, 11, "a", "1", "b", "2", "c", "3", "d", "4");
        apply(cmds.batchRollback(keys("c"), 12));
        assertEquals(List.of("c=3", "b=2"), pairs(reader.scan(b("a"), b("d"), 2, 20, true, null, null)));
        assertEquals(List.of("c=3", "b=2", "a=1"), pairs(reader.scan(null, null, 10, 20, true, null, b("d"))));
        prewrite(15, "b", Mutation.put(b("b"), b("x")));
        ScanResult r = reader.scan(null, null, 10, 20, true, null, null);
        assertEquals(List.of("d=4", "c=3"), pairs(r));
        assertArrayEquals(b("b"), r.locked().key());
    }

    @Test
    void scanLockReturnsLocksAtOrBelowMaxTsInRange() {
        prewrite(10, "a", Mutation.put(b("a"), b("1")), Mutation.put(b("b"), b("2")));
        prewrite(20, "c", Mutation.put(b("c"), b("3")));
        prewrite(30, "d", Mutation.delete(b("d")));
        commit(10, 11, "a"); // a's lock is gone
        List<ReadResults.LockInfo> locks = reader.scanLock(25, null, null, 10);
        assertEquals(List.of("b", "c"), locks.stream().map(l -> s(l.key())).toList());
        assertEquals(10, locks.get(0).lock().startTs());
        assertEquals(List.of("b"), reader.scanLock(100, null, null, 1).stream().map(l -> s(l.key())).toList());
        assertEquals(List.of("c", "d"), reader.scanLock(100, b("c"), b("e"), 10).stream().map(l -> s(l.key())).toList());
    }

    @Test
    void reservedKeysAreRejectedAndNeverScanned() {
        byte[] reserved = {(byte) 0xFF, (byte) 0xFF, 'n'};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.get(reserved, 10));
        assertTrue(e.getMessage().contains("reserved prefix"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> reader.scan(reserved, null, 10, 10));
        e = assertThrows(IllegalArgumentException.class, () -> reader.get(new byte[0], 10));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        db.put(ColumnFamily.WRITE, reserved, 5, new Write(Write.Kind.DELETE, 4).encode());
        db.put(ColumnFamily.LOCK, reserved, 5, new Lock(reserved, 5, TTL, Lock.Kind.PUT, 0, NOW).encode());
        ScanResult r = reader.scan(null, null, 10, 10);
        assertEquals(List.of(), pairs(r));
        assertNull(r.locked());
    }

    static List<String> pairs(ScanResult r) {
        return r.pairs().stream().map((KvPair p) -> s(p.key()) + "=" + s(p.value())).toList();
    }
}
