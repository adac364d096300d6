package io.nokv.testkit;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness against real {@code sh} children. */
class ChildProcessTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static ChildProcess sh(String script) throws Exception {
        return ChildProcess.start(null, List.of("sh", "-c", script));
    }

    @Test
    void awaitsALineAndTheExitCode() throws Exception {
        try (ChildProcess p = sh("echo one; echo two >&2; exit 3")) {
            assertEquals("two", p.awaitLine(l -> l.startsWith("t"), WAIT), "stderr is collected too");
            assertEquals(3, p.awaitExit(WAIT));
            assertEquals("one\ntwo", p.output());
        }
    }

    @Test
    void aLineThatNeverComesFailsWithTheOutputOnceTheProcessExits() throws Exception {
        try (ChildProcess p = sh("echo only; exit 1")) {
            AssertionError e = assertThrows(AssertionError.class, () -> p.awaitLine(l -> l.equals("never"), WAIT));
            assertTrue(e.getMessage().contains("exited with 1") && e.getMessage().contains("only"), e.getMessage());
        }
    }

    @Test
    void linesWrittenBeforeSigkillAreStillRead() throws Exception {
        try (ChildProcess p = sh("echo ack 1; echo ack 2; echo ack 3; exec sleep 60")) {
            assertEquals("ack 1", p.nextLine(WAIT));
            p.awaitLine(l -> l.equals("ack 3"), WAIT);
            p.killHard();
            assertFalse(p.isAlive());
            assertEquals(List.of("ack 2", "ack 3"), p.remainingLines());
            assertNull(p.nextLine(WAIT), "the output has ended");
        }
    }

    @Test
    void childrenStartWithSigintAtItsDefaultEvenWhenThisJvmIgnoresIt() throws Exception {
        try (ChildProcess p = sh("grep SigIgn: /proc/self/status")) {
            String line = p.awaitLine(l -> l.startsWith("SigIgn:"), WAIT);
            long ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
            assertEquals(0, ignored & (1L << 1), line);
            assertEquals(0, p.awaitExit(WAIT));
        }
    }
}
