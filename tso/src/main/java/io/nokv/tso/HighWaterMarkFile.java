package io.nokv.tso;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The oracle's durable limit: one line {@code nokv-tso-limit v1 <limit> <crc32c>} in
 * {@code <data-dir>/tso-limit}. Written to a temp file, fsynced, renamed into place and the
 * directory fsynced, so after any crash the file holds either the old limit or the new one, whole.
 */
final class HighWaterMarkFile {
    static final String FILE_NAME = "tso-limit";
    private static final String TEMP_NAME = FILE_NAME + ".tmp";
    private static final String MAGIC = "nokv-tso-limit";
    private static final String FORMAT_VERSION = "v1";

    private final Path dir;
    private final Path file;
    private final Path temp;

    HighWaterMarkFile(Path dir) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.temp = dir.resolve(TEMP_NAME);
    }

    Path path() {
        return file;
    }

    /**
     * Creates the directory if needed and returns the persisted limit, or 0 when none was ever
     * written. A left-over temp file is from a write that never completed: it was never relied on,
     * so it is removed.
     */
    long load() throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(temp);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (java.nio.charset.MalformedInputException e) {
            throw corrupt("not text");
        }
        String[] parts = text.strip().split(" ");
        if (parts.length != 4 || !MAGIC.equals(parts[0])) {
            throw corrupt("unrecognised content");
        }
        if (!FORMAT_VERSION.equals(parts[1])) {
            throw corrupt("unsupported format version '" + parts[1] + "'");
        }
        long limit;
        try {
            limit = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw corrupt("limit '" + parts[2] + "' is not a number");
        }
        if (!checksum(limit).equals(parts[3])) {
            throw corrupt("checksum mismatch");
        }
        if (limit < 0) {
            throw corrupt("negative limit " + limit);
        }
        return limit;
    }

    /** Makes {@code limit} durable before returning. */
    void store(long limit) throws IOException {
        byte[] line = (MAGIC + " " + FORMAT_VERSION + " " + limit + " " + checksum(limit) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system of " + dir + " cannot rename atomically; the TSO needs that to persist its limit", e);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private IOException corrupt(String why) {
        return new IOException("corrupt TSO limit file " + file + ": " + why
                + " (refusing to start: a reset could hand out timestamps again; restore the file or start with a fresh --data-dir and a --start above every timestamp issued)");
    }

    private static String checksum(long limit) {
        CRC32C crc = new CRC32C();
        crc.update(Long.toString(limit).getBytes(StandardCharsets.US_ASCII));
        return String.format("%08x", crc.getValue());
    }
}
