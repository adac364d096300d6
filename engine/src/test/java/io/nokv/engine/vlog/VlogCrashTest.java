package io.nokv.engine.vlog;

import io.nokv.engine.DB;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.testkit.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.nokv.engine.vlog.VlogTestSupport.key;
import static io.nokv.engine.vlog.VlogTestSupport.show;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** SIGKILL (and halts at named GC steps) of a real child process: nothing acknowledged is lost. */
class VlogCrashTest {
    private static final int ROUNDS = 3;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gc-after-rewrite", "gc-after-switch", "gc-before-delete", "gc-after-delete"})
    void crashInsideGcLosesNothing(String point) throws Exception {
        Path store = tmp.resolve("db");
        Options options = VlogCrashChild.options(store, 0);
        try (DB db = NoKV.open(Options.at(store).valueThreshold(options.valueThreshold())
                .vlogSegmentBytes(options.vlogSegmentBytes()).memtableBytes(options.memtableBytes()).vlogGcIntervalMillis(0))) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < VlogCrashChild.KEYS; k++) {
                    db.put(key(k), VlogTestSupport.value(k, round, true));
                }
            }
            db.compactRange(null, null);
        }
        try (ChildProcess child = start(store, point, "gc")) {
            assertEquals(77, child.awaitExit(Duration.ofSeconds(60)),
                    "child should halt at " + point + "; stderr:\n" + Files.readString(tmp.resolve("child.err")));
        }
        try (DB db = NoKV.open(options)) {
            checkRound(db, ROUNDS - 1, point + ", after reopen");
            for (int i = 0; i < 100 && db.runValueLogGc().segment() >= 0; i++) {
                // GC again, to the end
            }
            checkRound(db, ROUNDS - 1, point + ", after a full GC");
            long live = (long) VlogCrashChild.KEYS * (VlogFormat.RECORD_HEADER_BYTES + key(0).length + 3000);
            assertTrue(db.stats().vlog().totalBytes() < 2 * live, point + ": GC after the crash reclaimed space: " + db.stats().vlog());
        }
        try (DB db = NoKV.open(options)) {
            checkRound(db, ROUNDS - 1, point + ", after a second reopen");
        }
    }

    @Test
    void sigkillDuringLargeValueWritesAndBackgroundGcLosesNoAcknowledgedWrite() throws Exception {
        Path store = tmp.resolve("db");
        long next = 1;
        long[] acks = {200, 400};
        for (int cycle = 0; cycle < acks.length; cycle++) {
            long lastAck = next - 1;
            try (ChildProcess child = start(store, null, "write", Long.toString(next))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String line;
                while (lastAck < next - 1 + acks[cycle]
                        && (line = child.nextLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) != null) {
                    if (line.startsWith("ack ")) {
                        long id = Long.parseLong(line.substring(4));
                        assertEquals(lastAck + 1, id, "acks in order");
                        lastAck = id;
                    }
                }
                child.killHard();
                for (String rest : child.remainingLines()) { // acks printed before the kill but not read yet
                    if (rest.startsWith("ack ")) {
                        lastAck = Long.parseLong(rest.substring(4));
                    }
                }
            }
            assertTrue(lastAck >= next - 1 + acks[cycle], "child exited early; stderr:\n" + Files.readString(tmp.resolve("child.err")));
            long applied = verifyAfterKill(store, lastAck, "cycle " + cycle);
            next = applied + 1;
        }
        java.util.TreeMap<Long, Path> segments = VlogInspector.listSegments(store);
        assertTrue(segments.size() < segments.lastKey(), "background GC deleted no segment while the child wrote: " + segments.keySet());
    }

    /** Every key holds the value of its last acknowledged op, or of the one op in flight at the kill; returns the last applied id. */
    private static long verifyAfterKill(Path store, long lastAck, String when) {
        long inFlight = lastAck + 1;
        boolean inFlightApplied = false;
        try (DB db = NoKV.open(VlogCrashChild.options(store, 0))) {
            for (int k = 0; k < VlogCrashChild.KEYS; k++) {
                byte[] expected = null;
                for (long id = lastAck; id >= 1; id--) {
                    if (VlogCrashChild.keyOf(id) == k) {
                        expected = VlogCrashChild.valueOf(id);
                        break;
                    }
                }
                byte[] actual = db.get(key(k));
                if (Arrays.equals(expected, actual)) {
                    continue;
                }
                if (VlogCrashChild.keyOf(inFlight) == k && Arrays.equals(VlogCrashChild.valueOf(inFlight), actual)) {
                    inFlightApplied = true;
                    continue;
                }
                fail(when + ": key " + k + " after ack " + lastAck + ": expected " + show(expected) + ", got " + show(actual));
            }
        }
        return inFlightApplied ? inFlight : lastAck;
    }

    private static void checkRound(DB db, int round, String when) {
        for (int k = 0; k < VlogCrashChild.KEYS; k++) {
            byte[] actual = db.get(key(k));
            assertArrayEquals(VlogTestSupport.value(k, round, true), actual, when + ": key " + k + " is " + show(actual));
        }
    }

    /** {@code VlogCrashChild MODE STORE ARGS...}; stdout is collected, stderr goes to {@code child.err}. */
    private ChildProcess start(Path store, String crashAt, String... args) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        if (crashAt != null) {
            jvm.add("-Dnokv.crashAt=" + crashAt);
        }
        List<String> childArgs = new ArrayList<>(List.of(args[0], store.toString()));
        childArgs.addAll(Arrays.asList(args).subList(1, args.length));
        return ChildProcess.javaMain(jvm, VlogCrashChild.class.getName(), childArgs.toArray(String[]::new))
                .stderrTo(tmp.resolve("child.err")).start();
    }
}
