package io.nokv.node.mvcc;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Many interleaved transactions (some abandoned mid-flight, some outliving their TTL) driven
 * through the command API, checked against a model of snapshot isolation: every read at startTs
 * sees exactly the values committed at or below it, and no two overlapping transactions that
 * write the same key both commit.
 */
class MvccRandomizedTest extends MvccTestBase {

    private static final String[] KEYS = {"a", "b", "c", "d", "e", "f", "g", "h"};
    private static final long SHORT_TTL = 60;

    private enum State { READ, PREWRITE, COMMIT_PRIMARY, COMMIT_SECONDARIES, DONE }

    private final class Txn {
        final long startTs;
        final List<String> reads = new ArrayList<>();
        final Map<String, String> writes = new LinkedHashMap<>(); // null value = delete
        State state = State.READ;
        int readIndex;
        long commitTs;
        int retries;

        Txn(long startTs) {
            this.startTs = startTs;
        }

        byte[] primary() {
            return b(writes.keySet().iterator().next());
        }
    }

    /** key -> commitTs -> value (null = deleted): what a snapshot read must return. */
    private final Map<String, TreeMap<Long, String>> model = new HashMap<>();
    private long tso;
    private long now = NOW;
    private Random random;
    private int committed;
    private int aborted;
    private int pushedReads;

    @Test
    void randomTransactionsKeepSnapshotIsolation() {
        long seed = Long.getLong("mvcc.seed", System.nanoTime());
        random = new Random(seed);
        try {
            run();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (rerun with -Dmvcc.seed=" + seed + "): " + e.getMessage(), e);
        }
    }

    private void run() {
        List<Txn> active = new ArrayList<>();
        int started = 0;
        for (int step = 0; step < 6000 && (started < 300 || !active.isEmpty()); step++) {
            now += random.nextInt(8);
            if (started < 300 && (active.size() < 2 || (active.size() < 6 && random.nextInt(3) == 0))) {
                active.add(newTxn());
                started++;
            }
            Txn t = active.get(random.nextInt(active.size()));
            advance(t);
            if (t.state == State.DONE) {
                active.remove(t);
            }
            if (step % 1500 == 1499) {
                db.flush();
            }
        }
        assertTrue(active.isEmpty(), "transactions left running: " + active.size());
        resolveEverything();
        checkFinalState();
        assertTrue(committed > 30, "too few commits to mean anything: " + committed);
        assertTrue(pushedReads > 0, "no reader ever pushed a lock's minCommitTs");
        assertTrue(aborted > 0, "no transaction ever aborted");
    }

    private Txn newTxn() {
        Txn t = new Txn(++tso);
        for (String k : KEYS) {
            int r = random.nextInt(8);
            if (r == 0) {
                t.reads.add(k);
            } else if (r == 1) {
                t.writes.put(k, random.nextInt(4) == 0 ? null : "v" + t.startTs + k);
            }
        }
        if (t.writes.isEmpty()) {
            t.writes.put(KEYS[random.nextInt(KEYS.length)], "v" + t.startTs);
        }
        return t;
    }

    private void advance(Txn t) {
        switch (t.state) {
            case READ -> read(t);
            case PREWRITE -> prewrite(t);
            case COMMIT_PRIMARY -> commitPrimary(t);
            case COMMIT_SECONDARIES -> commitSecondaries(t);
            case DONE -> { }
        }
    }

    private void read(Txn t) {
        if (t.readIndex == t.reads.size()) {
            t.state = State.PREWRITE;
            prewrite(t);
            return;
        }
        String key = t.reads.get(t.readIndex);
        ReadResults.GetResult r = reader.get(b(key), t.startTs);
        if (r.locked() != null) {
            resolve(r.locked().primary(), r.locked().lockTs(), r.locked().key(), t.startTs);
            return; // read again next time
        }
        assertEquals(modelValue(key, t.startTs), s(r.value()), "read of " + key + " at " + t.startTs);
        if (random.nextInt(10) == 0) { // the same snapshot through a scan
            ReadResults.ScanResult scan = reader.scan(b(key), MvccTestBase.b(key + "\0"), 1, t.startTs);
            if (scan.locked() == null) {
                assertEquals(r.value() == null ? 0 : 1, scan.pairs().size());
            }
        }
        t.readIndex++;
    }

