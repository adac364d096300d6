package io.nokv.node.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real child JVMs started the way run-local-cluster starts stores: {@code java -cp <our class path> <main>}. */
class SupervisedProcessTest {
    static final Duration START = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    static List<String> java(String... args) {
        return JavaCommand.of(ChildMain.class, List.of(args)).commandLine();
    }

    @Test
    void aChildOnOurClassPathRunsLogsAndStopsOnSigterm() throws Exception {
        Path log = dir.resolve("logs/child.log");
        SupervisedProcess p = SupervisedProcess.start("child", java("wait", "ready", "second line"), dir, log);
        try {
            assertTrue(p.awaitLine("second line"::equals, START), p.tail(10));
            assertTrue(p.alive());
            assertEquals(List.of("ready", "second line"), ownLines(p));
            p.terminate();
            assertEquals(143, p.awaitStop(Duration.ofSeconds(30)), "SIGTERM, the JVM's default handling");
            assertFalse(p.alive());
        } finally {
            p.awaitStop(Duration.ZERO);
        }
        String text = Files.readString(log);
        assertTrue(text.startsWith("==== "), text);
        assertTrue(text.lines().findFirst().orElseThrow().contains(" starting child: " + JavaCommand.javaExecutable()), text);
    }

    @Test
    void aLogKeepsEarlierRunsButLinesAreThisRunsOnly() throws Exception {
        Path log = dir.resolve("child.log");
        SupervisedProcess first = SupervisedProcess.start("child", java("exit", "0", "first run"), dir, log);
        assertEquals(0, first.awaitStop(START));
        SupervisedProcess second = SupervisedProcess.start("child", java("exit", "0", "second run"), dir, log);
        assertEquals(0, second.awaitStop(START));
        assertEquals(List.of("second run"), ownLines(second));
        String text = Files.readString(log);
        assertTrue(text.contains("first run") && text.contains("second run"), text);
        assertEquals(2, text.lines().filter(l -> l.startsWith("==== ")).count(), text);
    }

    @Test
    void waitingForALineOfAChildThatExitsIsAnErrorWithItsLogTail() {
        SupervisedProcess p = SupervisedProcess.start("store 9", java("exit", "3", "cannot bind 127.0.0.1:1"), dir, dir.resolve("s.log"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.awaitLine("never"::equals, START));
        assertTrue(e.getMessage().startsWith("store 9 (pid " + p.pid() + ") exited with code 3; last lines of "), e.getMessage());
        assertTrue(e.getMessage().contains("    cannot bind 127.0.0.1:1"), e.getMessage());
    }

    @Test
    void stopAllKillsWhatIgnoresSigtermAfterTheGracePeriod() throws Exception {
        // A JVM that inherits SIGTERM ignored keeps it ignored: only the SIGKILL after the grace period ends it.
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "trap '' TERM; exec \"$@\"", "sh"));
        cmd.addAll(java("wait", "up"));
        SupervisedProcess p = SupervisedProcess.start("stubborn", cmd, dir, dir.resolve("x.log"));
        assertTrue(p.awaitLine("up"::equals, START), p.tail(10));
        SupervisedProcess.stopAll(List.of(p), Duration.ofMillis(500));
        assertFalse(p.alive());
        assertEquals(137, p.exitCode(), "128 + SIGKILL");
    }

    /** The child's lines without the JVM's own notice about JAVA_TOOL_OPTIONS (set in some environments). */
    static List<String> ownLines(SupervisedProcess p) {
        return p.lines().stream().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS:")).toList();
    }
}
