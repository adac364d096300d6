package io.nokv.engine.lock;

import io.nokv.engine.NoKVException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectoryLockTest {
    private static final long OWN_PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    private static Process probe(String mode, Path dir) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), LockProbeMain.class.getName(), mode, dir.toString())
                // stderr apart: the JVM may print notices there (e.g. "Picked up JAVA_TOOL_OPTIONS")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static BufferedReader output(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
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

            Process child = probe("try", dir);
            String line = output(child).readLine();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child finished");
            assertEquals(3, child.exitValue(), line);
            assertEquals("REFUSED store directory " + dir + " is locked by another process (pid " + OWN_PID + ")", line);
        }
        Process child = probe("try", dir);
        assertEquals("ACQUIRED", output(child).readLine());
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue());
    }

    @Test
    void lockOfAKilledProcessDoesNotBlock() throws Exception {
        Process holder = probe("hold", dir);
        try {
            String line = output(holder).readLine();
            assertNotNull(line, "holder printed nothing");
            assertEquals("LOCKED " + holder.pid(), line);

            NoKVException e = assertThrows(NoKVException.class, () -> DirectoryLock.acquire(dir));
            assertEquals("store directory " + dir + " is locked by another process (pid " + holder.pid() + ")", e.getMessage());
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "holder killed");
        }
        assertEquals(holder.pid() + "\n", Files.readString(dir.resolve(DirectoryLock.FILE_NAME)), "stale LOCK file left behind");
        DirectoryLock.acquire(dir).close();
        // Read only after releasing: closing any descriptor of LOCK would drop this process's OS lock.
        assertEquals(OWN_PID + "\n", Files.readString(dir.resolve(DirectoryLock.FILE_NAME)));
    }
}
