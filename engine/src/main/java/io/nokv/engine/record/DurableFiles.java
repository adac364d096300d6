package io.nokv.engine.record;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync helpers the logs need to make creations, renames and truncations survive a power loss. */
public final class DurableFiles {
    private DurableFiles() {
    }

    /** Makes the directory's entries (created, renamed files) durable. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Cuts {@code file} to {@code length} bytes and fsyncs the result. */
    public static void truncate(Path file, long length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(length);
            channel.force(true);
        }
    }
}
