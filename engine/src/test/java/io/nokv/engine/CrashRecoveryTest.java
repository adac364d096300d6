package io.nokv.engine;

import io.nokv.testkit.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 at random moments, then open: every acknowledged batch is there whole, the one batch in
 * flight is there whole or not at all, and no cycle ever needs a wipe (all cycles share one
 * directory). Each writer thread of the child ({@link CrashWriter}) writes one synced batch at a
 * time on its own keys, so after a kill the store must equal the model after each writer's last
 * acknowledged batch, or after the one after it; the writers run at once, so kills land inside
 * shared group commits.
 *
 * <p>{@code -Dnokv.crash.cycles=N} runs more cycles (default 20), {@code -Dnokv.crash.writers=N}
 * sets the writer threads (default 3), {@code -Dnokv.crash.seed=S} replays a failing run's
 * batches (the seed is in every failure message).
 */
class CrashRecoveryTest {
    private static final int CYCLES = Integer.getInteger("nokv.crash.cycles", 20);
    private static final int WRITERS = Integer.getInteger("nokv.crash.writers", 3);
    private static final long SEED = Long.getLong("nokv.crash.seed", System.nanoTime());
    private static final int MAX_ACKS_BEFORE_KILL = 120;
    private static final long CHILD_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedBatchSurvivesSigkillAndNothingTornIsVisible() throws Exception {
        Path store = tmp.resolve("store");
        Random random = new Random(SEED);
        CrashModel model = new CrashModel(WRITERS);
        long[] lastApplied = new long[WRITERS];
        long safePoint = 0;
        int interruptedWrites = 0;
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            String when = "seed " + SEED + ", cycle " + cycle;
            // One cycle in five kills the child right as it starts opening (recovery, orphan cleanup).
            int acksBeforeKill = random.nextInt(5) == 0 ? -1 : random.nextInt(MAX_ACKS_BEFORE_KILL + 1);
            long[] lastAcked = runChildAndKill(store, lastApplied, acksBeforeKill, cycle, when);
            try (DB db = NoKV.open(CrashWorkload.options(store))) {
                for (int w = 0; w < WRITERS; w++) {
                    String marker = CrashWorkload.string(db.get(CrashWorkload.lastBatchKey(w)));
                    long visible = marker == null ? 0 : Long.parseLong(marker);
                    assertTrue(visible >= lastAcked[w], when + ": writer " + w + "'s batch " + lastAcked[w]
                            + " was acknowledged but its newest visible batch is " + visible);
                    assertTrue(visible <= lastAcked[w] + 1, when + ": writer " + w + "'s batch " + visible
                            + " is visible but the writer never got past " + (lastAcked[w] + 1));
                    for (long id = lastApplied[w] + 1; id <= visible; id++) {
                        model.apply(CrashWorkload.batch(SEED, w, id));
                    }
                    if (visible > lastAcked[w]) {
                        interruptedWrites++;
                    }
                    lastApplied[w] = visible;
                }
                model.verify(db, safePoint, when + " (after recovery, newest batches " + Arrays.toString(lastApplied) + ")");

                if (cycle % 4 == 0) {
                    // Garbage-collect old versions down to the bottom level; reads at or above
                    // the safe point must not change.
                    safePoint = Math.max(safePoint, model.maxVersion() - 40);
                    db.setSafePoint(safePoint);
                    db.compactRange(null, null);
                    model.verify(db, safePoint, when + " (after compactRange, safe point " + safePoint + ")");
                }
            }
        }
        String shape;
        try (DB db = NoKV.open(CrashWorkload.options(store))) {
            shape = db.stats().levels().stream().map(l -> l.files() + "/" + l.bytes() + "B").toList().toString();
        }
        System.out.printf("CrashRecoveryTest: seed %d, %d cycles, %d writers, batches per writer %s, %d kills landed "
                        + "between a write and its ack; files/bytes per level at the end: %s%n",
                SEED, CYCLES, WRITERS, Arrays.toString(lastApplied), interruptedWrites, shape);
    }

    /**
     * Starts the child with each writer at its next batch, waits until it has acknowledged
     * {@code acksBeforeKill} batches in all (-1: until it says "opening"), SIGKILLs it and returns
     * each writer's highest acknowledged batch id (its {@code lastApplied} when it acknowledged none).
     */
    private long[] runChildAndKill(Path store, long[] lastApplied, int acksBeforeKill, int cycle, String when)
            throws Exception {
        Path stderr = tmp.resolve("child-" + cycle + ".err");
        StringBuilder firsts = new StringBuilder();
        for (long applied : lastApplied) {
            firsts.append(firsts.length() == 0 ? "" : ",").append(applied + 1);
        }
        long[] lastAcked = lastApplied.clone();
        try (ChildProcess child = ChildProcess.javaMain(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"),
                CrashWriter.class.getName(), store.toString(), Long.toString(SEED), firsts.toString()).stderrTo(stderr).start()) {
            try {
                String awaited = acksBeforeKill < 0 ? "opening" : "opened";
                long deadline = System.nanoTime() + CHILD_DEADLINE_NANOS;
                int acks = 0;
                boolean started = false;
                while (!started || acks < acksBeforeKill) {
                    String line;
                    try {
                        line = child.nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                    } catch (AssertionError timedOut) {
                        throw new AssertionError(when + ": child made no progress in 30 s (" + acks + "/" + acksBeforeKill
                                + " acks); stderr:\n" + tail(stderr), timedOut);
                    }
                    if (line == null) {
                        fail(when + ": child exited by itself (" + acks + "/" + acksBeforeKill + " acks); stderr:\n" + tail(stderr));
                    }
                    if (line.equals(awaited)) {
                        started = true;
                    } else if (!line.startsWith("open")) {
                        checkNextAck(line, lastAcked, when);
                        acks++;
                    }
                }
            } finally {
                child.killHard();
            }
            // Acks already in the pipe when the kill landed count too: their writes had returned.
            for (String line : child.remainingLines()) {
                if (!line.startsWith("open")) {
                    checkNextAck(line, lastAcked, when);
                }
            }
        }
        return lastAcked;
    }

    /** "writer id": each writer acknowledges its batches in order, one after the other. */
    private static void checkNextAck(String line, long[] lastAcked, String when) {
        String[] parts = line.trim().split(" ");
        int writer = Integer.parseInt(parts[0]);
        long id = Long.parseLong(parts[1]);
        assertEquals(lastAcked[writer] + 1, id, when + ": writer " + writer + "'s acks out of order");
        lastAcked[writer] = id;
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "<none>";
        }
        String text = Files.readString(file);
        return text.length() <= 4000 ? text : "..." + text.substring(text.length() - 4000);
    }
}
