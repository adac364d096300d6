package io.nokv.engine.lock;

import io.nokv.engine.NoKVException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a store directory: an OS file lock on {@code <dir>/LOCK}, which holds the
 * owner's pid for the error message a second opener gets. The OS drops the lock when the holder
 * dies, so a LOCK file left by a killed process blocks nobody. The file itself is never deleted:
 * deleting it would let a newcomer lock a fresh file while someone still holds the old one.
 *
 * <p>Locks held by this JVM are also tracked in-process and checked before any file is opened.
 * POSIX locks belong to the process, and closing <em>any</em> descriptor of the file releases
 * them, so even peeking at LOCK from a second channel would silently unlock the store.
 */
public final class DirectoryLock implements AutoCloseable {
    static final String FILE_NAME = "LOCK";
    private static final Map<Path, DirectoryLock> HELD = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private DirectoryLock(Path dir, Path key, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (created if absent) for this process.
     *
     * @throws NoKVException naming the directory and the holder's pid when someone else holds it
     */
    public static DirectoryLock acquire(Path dir) {
        Path key;
        try {
            Files.createDirectories(dir);
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new NoKVException("cannot create store directory " + dir + ": " + e.getMessage(), e);
        }
        DirectoryLock placeholder = new DirectoryLock(dir, key, null, null);
        if (HELD.putIfAbsent(key, placeholder) != null) {
            throw lockedBy(dir, ProcessHandle.current().pid() + ": this process, which already opened it");
        }
        try {
            DirectoryLock acquired = lockFile(dir, key);
            HELD.put(key, acquired);
            return acquired;
        } catch (RuntimeException e) {
            HELD.remove(key, placeholder);
            throw e;
        }
    }

    private static DirectoryLock lockFile(Path dir, Path key) {
        Path file = key.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // locked through some other channel of this JVM
            }
            if (lock == null) {
                String holder = readPid(channel);
                channel.close();
                throw lockedBy(dir, holder);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new DirectoryLock(dir, key, channel, lock);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new NoKVException("cannot lock store directory " + dir + " (" + file + "): " + e.getMessage(), e);
        }
    }

    private static String readPid(FileChannel channel) throws IOException {
        ByteBuffer content = ByteBuffer.allocate(32);
        channel.read(content, 0);
        String text = new String(content.array(), 0, content.position(), StandardCharsets.US_ASCII).trim();
        return text.matches("\\d+") ? text : "unknown";
    }

    private static NoKVException lockedBy(Path dir, String pid) {
        return new NoKVException("store directory " + dir + " is locked by another process (pid " + pid + ")");
    }

    public Path directory() {
        return dir;
    }

    /** Releases the lock; the LOCK file stays. Idempotent. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        } finally {
            closeQuietly(channel);
            HELD.remove(key, this);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the descriptor either way
            }
        }
    }
}
