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

    /** Like {@link Visitor}, but may end the scan: returning false stops before this record. */
    @FunctionalInterface
    public interface StoppingVisitor {
        boolean record(long offset, byte type, byte[] payload);
    }

    /**
     * What a checksum mismatch in a record that lies wholly inside the file means.
     * {@code TORN}: it may be an interrupted append (a log written without an fsync per record,
     * whose last page can land without the one before after an OS crash). {@code DAMAGE}: every
     * record was fsynced whole before anyone relied on it, so a complete record that fails its
     * checksum was damaged after it was written and dropping it could lose acknowledged data.
     */
    public enum CompleteRecordMismatch { TORN, DAMAGE }

    /**
     * @param validBytes  length of the prefix made of intact records
     * @param fileBytes   file size when the scan started
     * @param tailProblem why the record at {@code validBytes} could not be read, or null when clean
     * @param stopped     a {@link StoppingVisitor} stopped the scan before the record at {@code validBytes}
     */
    public record Result(long validBytes, long fileBytes, String tailProblem, boolean stopped) {
        public long tailBytes() {
            return fileBytes - validBytes;
        }

        public boolean clean() {
            return tailProblem == null;
        }

        Result(long validBytes, long fileBytes, String tailProblem) {
            this(validBytes, fileBytes, tailProblem, false);
        }
    }

    private final Path file;
    private final String what;
    private final CompleteRecordMismatch mismatch;
    private final FileChannel channel;
    private final long size;
    private final CRC32C crc = new CRC32C();
    private byte[] buf = new byte[0];
    private long bufStart;
    private int bufLen;

    private RecordScanner(Path file, String what, CompleteRecordMismatch mismatch, FileChannel channel) throws IOException {
        this.file = file;
        this.what = what;
        this.mismatch = mismatch;
        this.channel = channel;
        this.size = channel.size();
    }

    /**
     * Scans {@code file}; {@code what} names a record in messages ("WAL record", "manifest edit").
     *
     * @throws NoKVException when a bad record is followed by valid ones, or the file cannot be read
     */
    public static Result scan(Path file, String what, Visitor visitor) {
        return scan(file, what, CompleteRecordMismatch.TORN, visitor);
    }

    /** Like {@link #scan(Path, String, Visitor)}, with {@code mismatch} saying what a bad complete record is. */
    public static Result scan(Path file, String what, CompleteRecordMismatch mismatch, Visitor visitor) {
        return scanUntil(file, what, mismatch, (offset, type, payload) -> {
            visitor.record(offset, type, payload);
            return true;
        });
    }

    /** Like {@link #scan(Path, String, CompleteRecordMismatch, Visitor)}, ending early where {@code visitor} says. */
    public static Result scanUntil(Path file, String what, CompleteRecordMismatch mismatch, StoppingVisitor visitor) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return new RecordScanner(file, what, mismatch, channel).run(visitor);
        } catch (IOException e) {
            throw new NoKVException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Result run(StoppingVisitor visitor) throws IOException {
        long pos = 0;
        while (pos < size) {
            long left = size - pos;
            if (left < RecordFormat.HEADER_BYTES) {
                return badRecord(pos, "incomplete header (" + left + " bytes left)", false);
            }
            fill(pos, RecordFormat.HEADER_BYTES);
            int at = (int) (pos - bufStart);
            long length = Integer.toUnsignedLong(getInt(buf, at));
            if (length > left - RecordFormat.HEADER_BYTES) {
                return badRecord(pos, "length " + length + " runs past the end of the file (" + size + " bytes)", false);
            }
            int payloadLength = (int) length;
            fill(pos, RecordFormat.HEADER_BYTES + payloadLength);
            at = (int) (pos - bufStart);
            int storedCrc = getInt(buf, at + 4);
            byte type = buf[at + 8];
            int payloadAt = at + RecordFormat.HEADER_BYTES;
            if (RecordFormat.checksum(crc, type, buf, payloadAt, payloadLength) != storedCrc) {
                return badRecord(pos, "checksum mismatch", true);
            }
            if (!visitor.record(pos, type, Arrays.copyOfRange(buf, payloadAt, payloadAt + payloadLength))) {
                return new Result(pos, size, null, true);
            }
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

    /** @param complete the bad record's length fits inside the file (so it is not cut short) */
    private Result badRecord(long pos, String problem, boolean complete) throws IOException {
        long tail = size - pos;
        if (tail > Integer.MAX_VALUE - 16) {
            throw corruption(pos, problem + "; " + tail + " bytes follow, too many to be a torn tail");
        }
        byte[] rest = new byte[(int) tail];
        readFully(pos, rest, rest.length);
        if (allZero(rest)) {
            return new Result(pos, size, problem + "; the rest of the file is zeros");
        }
        if (complete && mismatch == CompleteRecordMismatch.DAMAGE) {
            throw corruption(pos, problem + " in a record that is complete in the file"
                    + " (damaged after it was written, not an interrupted append)");
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
