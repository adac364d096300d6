package io.nokv.engine.record;

import io.nokv.engine.NoKVException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the framed records of one file front to back and classifies where the valid prefix ends.
 *
 * <p>A record that cannot be read (incomplete header, length past the end of the file, checksum
 * mismatch) either starts a <em>torn tail</em> — nothing after it parses as a record, so it is the
 * remains of an interrupted append (partial record, or zeros where the file grew but data never
 * landed) — or it is <em>corruption</em>: some valid record starts after it, so dropping the tail
 * would silently lose data. Corruption is thrown here; a torn tail is reported in the
 * {@link Result} and the caller decides (truncate, ignore, or treat as corruption when the file is
 * not the last of its log).
 *
 * <p>The search for "a valid record after it" tries every byte offset past the bad record's start.
 * It runs only on the error path and almost every candidate is rejected by its length field.
 */
public final class RecordScanner {
    private static final int INITIAL_BUFFER = 1 << 20;

    /** Receives each intact record; {@code payload} is a fresh array the visitor may keep. */
    @FunctionalInterface
    public interface Visitor {
        void record(long offset, byte type, byte[] payload);
    }

    /**
     * @param validBytes  length of the prefix made of intact records
     * @param fileBytes   file size when the scan started
     * @param tailProblem why the record at {@code validBytes} could not be read, or null when clean
     */
    public record Result(long validBytes, long fileBytes, String tailProblem) {
        public long tailBytes() {
            return fileBytes - validBytes;
        }

        public boolean clean() {
            return tailProblem == null;
        }
    }

    private final Path file;
    private final String what;
    private final FileChannel channel;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[0];
    private long bufStart;
    private int bufLen;

    private RecordScanner(Path file, String what, FileChannel channel) throws IOException {
        this.file = file;
        this.what = what;
        this.channel = channel;
        this.size = channel.size();
    }

    /**
     * Scans {@code file}; {@code what} names a record in messages ("WAL record", "manifest edit").
     *
     * @throws NoKVException when a bad record is followed by valid ones, or the file cannot be read
     */
    public static Result scan(Path file, String what, Visitor visitor) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new RecordScanner(file, what, channel).run(visitor);
        } catch (IOException e) {
            throw new NoKVException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Result run(Visitor visitor) throws IOException {
        long pos = 0;
        while (pos < size) {
            long left = size - pos;
            if (left < RecordFormat.HEADER_BYTES) {
                return badRecord(pos, "incomplete header (" + left + " bytes left)");
            }
            fill(pos, RecordFormat.HEADER_BYTES);
            int at = (int) (pos - bufStart);
            long length = Integer.toUnsignedLong(getInt(buf, at));
            if (length > left - RecordFormat.HEADER_BYTES) {
                return badRecord(pos, "length " + length + " runs past the end of the file (" + size + " bytes)");
            }
            int payloadLength = (int) length;
            fill(pos, RecordFormat.HEADER_BYTES + payloadLength);
            at = (int) (pos - bufStart);
            int storedCrc = getInt(buf, at + 4);
            byte type = buf[at + 8];
            int payloadAt = at + RecordFormat.HEADER_BYTES;
            if (RecordFormat.checksum(crc, type, buf, payloadAt, payloadLength) != storedCrc) {
                return badRecord(pos, "checksum mismatch");
            }
            visitor.record(pos, type, Arrays.copyOfRange(buf, payloadAt, payloadAt + payloadLength));
            pos += RecordFormat.HEADER_BYTES + length;
        }
        return new Result(pos, size, null);
    }

    /** Makes bytes [pos, pos + n) of the file available in {@code buf}; the caller checked they exist. */
    private void fill(long pos, int n) throws IOException {
        if (pos >= bufStart && pos + n <= bufStart + bufLen) {
            return;
        }
        if (n > buf.length) {
            buf = new byte[Math.max(n, Math.max(INITIAL_BUFFER, buf.length * 2))];
        }
        int want = (int) Math.min(buf.length, size - pos);
        readFully(pos, buf, want);
        bufStart = pos;
        bufLen = want;
    }

    private void readFully(long pos, byte[] into, int n) throws IOException {
        ByteBuffer target = ByteBuffer.wrap(into, 0, n);
        while (target.hasRemaining()) {
            int read = channel.read(target, pos + target.position());
            if (read < 0) {
                throw new NoKVException(file + " shrank while being read (at offset " + (pos + target.position()) + ")");
            }
        }
    }

    private Result badRecord(long pos, String problem) throws IOException {
        long tail = size - pos;
        if (tail > Integer.MAX_VALUE - 16) {
            throw corruption(pos, problem + "; " + tail + " bytes follow, too many to be a torn tail");
        }
        byte[] rest = new byte[(int) tail];
        readFully(pos, rest, rest.length);
        if (allZero(rest)) {
            return new Result(pos, size, problem + "; the rest of the file is zeros");
        }
        for (int q = 1; q + RecordFormat.HEADER_BYTES <= rest.length; q++) {
            long length = Integer.toUnsignedLong(getInt(rest, q));
            if (length <= rest.length - q - RecordFormat.HEADER_BYTES
                    && RecordFormat.checksum(crc, rest[q + 8], rest, q + RecordFormat.HEADER_BYTES, (int) length)
                    == getInt(rest, q + 4)) {
                throw corruption(pos, problem + "; a valid record follows at offset " + (pos + q));
            }
        }
        return new Result(pos, size, problem);
    }

    private NoKVException corruption(long pos, String detail) {
        return new NoKVException("corrupt " + what + " in " + file + " at offset " + pos + ": " + detail);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
