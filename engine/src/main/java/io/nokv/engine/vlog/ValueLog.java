package io.nokv.engine.vlog;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.NoKVException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The value log of one store: append-only segments of {@link VlogFormat} records.
 *
 * <p>One thread at a time appends (the write-group leader): {@link #add} buffers records and
 * returns their pointers, {@link #write} writes the buffer (one system call per MiB), before the group's
 * WAL record (so a WAL record never names vlog bytes that were not written first). Any thread
 * reads; {@link #sync} may be called by the leader and by the flush thread.
 */
public final class ValueLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ValueLog.class.getName());
    private static final int DIRECT_READ_LIMIT = 1 << 20;
    private static final ThreadLocal<ByteBuffer> READ_BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 << 10));

    private static final class Segment {
        final long id;
        final Path path;
        final FileChannel channel;

        Segment(long id, Path path, FileChannel channel) {
            this.id = id;
            this.path = path;
            this.channel = channel;
        }
    }

    /** What {@link #open} found: torn bytes it cut and pending-delete segments it removed. */
    public record Recovery(long truncatedBytes, Set<Long> deletedPending) {
    }

    private final Path storeDir;
    private final Path dir;
    private final long segmentBytes;
    private final ConcurrentHashMap<Long, Segment> segments = new ConcurrentHashMap<>();
    private final Recovery recovery;

    // Appender state: leader thread only, except the volatile head read by stats and flush.
    private volatile Segment active;
    private volatile long activeOffset;
    /** Direct, so the write needs no copy into a JDK temporary buffer; a group larger than it is written in parts. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    private int buffered;
    private final byte[] headerScratch = new byte[VlogFormat.RECORD_HEADER_BYTES];
    private volatile boolean failed;
    /** Bytes written since the last fsync of the active segment. */
    private volatile boolean dirty;
    /** Sealed segments not fsynced yet: rotation leaves that to the next sync (flush or a synced write), off the write path. */
    private final java.util.List<Segment> unsyncedSealed = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ValueLog(Path storeDir, long segmentBytes, Recovery recovery) {
        this.storeDir = storeDir;
        this.dir = VlogFormat.dir(storeDir);
        this.segmentBytes = segmentBytes;
        this.recovery = recovery;
    }

    /**
     * Opens the value log: deletes segments the manifest lists as pending delete, validates every
     * record from the head on (a torn tail is truncated and logged with file and offset; a bad
     * segment header is an error), and starts a new active segment.
     */
    public static ValueLog open(Path storeDir, long segmentBytes, long headSegment, long headOffset, Set<Long> pendingDelete) {
        Path dir = VlogFormat.dir(storeDir);
        try {
            Files.createDirectories(dir);
            Set<Long> deleted = new java.util.HashSet<>();
            TreeMap<Long, Path> files = VlogInspector.listSegments(storeDir);
            for (long id : pendingDelete) {
                Path p = files.remove(id);
                if (p != null) {
                    Files.deleteIfExists(p);
                    LOG.fine("deleted value-log segment " + p + " that GC had emptied");
                }
                deleted.add(id);
            }
            long truncated = 0;
            long last = files.isEmpty() ? 0 : files.lastKey();
            for (Map.Entry<Long, Path> e : files.entrySet()) {
                long id = e.getKey();
                if (id < headSegment) {
                    continue;
                }
                long from = id == headSegment ? Math.max(headOffset, VlogFormat.SEGMENT_HEADER_BYTES) : VlogFormat.SEGMENT_HEADER_BYTES;
                truncated += validate(e.getValue(), id, from);
            }
            if (files.containsKey(last) && Files.size(files.get(last)) < VlogFormat.SEGMENT_HEADER_BYTES) {
                Files.delete(files.remove(last)); // created, header torn: holds nothing
            }
            ValueLog log = new ValueLog(storeDir, segmentBytes, new Recovery(truncated, Set.copyOf(deleted)));
            for (Map.Entry<Long, Path> e : files.entrySet()) {
                log.segments.put(e.getKey(), new Segment(e.getKey(), e.getValue(), FileChannel.open(e.getValue(), StandardOpenOption.READ)));
            }
            long next = Math.max(last, headSegment) + 1;
            log.startSegment(next);
            return log;
        } catch (IOException e) {
            throw new NoKVException("cannot open the value log in " + dir + ": " + e, e);
        }
    }

    /** Checks records from {@code from}; cuts a torn tail; returns bytes cut. */
    private static long validate(Path path, long id, long from) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            String bad = null;
            long pos = from;
            if (size < VlogFormat.SEGMENT_HEADER_BYTES) {
                bad = "a torn segment header";
                pos = 0;
            } else {
                byte[] header = readFully(ch, 0, VlogFormat.SEGMENT_HEADER_BYTES, path);
                if (!Arrays.equals(header, 0, 8, VlogFormat.MAGIC, 0, 8) || VlogFormat.getLong(header, 8) != id) {
                    throw new NoKVException("value-log segment " + path + " has a bad header at offset 0");
                }
            }
            while (bad == null && pos < size) {
                if (size - pos < VlogFormat.RECORD_HEADER_BYTES) {
                    bad = "a torn record header";
                    break;
                }
                byte[] h = readFully(ch, pos, VlogFormat.RECORD_HEADER_BYTES, path);
                long keyLen = VlogFormat.getInt(h, 4) & 0xffffffffL;
                long valueLen = VlogFormat.getInt(h, 8) & 0xffffffffL;
                long recLen = VlogFormat.RECORD_HEADER_BYTES + keyLen + valueLen;
                if (recLen > Integer.MAX_VALUE - 16 || pos + recLen > size) {
                    bad = "a record running past the end of the file";
                    break;
                }
                byte[] rec = readFully(ch, pos, (int) recLen, path);
                if (!VlogFormat.checksumOk(rec, 0, rec.length)) {
                    bad = "a record with a bad checksum";
                    break;
                }
                pos += recLen;
            }
            if (bad == null) {
                return 0;
            }
            long follower = pos == 0 ? -1 : validRecordAfter(ch, path, pos, size);
            if (follower >= 0) {
                throw new NoKVException("corrupt value-log segment " + path + ": " + bad + " at offset " + pos
                        + ", but a valid record follows at offset " + follower + "; refusing to cut it (the records"
                        + " after it may hold acknowledged values). Restore the file, or move the store aside and"
                        + " rebuild it from a replica");
            }
            // Segments are fsynced lazily (before any WAL fsync, at flush), so after an OS crash a
            // segment past the head may end early; nothing after the cut is named by a durable WAL
            // record, and WAL replay ends at the first batch that points there.
            LOG.warning("value-log segment " + path + " has " + bad + " at offset " + pos + ": truncating "
                    + (size - pos) + " bytes (the write in progress when the process stopped)");
            ch.truncate(pos);
            ch.force(true);
            return size - pos;
        }
    }

    /** Largest tail searched for a surviving record; a longer non-zero tail is never just an interrupted write. */
    private static final long MAX_TAIL_SEARCH = 64L << 20;

    /**
     * The offset of the first intact record that starts after the bad one at {@code pos}, or -1 when
     * none does (the tail is the remains of an interrupted write: partial records or zeros).
     */
    private static long validRecordAfter(FileChannel ch, Path path, long pos, long size) throws IOException {
        long tail = size - pos;
        if (tail > MAX_TAIL_SEARCH) {
            return pos + 1; // too long to be one interrupted write: treat as damage
        }
        byte[] rest = readFully(ch, pos, (int) tail, path);
        boolean zeros = true;
        for (byte x : rest) {
            if (x != 0) {
                zeros = false;
                break;
            }
        }
        if (zeros) {
            return -1;
        }
        for (int q = 1; q + VlogFormat.RECORD_HEADER_BYTES <= rest.length; q++) {
            long keyLen = VlogFormat.getInt(rest, q + 4) & 0xffffffffL;
            long valueLen = VlogFormat.getInt(rest, q + 8) & 0xffffffffL;
            long recLen = VlogFormat.RECORD_HEADER_BYTES + keyLen + valueLen;
            // The column-family byte (at 12) must name a family: a cheap filter before the checksum.
            if ((rest[q + 12] & 0xff) < ColumnFamily.values().length && recLen <= rest.length - q
                    && VlogFormat.checksumOk(rest, q, (int) recLen)) {
                return pos + q;
            }
        }
        return -1;
    }

    private static byte[] readFully(FileChannel ch, long pos, int len, Path path) throws IOException {
        byte[] out = new byte[len];
        ByteBuffer bb = ByteBuffer.wrap(out);
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos + bb.position());
            if (n < 0) {
                throw new NoKVException("value-log segment " + path + " ends at offset " + (pos + bb.position())
                        + " inside a record of " + len + " bytes at offset " + pos);
            }
        }
        return out;
    }

    private void startSegment(long id) throws IOException {
        Path path = VlogFormat.segmentPath(storeDir, id);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        byte[] header = new byte[VlogFormat.SEGMENT_HEADER_BYTES];
        System.arraycopy(VlogFormat.MAGIC, 0, header, 0, 8);
        VlogFormat.putLong(header, 8, id);
        ByteBuffer bb = ByteBuffer.wrap(header);
        while (bb.hasRemaining()) {
            ch.write(bb, bb.position());
        }
        ch.force(true);
        syncDir();
        Segment s = new Segment(id, path, ch);
        segments.put(id, s);
        activeOffset = VlogFormat.SEGMENT_HEADER_BYTES;
        active = s;
    }

    private void syncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot fsync a directory; the data files themselves are synced.
            LOG.fine("cannot fsync directory " + dir + ": " + e);
        }
    }

    public Recovery recovery() {
        return recovery;
    }

    // ---- appending (leader thread only) ------------------------------------------------------------

    /** Buffers one record and returns its pointer (valid once {@link #write} returns). */
    public byte[] add(int cf, byte[] key, long version, long expiresAt, byte[] value) {
        if (failed) {
            throw new NoKVException("value log in " + dir + " failed earlier; reopen the store");
        }
        int len = VlogFormat.recordBytes(key.length, value.length);
        long end = activeOffset + buffered;
        if (end + len > segmentBytes && end > VlogFormat.SEGMENT_HEADER_BYTES) {
            write();
            rotate();
        }
        if (buffered + len > buffer.capacity()) {
            write(); // still before the group's WAL record: the order that matters is kept
        }
        end = activeOffset + buffered;
        byte[] h = headerScratch;
        VlogFormat.putInt(h, 4, key.length);
        VlogFormat.putInt(h, 8, value.length);
        h[12] = (byte) cf;
        VlogFormat.putLong(h, 13, version);
        VlogFormat.putLong(h, 21, expiresAt);
        CRC32C crc = new CRC32C();
        crc.update(h, 4, h.length - 4);
        crc.update(key);
        crc.update(value);
        VlogFormat.putInt(h, 0, (int) crc.getValue());
        if (len > buffer.capacity()) {
            writeRecordDirectly(h, key, value);
        } else {
            buffer.put(buffered, h);
            buffer.put(buffered + h.length, key);
            buffer.put(buffered + h.length + key.length, value);
            buffered += len;
        }
        return VlogFormat.pointer(active.id, end, len, value.length);
    }

    /** Writes what {@link #add} buffered to the active segment (not fsynced). */
    public void write() {
        if (buffered == 0) {
            return;
        }
        ByteBuffer bb = buffer.duplicate().position(0).limit(buffered);
        buffered = 0;
        writeAll(bb);
    }

    private void writeRecordDirectly(byte[] header, byte[] key, byte[] value) {
        writeAll(ByteBuffer.wrap(header));
        writeAll(ByteBuffer.wrap(key));
        writeAll(ByteBuffer.wrap(value));
    }

    private void writeAll(ByteBuffer bb) {
        Segment s = active;
        try {
            long pos = activeOffset;
            while (bb.hasRemaining()) {
                pos += s.channel.write(bb, pos);
            }
            activeOffset = pos;
            dirty = true;
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw new NoKVException("writing value-log segment " + s.path + " at offset " + activeOffset + " failed: " + e, e);
        }
    }

    /** Drops what {@link #add} buffered but was not written (the group failed before its vlog write). */
    public void discardBuffered() {
        buffered = 0;
    }

    /**
     * Seals the active segment and starts the next one. The sealed segment is fsynced by the next
     * {@link #sync} (a synced write group, or the flush before its head edit), not here: an fsync of
     * a whole segment would stall every writer.
     */
    public void rotate() {
        Segment s = active;
        try {
            if (dirty) {
                unsyncedSealed.add(s);
            }
            dirty = false;
            startSegment(s.id + 1);
        } catch (IOException e) {
            failed = true;
            throw new NoKVException("rotating the value log after " + s.path + " failed: " + e, e);
        }
    }

    /** Fsyncs every segment with unsynced bytes: sealed ones first, then the active one. */
    public void sync() {
        for (Segment sealed : unsyncedSealed) {
            try {
                sealed.channel.force(false);
            } catch (ClosedChannelException e) {
                // deleted by GC or closed by close(): nothing left to make durable
            } catch (IOException e) {
                failed = true;
                throw new NoKVException("fsync of value-log segment " + sealed.path + " failed: " + e, e);
            }
            unsyncedSealed.remove(sealed);
        }
        if (!dirty) {
            return;
        }
        dirty = false; // before the fsync: a write racing with it sets it again
        Segment s = active;
        try {
            s.channel.force(false);
        } catch (ClosedChannelException e) {
            throw new NoKVException("value log in " + dir + " is closed", e);
        } catch (IOException e) {
            failed = true;
            throw new NoKVException("fsync of value-log segment " + s.path + " failed: " + e, e);
        }
    }

    public long activeSegment() {
        return active.id;
    }

    /** Bytes written to the active segment so far (its size). */
    public long activeOffset() {
        return activeOffset;
    }

    /** Bytes appended to the log since the position {@code (segment, offset)} (an estimate across segments). */
    public long bytesSince(long segment, long offset) {
        Segment a = active;
        if (a.id == segment) {
            return activeOffset - offset;
        }
        return (a.id - segment) * segmentBytes + activeOffset - offset;
    }

    // ---- reading (any thread) -------------------------------------------------------------------

    /**
     * The value a pointer names ({@code pointer[off, off + 16)}), checksum verified.
     *
     * @throws SegmentGoneException when GC deleted the segment (look the key up again)
     */
    public byte[] read(byte[] pointer, int off) {
        long id = VlogFormat.pointerSegment(pointer, off);
        long pos = VlogFormat.pointerOffset(pointer, off);
        int recLen = VlogFormat.pointerRecordLength(pointer, off);
        int valueLen = VlogFormat.pointerValueLength(pointer, off);
        Segment s = segments.get(id);
        if (s == null) {
            throw new SegmentGoneException("value-log segment " + id + " in " + dir + " is gone");
        }
        if (recLen < VlogFormat.RECORD_HEADER_BYTES + valueLen || valueLen < 0) {
            throw new NoKVException("bad value pointer into " + s.path + " at offset " + pos + " (record " + recLen + " bytes, value " + valueLen + ")");
        }
        try {
            if (recLen > DIRECT_READ_LIMIT) {
                byte[] rec = readFully(s.channel, pos, recLen, s.path);
                verify(rec, s, pos);
                return Arrays.copyOfRange(rec, recLen - valueLen, recLen);
            }
            ByteBuffer bb = READ_BUFFER.get();
            if (bb.capacity() < recLen) {
                bb = ByteBuffer.allocateDirect(Math.max(recLen, bb.capacity() * 2));
                READ_BUFFER.set(bb);
            }
            bb.clear().limit(recLen);
            while (bb.hasRemaining()) {
                int n = s.channel.read(bb, pos + bb.position());
                if (n < 0) {
                    throw new NoKVException("value-log segment " + s.path + " ends at offset " + (pos + bb.position())
                            + " inside the record at offset " + pos + " (" + recLen + " bytes)");
                }
            }
            bb.flip();
            int stored = bb.getInt(0);
            CRC32C crc = new CRC32C();
            bb.position(4);
            crc.update(bb);
            if ((int) crc.getValue() != stored) {
                throw new NoKVException("value-log segment " + s.path + " has a bad checksum in the record at offset " + pos);
            }
            byte[] out = new byte[valueLen];
            bb.get(recLen - valueLen, out);
            return out;
        } catch (ClosedChannelException e) {
            throw new SegmentGoneException("value-log segment " + s.path + " was closed by GC or close");
        } catch (IOException e) {
            throw new NoKVException("reading value-log segment " + s.path + " at offset " + pos + " failed: " + e, e);
        }
    }

    private static void verify(byte[] rec, Segment s, long pos) {
        if (!VlogFormat.checksumOk(rec, 0, rec.length)) {
            throw new NoKVException("value-log segment " + s.path + " has a bad checksum in the record at offset " + pos);
        }
    }

    /** True when the pointer names bytes this log holds (used by WAL replay to spot writes the vlog lost). */
    public boolean holds(byte[] pointer, int off) {
        long id = VlogFormat.pointerSegment(pointer, off);
        Segment s = segments.get(id);
        if (s == null) {
            return false;
        }
        long end = VlogFormat.pointerOffset(pointer, off) + VlogFormat.pointerRecordLength(pointer, off);
        try {
            return end <= (s == active ? activeOffset : s.channel.size());
        } catch (IOException e) {
            throw new NoKVException("cannot read the size of " + s.path + ": " + e, e);
        }
    }

    public boolean hasSegment(long id) {
        return segments.containsKey(id);
    }

    /** Highest segment id that exists. */
    public long newestSegment() {
        return active.id;
    }

    /** One record, as GC reads it back. */
    public record Record(long segment, long offset, int recordLength, int cf, byte[] key, long version, long expiresAt,
                         byte[] value) {
    }

    /** Reads every record of a sealed segment in order. */
    public void scan(long id, java.util.function.Consumer<Record> consumer) {
        Segment s = segments.get(id);
        if (s == null) {
            throw new SegmentGoneException("value-log segment " + id + " in " + dir + " is gone");
        }
        try {
            long size = s == active ? activeOffset : s.channel.size();
            long pos = VlogFormat.SEGMENT_HEADER_BYTES;
            while (pos < size) {
                byte[] h = readFully(s.channel, pos, VlogFormat.RECORD_HEADER_BYTES, s.path);
                int keyLen = VlogFormat.getInt(h, 4);
                int valueLen = VlogFormat.getInt(h, 8);
                int recLen = VlogFormat.recordBytes(keyLen, valueLen);
                byte[] rec = readFully(s.channel, pos, recLen, s.path);
                verify(rec, s, pos);
                int k = VlogFormat.RECORD_HEADER_BYTES;
                consumer.accept(new Record(id, pos, recLen, rec[12] & 0xff, Arrays.copyOfRange(rec, k, k + keyLen),
                        VlogFormat.getLong(rec, 13), VlogFormat.getLong(rec, 21), Arrays.copyOfRange(rec, k + keyLen, recLen)));
                pos += recLen;
            }
        } catch (IOException e) {
            throw new NoKVException("scanning value-log segment " + s.path + " failed: " + e, e);
        }
    }

    /** Segment id → size in bytes (the active one: bytes written). */
    public TreeMap<Long, Long> segmentSizes() {
        TreeMap<Long, Long> out = new TreeMap<>();
        Segment a = active;
        for (Segment s : segments.values()) {
            try {
                out.put(s.id, s == a ? activeOffset : s.channel.size());
            } catch (IOException e) {
                // closed by a concurrent delete: leave it out
            }
        }
        return out;
    }

    /** Closes and deletes a sealed segment; readers still holding its pointers get {@link SegmentGoneException}. */
    public void delete(long id) {
        Segment s = segments.get(id);
        if (s == null) {
            return;
        }
        if (s == active) {
            throw new IllegalStateException("cannot delete the active value-log segment " + s.path);
        }
        segments.remove(id);
        try {
            s.channel.close();
            Files.deleteIfExists(s.path);
            syncDir();
        } catch (IOException e) {
            throw new NoKVException("deleting value-log segment " + s.path + " failed: " + e, e);
        }
    }

    @Override
    public void close() {
        NoKVException failure = null;
        if (!failed) {
            try {
                sync();
            } catch (NoKVException e) {
                failure = e;
            }
        }
        for (Segment s : segments.values()) {
            try {
                s.channel.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = new NoKVException("closing value-log segment " + s.path + " failed: " + e, e);
                }
            }
        }
        segments.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
