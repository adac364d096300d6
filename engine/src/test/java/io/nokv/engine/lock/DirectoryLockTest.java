package io.nokv.engine.lock;

import io.nokv.engine.NoKVException;
import io.nokv.testkit.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryLockTest {
    private static final long OWN_PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    /** The probe prints one line; stderr is kept apart (the JVM may print notices there, e.g. "Picked up JAVA_TOOL_OPTIONS"). */
    private static ChildProcess probe(String mode, Path dir) throws IOException {
        return ChildProcess.javaMain(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1"), LockProbeMain.class.getName(),
                mode, dir.toString()).stderrApart().start();
    }

    private static String firstLine(ChildProcess p) throws InterruptedException {
        return p.awaitLine(l -> true, Duration.ofSeconds(30));
    }

    @Test
    void secondAcquireInTheSameJvmFailsWithThePid() {
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            NoKVException e = assertThrows(NoKVException.class, () -> DirectoryLock.acquire(dir));
            assertTrue(e.getMessage().startsWith("store directory " + dir + " is locked by another process (pid " + OWN_PID),
                    e.getMessage());
            // the same directory under another spelling is still the same directory
            assertThrows(NoKVException.class, () -> DirectoryLock.acquire(dir.resolve(".")));
        }
        DirectoryLock.acquire(dir).close();
    }

    @Test
    void anotherProcessIsRefusedAndToldOurPid() throws Exception {
        try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
            // A refused attempt from this JVM must not release the OS lock (POSIX locks die with any descriptor).
            assertThrows(NoKVException.class, () -> DirectoryLock.acquire(dir));

            try (ChildProcess child = probe("try", dir)) {
                String line = firstLine(child);
                assertEquals(3, child.awaitExit(Duration.ofSeconds(30)), line);
                assertEquals("REFUSED store directory " + dir + " is locked by another process (pid " + OWN_PID + ")", line);
            }
        }
        try (ChildProcess child = probe("try", dir)) {
            assertEquals("ACQUIRED", firstLine(child));
            assertEquals(0, child.awaitExit(Duration.ofSeconds(30)));
        }
    }

    @Test
    void lockOfAKilledProcessDoesNotBlock() throws Exception {
        long holderPid;
        try (ChildProcess holder = probe("hold", dir)) {
            holderPid = holder.pid();
            assertEquals("LOCKED " + holderPid, firstLine(holder));

            NoKVException e = assertThrows(NoKVException.class, () -> DirectoryLock.acquire(dir));
            assertEquals("store directory " + dir + " is locked by another process (pid " + holderPid + ")", e.getMessage());
            holder.killHard();
            assertFalse(holder.isAlive(), "holder killed");
        }
        assertEquals(holderPid + "\n", Files.readString(dir.resolve(DirectoryLock.FILE_NAME)), "stale LOCK file left behind");
        DirectoryLock.acquire(dir).close();
        // Read only after releasing: closing any descriptor of LOCK would drop this process's OS lock.
        assertEquals(OWN_PID + "\n", Files.readString(dir.resolve(DirectoryLock.FILE_NAME)));
    }
}
