package io.nokv.engine.lock;

import io.nokv.engine.NoKVException;

import java.nio.file.Path;

/**
 * Runs in a child JVM for {@link DirectoryLockTest}. {@code hold <dir>}: take the lock, print
 * {@code LOCKED <pid>}, keep it until stdin closes (so it never outlives the test). {@code try <dir>}:
 * print {@code ACQUIRED} (exit 0) or {@code REFUSED <message>} (exit 3).
 */
public final class LockProbeMain {
    private LockProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "hold" -> {
                try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
                    System.out.println("LOCKED " + ProcessHandle.current().pid());
                    System.out.flush();
                    while (System.in.read() >= 0) {
                        // wait for the parent to close our stdin or kill us
                    }
                }
            }
            case "try" -> {
                try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
                    System.out.println("ACQUIRED");
                } catch (NoKVException e) {
                    System.out.println("REFUSED " + e.getMessage());
                    System.out.flush();
                    System.exit(3);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }
}
