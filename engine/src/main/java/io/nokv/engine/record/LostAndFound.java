package io.nokv.engine.record;

import io.nokv.engine.NoKVException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.logging.Logger;

/**
 * {@code <store>/lost+found/}: where recovery puts files (or the cut-off end of a file) that the
 * store no longer uses but that it cannot prove are garbage. Nothing reads them again; an operator
 * may inspect and delete them. A name already taken gets a numeric suffix, so nothing is replaced.
 */
public final class LostAndFound {
    public static final String DIR = "lost+found";
    private static final Logger LOG = Logger.getLogger(LostAndFound.class.getName());

    private LostAndFound() {
    }

    public static Path dir(Path storeDir) {
        return storeDir.resolve(DIR);
    }

    /** Moves {@code file} into the store's lost+found and logs why; returns where it went. */
    public static Path move(Path storeDir, Path file, String why) {
        try {
            Path target = freeName(storeDir, file.getFileName().toString());
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.syncDirectory(target.getParent());
            DurableFiles.syncDirectory(file.getParent());
            LOG.warning("moved " + file + " to " + target + ": " + why);
            return target;
        } catch (IOException e) {
            throw new NoKVException("cannot move " + file + " to " + dir(storeDir) + " (" + why + "): " + e, e);
        }
    }

    /**
     * Copies bytes {@code [from, end)} of {@code file} into lost+found (fsynced) before the caller
     * truncates the file at {@code from}; returns the copy.
     */
    public static Path saveTail(Path storeDir, Path file, long from, String why) {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Path target = freeName(storeDir, file.getFileName() + ".from-" + from);
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size();
                long pos = from;
                while (pos < size) {
                    pos += in.transferTo(pos, size - pos, out);
                }
                out.force(true);
            }
            DurableFiles.syncDirectory(target.getParent());
            LOG.warning("saved bytes " + from + ".. of " + file + " to " + target + ": " + why);
            return target;
        } catch (IOException e) {
            throw new NoKVException("cannot save the end of " + file + " from offset " + from + " to "
                    + dir(storeDir) + " (" + why + "): " + e, e);
        }
    }

    private static Path freeName(Path storeDir, String name) throws IOException {
        Path dir = dir(storeDir);
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        for (int i = 1; Files.exists(target); i++) {
            target = dir.resolve(name + "." + i);
        }
        return target;
    }
}
