package io.nokv.engine.txn;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.TreeMap;

/**
 * Timestamps and conflict detection for the transactions of one store (Badger's oracle).
 *
 * <p>Timestamps come from the engine's own version counter rather than a second one: a read
 * timestamp is the engine's visible version (every write at or below it is applied, so a
 * transaction sees exactly the commits that finished before it started), and a commit gets the
 * fresh version the engine assigns to its batch. Sharing the counter means plain writes and commits
 * can never collide on a version, and timestamps continue above everything recovered at open.
 *
 * <p>Conflict detection keeps a window of recent commits (fingerprints of the keys each wrote), in
 * reservation order. A commit is first reserved — checked against the window, then entered as in
 * flight — before it is written, so two overlapping transactions cannot both pass the check.
 * Entries at or below every tracked running transaction's read timestamp can matter to nobody and
 * are dropped from the head.
 */
final class Oracle {
    /** Where a tracked transaction starts: its read timestamp and the first window entry that can concern it. */
    record Start(long readTs, long fromSeq) {
    }

    /** One commit in the window; {@code commitTs} stays {@link Long#MAX_VALUE} while its write is in flight. */
    static final class Commit {
        final long seq;
        final long[] writes;
        /** Kept only while in flight: a commit reserved later must not write what this one read. */
        long[] reads;
        long commitTs = Long.MAX_VALUE;

        Commit(long seq, long[] sortedReads, long[] sortedWrites) {
            this.seq = seq;
            this.reads = sortedReads;
            this.writes = sortedWrites;
        }
    }

    private final TxnEngine engine;
    /** Read timestamps (with counts) of running transactions that track conflicts. */
    private final TreeMap<Long, Integer> running = new TreeMap<>();
    private final ArrayDeque<Commit> window = new ArrayDeque<>();
    /** The window's in-flight commits, oldest first (few: at most one per committing thread). */
    private final ArrayDeque<Commit> inFlight = new ArrayDeque<>();
    private long nextSeq;
    /** Highest commit timestamp dropped from the window: checks for reads older than it are incomplete. */
    private long droppedUpTo = -1;

    Oracle(TxnEngine engine) {
        this.engine = engine;
    }

    /**
     * Starts a conflict-tracked transaction at the current read timestamp. Every commit reserved
     * earlier and no longer in flight has a version at or below that timestamp, so the commit
     * check can skip it: only entries from the oldest in-flight one on can concern this transaction.
     */
    synchronized Start beginTracked() {
        // Read and registered under one lock, so no trim can drop a commit newer than this timestamp.
        long readTs = engine.visibleVersion();
        running.merge(readTs, 1, Integer::sum);
        return new Start(readTs, inFlight.isEmpty() ? nextSeq : inFlight.peekFirst().seq);
    }

    /** Starts a conflict-tracked managed transaction at a caller-chosen read timestamp (any entry may concern it). */
    synchronized Start beginTrackedAt(long readTs) {
        running.merge(readTs, 1, Integer::sum);
        return new Start(readTs, 0);
    }

    synchronized void end(long readTs) {
        running.computeIfPresent(readTs, (k, n) -> n == 1 ? null : n - 1);
        trim();
    }

    /**
     * Checks a commit against the window and, if it passes, enters it as in flight.
     *
     * <p>Two commits in flight at once may get their versions in either order, so besides "nothing
     * this one read or writes was written after its start", a commit must not write what an
     * in-flight one read: then in-flight commits commute, and commit-version order is a valid
     * serial order (read-only snapshots are prefixes of it).
     * @param reads sorted fingerprints of the keys read from the snapshot
     * @param writes sorted fingerprints of the keys to write
     * @throws ConflictException when another transaction committed (or is committing) one of these
     *         keys after {@code start.readTs()}
     */
    synchronized Commit reserve(Start start, long[] reads, long[] writes) {
        long readTs = start.readTs();
        if (readTs < droppedUpTo) {
            throw new ConflictException("transaction read at ts " + readTs + ", before the oldest commit still tracked for"
                    + " conflicts (ts " + droppedUpTo + "); retry with a newer read timestamp");
        }
        for (Iterator<Commit> it = window.descendingIterator(); it.hasNext(); ) {
            Commit c = it.next();
            if (c.seq < start.fromSeq()) {
                break;
            }
            if (c.commitTs <= readTs) {
                continue;
            }
            if (intersects(c.writes, reads)) {
                throw new ConflictException(describe(readTs, c) + ": a key this transaction read was written since it started");
            }
            if (intersects(c.writes, writes)) {
                throw new ConflictException(describe(readTs, c) + ": both wrote the same key (first committer wins)");
            }
            if (c.reads != null && intersects(c.reads, writes)) {
                throw new ConflictException(describe(readTs, c) + ": it read a key this transaction writes");
            }
        }
        Commit commit = new Commit(nextSeq++, reads, writes);
        window.addLast(commit);
        inFlight.addLast(commit);
        return commit;
    }

    /** The reserved commit was written at {@code commitTs}; its transaction ({@code readTs}) ends. */
    synchronized void finish(Commit commit, long commitTs, long readTs) {
        commit.commitTs = commitTs;
        commit.reads = null;
        inFlight.remove(commit);
        end(readTs);
    }

    /** The reserved commit's write failed: nothing of it is in the store. */
    synchronized void abandon(Commit commit) {
        inFlight.remove(commit);
        window.remove(commit);
    }

    synchronized int windowSize() {
        return window.size();
    }

    /** Drops finished commits from the head that no running tracked transaction can conflict with. */
    private void trim() {
        long floor = running.isEmpty() ? Long.MAX_VALUE - 1 : running.firstKey();
        while (!window.isEmpty()) {
            Commit head = window.peekFirst();
            if (head.commitTs == Long.MAX_VALUE || head.commitTs > floor) {
                return;
            }
            window.pollFirst();
            droppedUpTo = Math.max(droppedUpTo, head.commitTs);
        }
    }

    private static String describe(long readTs, Commit c) {
        return "transaction (read ts " + readTs + ") conflicts with "
                + (c.commitTs == Long.MAX_VALUE ? "a transaction committing concurrently" : "the commit at ts " + c.commitTs);
    }

    private static boolean intersects(long[] a, long[] b) {
        int i = 0;
        int j = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                return true;
            }
            if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return false;
    }
}