    private void prewrite(Txn t) {
        if (random.nextInt(40) == 0) { // the client vanishes before prewriting
            finishAborted(t);
            return;
        }
        List<Mutation> ms = new ArrayList<>();
        t.writes.forEach((k, v) -> ms.add(v == null ? Mutation.delete(b(k)) : Mutation.put(b(k), b(v))));
        WriteResult r = cmds.prewrite(ms, t.primary(), t.startTs, SHORT_TTL, 0, now);
        db.write(r.batch());
        if (r.ok()) {
            t.state = State.COMMIT_PRIMARY;
            if (random.nextInt(25) == 0) { // the client crashes holding its locks
                t.state = State.DONE;
                aborted++;
            }
            return;
        }
        boolean onlyLocked = r.errors().stream().allMatch(e -> e instanceof KeyError.Locked);
        if (onlyLocked && t.retries++ < 5) {
            for (KeyError e : r.errors()) {
                KeyError.Locked l = (KeyError.Locked) e;
                resolve(l.primary(), l.lockTs(), l.key(), 0);
            }
            return;
        }
        finishAborted(t);
    }

    private void commitPrimary(Txn t) {
        if (t.commitTs == 0) {
            t.commitTs = ++tso;
        }
        WriteResult r = cmds.commit(List.of(t.primary()), t.startTs, t.commitTs);
        db.write(r.batch());
        if (r.ok()) {
            recordCommit(t);
            t.state = State.COMMIT_SECONDARIES;
            return;
        }
        KeyError e = r.errors().get(0);
        if (e instanceof KeyError.CommitTsExpired) {
            t.commitTs = 0; // a reader pushed us: take a newer commit ts
        } else if (e instanceof KeyError.Abort || e instanceof KeyError.TxnNotFound) {
            finishAborted(t); // someone rolled us back after the TTL
        } else {
            fail("unexpected commit error " + e);
        }
    }

    private void commitSecondaries(Txn t) {
        if (random.nextInt(6) == 0) { // crash after the primary: readers must roll the secondaries forward
            t.state = State.DONE;
            return;
        }
        List<byte[]> rest = t.writes.keySet().stream().skip(1).map(MvccTestBase::b).toList();
        apply(cmds.commit(rest, t.startTs, t.commitTs));
        t.state = State.DONE;
    }

    private void finishAborted(Txn t) {
        List<byte[]> ks = t.writes.keySet().stream().map(MvccTestBase::b).toList();
        WriteResult r = cmds.batchRollback(ks, t.startTs);
        assertTrue(r.ok(), () -> "rollback of an uncommitted txn failed: " + r.errors());
        db.write(r.batch());
        t.state = State.DONE;
        aborted++;
    }

    private void resolve(byte[] primary, long lockTs, byte[] key, long callerStartTs) {
        TxnStatus st = cmds.checkTxnStatus(primary, lockTs, callerStartTs, now, true);
        db.write(st.batch());
        if (st.action() == TxnStatus.Action.COMMITTED) {
            apply(cmds.resolveLock(lockTs, st.commitTs(), List.of(key), null, null));
        } else if (st.action() == TxnStatus.Action.MIN_COMMIT_TS_PUSHED) {
            pushedReads++;
        } else if (!st.isLocked()) {
            apply(cmds.resolveLock(lockTs, 0, List.of(key), null, null));
        }
    }

    private void recordCommit(Txn t) {
        for (Map.Entry<String, String> w : t.writes.entrySet()) {
            TreeMap<Long, String> versions = model.computeIfAbsent(w.getKey(), k -> new TreeMap<>());
            Map<Long, String> overlapping = versions.subMap(t.startTs, false, t.commitTs, true);
            assertTrue(overlapping.isEmpty(), () -> "lost update on " + w.getKey() + ": txn " + t.startTs
                    + " commits at " + t.commitTs + " over commits " + overlapping.keySet());
            versions.put(t.commitTs, w.getValue());
        }
        committed++;
    }

    private String modelValue(String key, long ts) {
        TreeMap<Long, String> versions = model.get(key);
        Map.Entry<Long, String> e = versions == null ? null : versions.floorEntry(ts);
        return e == null ? null : e.getValue();
    }

    private void resolveEverything() {
        now += 100 * SHORT_TTL;
        for (ReadResults.LockInfo l : reader.scanLock(Long.MAX_VALUE - 1, null, null, 1000)) {
            resolve(l.lock().primary(), l.lock().startTs(), l.key(), 0);
        }
        assertTrue(reader.scanLock(Long.MAX_VALUE - 1, null, null, 10).isEmpty(), "locks survived resolution");
    }

    private void checkFinalState() {
        db.flush();
        long last = ++tso;
        List<String> expected = new ArrayList<>();
        for (String k : KEYS) {
            String v = modelValue(k, last);
            if (v != null) {
                expected.add(k + "=" + v);
            }
        }
        assertEquals(expected, MvccReaderTest.pairs(reader.scan(null, null, 100, last)));
        for (int i = 0; i < 300; i++) {
            String k = KEYS[random.nextInt(KEYS.length)];
            long ts = 1 + random.nextInt((int) last);
            assertEquals(modelValue(k, ts), get(k, ts), "historical read of " + k + " at " + ts);
        }
    }
}
