package io.nokv.engine.manifest;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.DurableFiles;
import io.nokv.engine.record.RecordFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's file set and counters, kept as {@code CURRENT} (naming the live log) plus an edit
 * log {@code MANIFEST-%06d} of framed {@link VersionEdit}s whose first edit is a full snapshot.
 * Every {@link #apply} is fsynced before it returns; once the log passes {@code rewriteBytes} it
 * is replaced by a new log holding one snapshot edit, and CURRENT is switched atomically.
 * See {@code docs/engine-wal-manifest.md} for the crash analysis.
 *
 * <p>Thread-safe: {@link #apply} is serialized; {@link #current()} is a lock-free read.
 */
public final class Manifest implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Manifest.class.getName());

    private final Path dir;
    private final long rewriteBytes;
    private volatile ManifestState state;
    private FileChannel log;
    private long logNumber;
    private long logBytes;
    /** Size of the last snapshot: the log is not rewritten before it has doubled, or a big state would rewrite on every edit. */
    private long snapshotBytes;
    private boolean closed;
    private NoKVException failure;
    /** Bytes of a torn last edit cut at open (0 when the log was intact). */
    private long truncatedAtOpen;
    /** Run once an edit applied after they were registered is durable; guarded by this. */
    private List<Runnable> waitingForNextEdit = new ArrayList<>();

    private Manifest(Path dir, long rewriteBytes, ManifestState state, FileChannel log, long logBytes, long snapshotBytes) {
        this.dir = dir;
        this.rewriteBytes = rewriteBytes;
        this.state = state;
        this.log = log;
        this.logNumber = ManifestFiles.number(state.manifestFileName());
        this.logBytes = logBytes;
        this.snapshotBytes = snapshotBytes;
    }

    /** True when {@code dir} holds a bootstrapped store (it has a {@code CURRENT}). */
    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(ManifestFiles.CURRENT));
    }

    /**
     * Opens the manifest of the store in {@code dir}, creating a new store when there is no CURRENT.
     * Cleans up after an interrupted switch (stray CURRENT.tmp, manifests CURRENT does not name) and
     * truncates a torn last edit; both are logged.
     */
    public static Manifest open(Path dir, long rewriteBytes) {
        if (rewriteBytes <= 0) {
            throw new IllegalArgumentException("rewriteBytes must be positive, got " + rewriteBytes);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new NoKVException("cannot create store directory " + dir + ": " + e.getMessage(), e);
        }
        return exists(dir) ? reopen(dir, rewriteBytes) : create(dir, rewriteBytes);
    }

    private static Manifest create(Path dir, long rewriteBytes) {
        ManifestState state = ManifestState.empty(ManifestFiles.name(1));
        refuseToCreateOverAStore(dir, state);
        // What is left is from a creation that crashed before CURRENT was written.
        ManifestFiles.removeStrays(dir, null);
        Path file = dir.resolve(state.manifestFileName());
        try {
            FileChannel log = writeSnapshot(file, state);
            ManifestFiles.switchCurrent(dir, state.manifestFileName());
            long size = log.size();
            return new Manifest(dir, rewriteBytes, state, log, size, size);
        } catch (IOException e) {
            throw new NoKVException("cannot create manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A crashed creation leaves at most MANIFEST-000001 holding the empty snapshot. Anything more
     * means a real store lost its CURRENT: creating a new store over it would orphan its files.
     */
    private static void refuseToCreateOverAStore(Path dir, ManifestState empty) {
        long emptySnapshotBytes = RecordFormat.framedSize(VersionEditCodec.encode(empty.toSnapshotEdit()).length);
        for (String name : ManifestFiles.list(dir)) {
            Path file = dir.resolve(name);
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new NoKVException("cannot stat " + file + ": " + e.getMessage(), e);
            }
            if (!name.equals(empty.manifestFileName()) || size > emptySnapshotBytes) {
                throw new NoKVException(dir + " has no CURRENT but holds manifest " + file + " (" + size
                        + " bytes): CURRENT was lost; refusing to create a new store over the old one");
            }
        }
    }

    private static Manifest reopen(Path dir, long rewriteBytes) {
        String name = ManifestFiles.readCurrent(dir);
        Path file = dir.resolve(name);
        ManifestReader.Loaded loaded = ManifestReader.load(dir, name);
        // Only now that CURRENT and its log are known good: the other manifests may be all that is left otherwise.
        ManifestFiles.removeStrays(dir, name);
        long end = loaded.scan().validBytes();
        try {
            if (!loaded.scan().clean()) {
                DurableFiles.truncate(file, end);
                LOG.log(System.Logger.Level.WARNING, "truncated torn manifest tail of " + file + " at offset " + end
                        + ": dropped " + loaded.scan().tailBytes() + " bytes (" + loaded.scan().tailProblem() + ")");
            }
            FileChannel log = FileChannel.open(file, StandardOpenOption.WRITE);
            log.position(end);
            Manifest manifest = new Manifest(dir, rewriteBytes, loaded.state(), log, end, loaded.snapshotBytes());
            manifest.truncatedAtOpen = loaded.scan().tailBytes();
            return manifest;
        } catch (IOException e) {
            throw new NoKVException("cannot open manifest " + file + " for writing: " + e.getMessage(), e);
        }
    }

    /**
     * The state of the store in {@code dir} without writing anything or taking the directory lock
     * (for offline inspectors, also of a live store). A torn last edit is ignored.
     */
    public static ManifestState readOnly(Path dir) {
        if (!exists(dir)) {
            throw new NoKVException(dir + " is not a NoKV store (no CURRENT)");
        }
        for (int attempt = 0; ; attempt++) {
            String name = ManifestFiles.readCurrent(dir);
            try {
                return ManifestReader.load(dir, name).state();
            } catch (NoKVException e) {
                // A live store may have switched to a new log and deleted this one since CURRENT was read.
                if (attempt >= 3 || name.equals(ManifestFiles.readCurrent(dir))) {
                    throw e;
                }
            }
        }
    }

    public ManifestState current() {
        return state;
    }

    /**
     * Bytes of a torn last edit that open cut off (0 when the log was intact). When non-zero, an
     * edit that was being written is gone, so files no edit names may be ones it named: they are
     * not provably garbage.
     */
    public long truncatedAtOpen() {
        return truncatedAtOpen;
    }

    /**
     * Runs {@code action} once an edit applied <em>after</em> this call is durable. Deleting what an
     * edit retired (WAL segments below its checkpoint, tables it removed) waits for that: while the
     * edit is the last one in the log it is the one a damaged tail would lose, and then those files
     * are what recovery needs. Actions still waiting at close are dropped (the next open finds the
     * files again). An action's failure is logged, never thrown at the edit's caller.
     */
    public synchronized void afterNextEdit(Runnable action) {
        waitingForNextEdit.add(action);
    }

    /**
     * Validates {@code edit} against the current state, appends and fsyncs it, then publishes and
     * returns the new state.
     *
     * @throws IllegalStateException when the edit does not fit the current state (a caller bug);
     *                               nothing is written then
     * @throws NoKVException         on an I/O failure; the manifest refuses further edits after it
     */
    public ManifestState apply(VersionEdit edit) {
        List<Runnable> ready;
        ManifestState applied;
        synchronized (this) {
            ready = waitingForNextEdit;
            waitingForNextEdit = new ArrayList<>();
            try {
                applied = applyLocked(edit);
            } catch (RuntimeException e) {
                ready.addAll(waitingForNextEdit);
                waitingForNextEdit = ready;
                throw e;
            }
        }
        for (Runnable action : ready) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cleanup after a manifest edit in " + dir + " failed"
                        + " (the next open retries it): " + e.getMessage());
            }
        }
        return applied;
    }

    private ManifestState applyLocked(VersionEdit edit) {
        checkUsable();
        ManifestState next = state.apply(edit);
        byte[] record = RecordFormat.frame(ManifestReader.RECORD_EDIT, VersionEditCodec.encode(edit));
        Path file = dir.resolve(state.manifestFileName());
        try {
            writeFully(log, record);
            log.force(false);
        } catch (IOException e) {
            failure = new NoKVException("cannot append to manifest " + file + ": " + e.getMessage(), e);
            throw failure;
        }
        logBytes += record.length;
        state = next;
        if (logBytes >= rewriteBytes && logBytes >= 2 * snapshotBytes) {
            rewrite();
        }
        return state;
    }

    /** Replaces the log with a snapshot. The edit just applied is durable in the old log whatever happens here. */
    private void rewrite() {
        String oldName = state.manifestFileName();
        String newName = ManifestFiles.name(logNumber + 1);
        Path newFile = dir.resolve(newName);
        ManifestState snapshot = state.inFile(newName);
        FileChannel newLog;
        try {
            newLog = writeSnapshot(newFile, snapshot);
        } catch (IOException e) {
            deleteQuietly(newFile);
            LOG.log(System.Logger.Level.WARNING, "cannot rewrite manifest as " + newFile + ", keeping " + oldName
                    + " and retrying after the next edit: " + e.getMessage());
            return;
        }
        try {
            ManifestFiles.switchCurrent(dir, newName);
        } catch (IOException e) {
            if (!switchedTo(newName)) {
                closeQuietly(newLog);
                deleteQuietly(newFile);
                LOG.log(System.Logger.Level.WARNING, "cannot switch CURRENT to " + newName + ", keeping " + oldName
                        + ": " + e.getMessage());
                return;
            }
            // CURRENT may name either log after a crash; both hold every edit so far, so stop here
            // with both in place rather than risk writing to the one that will not be read.
            closeQuietly(newLog);
            failure = new NoKVException("manifest switch to " + newName + " in " + dir
                    + " may not be durable; no further edits are accepted: " + e.getMessage(), e);
            LOG.log(System.Logger.Level.ERROR, failure.getMessage());
            return;
        }
        closeQuietly(log);
        log = newLog;
        logNumber++;
        try {
            logBytes = snapshotBytes = newLog.size();
        } catch (IOException e) {
            logBytes = snapshotBytes = 0;
        }
        state = snapshot;
        deleteQuietly(dir.resolve(oldName));
    }

    private boolean switchedTo(String name) {
        try {
            return name.equals(ManifestFiles.readCurrent(dir));
        } catch (NoKVException e) {
            return true; // unknown: treat as switched, the safe assumption
        }
    }

    private static FileChannel writeSnapshot(Path file, ManifestState state) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            writeFully(channel, RecordFormat.frame(ManifestReader.RECORD_EDIT, VersionEditCodec.encode(state.toSnapshotEdit())));
            channel.force(true);
            return channel;
        } catch (IOException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new NoKVException("manifest in " + dir + " is closed");
        }
        if (failure != null) {
            throw new NoKVException("manifest in " + dir + " refuses edits after an earlier failure: "
                    + failure.getMessage(), failure);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            closeQuietly(log);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing buffered: every edit was fsynced when written
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + file + " (it is removed at the next open): " + e.getMessage());
        }
    }
}
