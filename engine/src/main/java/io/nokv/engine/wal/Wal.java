package io.nokv.engine.wal;

import io.nokv.engine.NoKVException;
import io.nokv.engine.record.DurableFiles;
import io.nokv.engine.record.RecordFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * The write-ahead log: numbered segment files {@code <walDir>/%08d.log}, each a sequence of framed
 * records ({@link RecordFormat}), one record per payload (the DB writes one payload per write
 * batch, so a batch is replayed whole or not at all).
 *
 * <p>Invariant that makes replay strict: every segment except the one being written was fsynced
 * completely before the WAL moved past it (rotation, close), so only the newest segment can end in
 * a torn record. A new {@code Wal} always starts a new segment, after any existing one.
 *
 * <p>Meant for a single writer (the DB's group-commit leader); the methods are synchronized anyway.
 * {@link #segmentCount()}, {@link #totalBytes()} and {@link #currentSegment()} never block, so stats
 * can be read while a sync is running.
 */
public final class Wal implements AutoCloseable {
    static final byte RECORD_BATCH = 1;
    private static final int INITIAL_BUFFER_BYTES = 256 << 10;
    /** Larger appends go through the buffer in chunks rather than growing it without bound. */
    private static final int MAX_BUFFER_BYTES = 8 << 20;

    private final Path walDir;
    private final long segmentBytes;
    /** Makes durable what WAL records point at (the value log) before any WAL fsync. */
    private final Runnable durableFirst;
    private final CRC32C crc = new CRC32C();
    /** Direct, so the channel writes it without the JDK's copy into a temporary direct buffer. */
    private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BUFFER_BYTES);
    /** Segments before the current one that still exist: id → size in bytes. */
    private final NavigableMap<Long, Long> olderSegments;
    /** Volatile only for {@link #presync()}, which reads it without the monitor. */
    private volatile FileChannel channel;
    private Path segmentPath;
    private long segmentSize;
    private boolean closed;
    private NoKVException failure;

    private volatile long currentSegment;
    private volatile long totalBytes;
    private volatile int segmentCount;

    private Wal(Path walDir, long segmentBytes, NavigableMap<Long, Long> olderSegments, Runnable durableFirst) {
        this.walDir = walDir;
        this.segmentBytes = segmentBytes;
        this.durableFirst = durableFirst;
        this.olderSegments = olderSegments;
        this.totalBytes = olderSegments.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Starts a new segment {@code firstSegmentId} in {@code walDir} (created if absent). Existing
     * segments are left alone (replay them first); they must all have smaller ids.
     */
    public static Wal open(Path walDir, long segmentBytes, long firstSegmentId) {
        return open(walDir, segmentBytes, firstSegmentId, () -> { });
    }

    /**
     * Like {@link #open(Path, long, long)}; {@code durableFirst} runs before every fsync of a segment
     * (sync, presync, rotation, close). The DB passes the value log's sync: a WAL record that is
     * durable must never name value bytes that are not, or after an OS crash a later batch could
     * survive while an earlier one is lost and replay would not be a prefix.
     */
    public static Wal open(Path walDir, long segmentBytes, long firstSegmentId, Runnable durableFirst) {
        if (segmentBytes <= 0) {
            throw new IllegalArgumentException("segmentBytes must be positive, got " + segmentBytes);
        }
        if (firstSegmentId < 1) {
            throw new IllegalArgumentException("WAL segment ids start at 1, got " + firstSegmentId);
        }
        try {
            Files.createDirectories(walDir);
        } catch (IOException e) {
            throw new NoKVException("cannot create WAL directory " + walDir + ": " + e.getMessage(), e);
        }
        NavigableMap<Long, Path> existing = WalSegments.list(walDir);
        if (!existing.isEmpty() && existing.lastKey() >= firstSegmentId) {
            throw new NoKVException("cannot start WAL segment " + firstSegmentId + " in " + walDir + ": segment "
                    + existing.lastEntry().getValue() + " already exists (replay first and start after the last one)");
        }
        NavigableMap<Long, Long> sizes = new TreeMap<>();
        for (Map.Entry<Long, Path> segment : existing.entrySet()) {
            try {
                sizes.put(segment.getKey(), Files.size(segment.getValue()));
            } catch (IOException e) {
                throw new NoKVException("cannot stat WAL segment " + segment.getValue() + ": " + e.getMessage(), e);
            }
        }
        Wal wal = new Wal(walDir, segmentBytes, sizes, durableFirst);
        synchronized (wal) {
            wal.startSegment(firstSegmentId);
        }
        return wal;
    }

    /**
     * Reads segments {@code >= fromSegment} in id order, handing each record's payload to
     * {@code consumer}. A torn tail of the last segment is truncated (when {@code repairTail}) and
     * logged; any other bad record is a {@link NoKVException} naming the file and offset.
     * With {@code repairTail = false} no file is modified.
     */
    public static WalReplayResult replay(Path walDir, long fromSegment, Consumer<byte[]> consumer, boolean repairTail) {
        return WalReplay.run(walDir, fromSegment, payload -> {
            consumer.accept(payload);
            return true;
        }, repairTail);
    }

    /**
     * Like {@link #replay}, but {@code batch} may refuse a payload (return false) that cannot be
     * replayed: replay then ends before it, so what is recovered stays a prefix of the log. With
     * {@code repairTail} the refused batch and everything after it are moved to
     * {@code <store>/lost+found} (the segment is truncated there, later segments moved whole).
     */
    public static WalReplayResult replayPrefix(Path walDir, long fromSegment, Predicate<byte[]> batch, boolean repairTail) {
        return WalReplay.run(walDir, fromSegment, batch, repairTail);
    }

    /**
     * Appends one record per payload with a single write, not fsynced. Moves to a new segment first
     * when the current one has reached the segment size, so one call's records share a segment.
     */
    public synchronized void append(List<byte[]> payloads) {
        checkUsable();
        long total = 0;
        for (byte[] payload : payloads) {
            total += RecordFormat.framedSize(payload.length);
        }
        if (total == 0) {
            return;
        }
        if (segmentSize >= segmentBytes) {
            rotateLocked();
        }
        try {
            if (total <= MAX_BUFFER_BYTES) {
                writeBuffered(payloads, (int) total);
            } else {
                writeChunked(payloads, total);
            }
        } catch (IOException e) {
            throw fail("cannot append to WAL segment " + segmentPath, e);
        }
        segmentSize += total;
        totalBytes += total;
    }

    private void writeBuffered(List<byte[]> payloads, int total) throws IOException {
        if (buffer.capacity() < total) {
            buffer = ByteBuffer.allocateDirect(Math.min(MAX_BUFFER_BYTES, Integer.highestOneBit(total - 1) << 1));
        }
        ByteBuffer out = buffer.clear();
        for (byte[] payload : payloads) {
            RecordFormat.put(out, RECORD_BATCH, payload, crc);
        }
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private void writeChunked(List<byte[]> payloads, long total) throws IOException {
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("WAL append of " + total + " bytes is too large");
        }
        ByteBuffer encoded = ByteBuffer.allocate((int) total);
        for (byte[] payload : payloads) {
            RecordFormat.put(encoded, RECORD_BATCH, payload, crc);
        }
        encoded.flip();
        while (encoded.hasRemaining()) {
            ByteBuffer out = buffer.clear();
            int n = Math.min(out.remaining(), encoded.remaining());
            out.put(encoded.slice(encoded.position(), n)).flip();
            encoded.position(encoded.position() + n);
            while (out.hasRemaining()) {
                channel.write(out);
            }
        }
    }

    /** fsyncs the current segment's data ({@code fdatasync}). */
    public synchronized void sync() {
        checkUsable();
        durableFirst.run();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw fail("cannot fsync WAL segment " + segmentPath, e);
        }
    }

    /**
     * fsyncs what the current segment holds so far <em>without</em> blocking appends (no monitor;
     * fsync and write may run concurrently on one file). Durability still comes from {@link #sync}
     * and rotation; this only leaves them little dirty data, so the fsync inside a rotation, which
     * the writers wait for, stays short. Failures are left for those calls to report.
     */
    public void presync() {
        FileChannel c = channel;
        try {
            durableFirst.run();
            c.force(false);
        } catch (IOException | RuntimeException e) {
            // closed by a rotation or close meanwhile (which forced it), or a real error that the
            // next sync/rotate will hit and report
        }
    }

    /** fsyncs the current segment and starts the next one; returns the new segment's id. */
    public synchronized long rotate() {
        checkUsable();
        rotateLocked();
        return currentSegment;
    }

    private void rotateLocked() {
        durableFirst.run();
        try {
            channel.force(false);
            channel.close();
        } catch (IOException e) {
            throw fail("cannot finish WAL segment " + segmentPath, e);
        }
        olderSegments.put(currentSegment, segmentSize);
        startSegment(currentSegment + 1);
    }

    private void startSegment(long id) {
        Path path = WalSegments.path(walDir, id);
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // Without this the new file's directory entry may be lost in a power failure even though
            // its data was fsynced.
            DurableFiles.syncDirectory(walDir);
        } catch (IOException e) {
            throw fail("cannot create WAL segment " + path, e);
        }
        segmentPath = path;
        segmentSize = 0;
        currentSegment = id;
        segmentCount = olderSegments.size() + 1;
    }

    public long currentSegment() {
        return currentSegment;
    }

    /** Deletes every segment with an id below {@code segmentId}; the current segment is never a candidate. */
    public synchronized void deleteSegmentsBefore(long segmentId) {
        if (segmentId > currentSegment) {
            throw new IllegalArgumentException("cannot delete WAL segments before " + segmentId
                    + ": segment " + currentSegment + " is still being written");
        }
        NavigableMap<Long, Long> obsolete = olderSegments.headMap(segmentId, false);
        while (!obsolete.isEmpty()) {
            Map.Entry<Long, Long> oldest = obsolete.firstEntry();
            Path path = WalSegments.path(walDir, oldest.getKey());
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new NoKVException("cannot delete WAL segment " + path + ": " + e.getMessage(), e);
            }
            obsolete.remove(oldest.getKey());
            totalBytes -= oldest.getValue();
            segmentCount = olderSegments.size() + 1;
        }
    }

    /** Segment files in the directory, including the current one. */
    public int segmentCount() {
        return segmentCount;
    }

    /** Bytes in all segment files, including the current one. */
    public long totalBytes() {
        return totalBytes;
    }

    /** fsyncs and closes the current segment. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (failure == null) {
                durableFirst.run();
                channel.force(false);
            }
            channel.close();
        } catch (IOException e) {
            throw new NoKVException("cannot close WAL segment " + segmentPath + ": " + e.getMessage(), e);
        }
    }

    private void checkUsable() {
        if (closed) {
            throw new NoKVException("WAL in " + walDir + " is closed");
        }
        if (failure != null) {
            throw new NoKVException("WAL in " + walDir + " is unusable after an earlier failure: " + failure.getMessage(), failure);
        }
    }

    /** After a failed write the segment's end is unknown, so nothing more may be appended to it. */
    private NoKVException fail(String message, IOException cause) {
        failure = new NoKVException(message + ": " + cause.getMessage(), cause);
        return failure;
    }
}
