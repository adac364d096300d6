package io.nokv.node.raft;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.VersionedValue;
import io.nokv.engine.WriteBatch;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionProtos;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A region's data as a file: every version of every key in {@code [start, end)} of the three column
 * families (the node's reserved keys excluded), plus the region's meta and the applied term/index.
 *
 * <p>Layout: magic {@code NKVSNAP1}, term (8), index (8), meta length (4) + RegionMeta protobuf, then
 * records {@code type(1) cf(1) keyLen(4) key version(8) [valLen(4) val]} with type 1 = put, 2 =
 * tombstone, 0 = end, then a CRC32 (8) of everything before it.
 *
 * <p>Tombstones: the engine's iterator hides them, so a key whose newest version is a delete would
 * export only its older, live versions and come back to life on the receiver. For every key whose
 * newest version is a tombstone we therefore find that tombstone's version (binary search with
 * {@link DB#getVersioned}, which sees through nothing above the read version) and export it. A
 * tombstone between two live versions is not carried: no reader depends on it (raw reads take the
 * newest version; MVCC reads the data version a write record names).
 */
public final class RegionSnapshot {
    private static final byte[] MAGIC = "NKVSNAP1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int PUT = 1;
    private static final int TOMBSTONE = 2;
    private static final int END = 0;
    private static final int INSTALL_BATCH_OPS = 1024;

    public record Header(long term, long index, RegionMeta meta) {
    }

    private RegionSnapshot() {
    }

    /** Writes the snapshot to {@code target} (through a temporary file, fsynced, renamed into place). */
    public static long export(DB db, RegionMeta meta, long term, long index, Path target) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        long records = 0;
        CRC32 crc = new CRC32();
        try (OutputStream fo = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new CheckedOutputStream(fo, crc), 1 << 16))) {
            out.write(MAGIC);
            out.writeLong(term);
            out.writeLong(index);
            byte[] m = RegionProtos.toProto(meta).toByteArray();
            out.writeInt(m.length);
            out.write(m);
            for (ColumnFamily cf : ColumnFamily.values()) {
                records += exportCf(db, meta, cf, out);
            }
            out.writeByte(END);
            out.flush();
            long sum = crc.getValue();
            fo.write(ByteBuffer.allocate(8).putLong(sum).array());
            fo.flush();
        }
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return records;
    }

    private static long exportCf(DB db, RegionMeta meta, ColumnFamily cf, DataOutputStream out) throws IOException {
        long n = 0;
        try (DbIterator it = db.newIterator(range(meta, cf))) {
            byte[] prevKey = null;
            for (it.seekToFirst(); it.valid(); it.next()) {
                byte[] key = it.key();
                if (cf == ColumnFamily.DEFAULT && ReservedKeys.isReserved(key)) {
                    continue;
                }
                boolean firstOfKey = prevKey == null || !Arrays.equals(prevKey, key);
                if (firstOfKey) {
                    prevKey = key.clone();
                    long tomb = newestTombstoneAbove(db, cf, key, it.version());
                    if (tomb >= 0) {
                        writeRecord(out, TOMBSTONE, cf, key, tomb, null);
                        n++;
                    }
                }
                writeRecord(out, PUT, cf, key, it.version(), it.value());
                n++;
            }
        }
        return n;
    }

    /** The version of a tombstone hiding {@code liveVersion} as the newest, or -1 when the live version is the newest. */
    private static long newestTombstoneAbove(DB db, ColumnFamily cf, byte[] key, long liveVersion) {
        if (db.getVersioned(cf, key, Long.MAX_VALUE - 1) != null) {
            return -1;
        }
        // getVersioned(r) is live for r < t and null for r >= t, where t is the tombstone's version.
        long lo = liveVersion + 1;
        long hi = Long.MAX_VALUE - 1;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            VersionedValue v = db.getVersioned(cf, key, mid);
            if (v == null) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    private static void writeRecord(DataOutputStream out, int type, ColumnFamily cf, byte[] key, long version,
                                    byte[] value) throws IOException {
        out.writeByte(type);
        out.writeByte(cf.ordinal());
        out.writeInt(key.length);
        out.write(key);
        out.writeLong(version);
        if (type == PUT) {
            out.writeInt(value.length);
            out.write(value);
        }
    }

    public static Header readHeader(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return header(in, file);
        }
    }

    /**
     * Replaces the region's data in the engine with the snapshot's: versions in range that the
     * snapshot does not hold are deleted, the snapshot's are written, and the applied index is set
     * last (so an interrupted install is redone from the file at the next start).
     */
    public static Header install(DB db, Path file, byte[] appliedKey) throws IOException {
        verifyChecksum(file);
        Header h;
        Set<ByteBuffer> wanted = new HashSet<>();
        try (DataInputStream in = open(file)) {
            h = header(in, file);
            for (Rec r = next(in); r != null; r = next(in)) {
                wanted.add(id(r.cf, r.key, r.version));
            }
        }
        WriteBatch batch = new WriteBatch();
        for (ColumnFamily cf : ColumnFamily.values()) {
            try (DbIterator it = db.newIterator(range(h.meta(), cf))) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    byte[] key = it.key();
                    if (cf == ColumnFamily.DEFAULT && ReservedKeys.isReserved(key)) {
                        continue;
                    }
                    if (!wanted.contains(id(cf, key, it.version()))) {
                        batch.delete(cf, key.clone(), it.version());
                        batch = flushIfFull(db, batch);
                    }
                }
            }
        }
        try (DataInputStream in = open(file)) {
            header(in, file);
            for (Rec r = next(in); r != null; r = next(in)) {
                if (r.type == PUT) {
                    batch.put(r.cf, r.key, r.version, r.value);
                } else {
                    batch.delete(r.cf, r.key, r.version);
                }
                batch = flushIfFull(db, batch);
            }
        }
        batch.put(ColumnFamily.DEFAULT, appliedKey, h.index(), ReservedKeys.encodeTermIndex(h.term(), h.index()));
        db.write(batch, true);
        return h;
    }

    private static WriteBatch flushIfFull(DB db, WriteBatch batch) {
        if (batch.size() < INSTALL_BATCH_OPS) {
            return batch;
        }
        db.write(batch);
        return new WriteBatch();
    }

    static IteratorOptions range(RegionMeta meta, ColumnFamily cf) {
        IteratorOptions o = IteratorOptions.defaults().columnFamily(cf).allVersions(true);
        if (meta.startKey().length > 0) {
            o.lowerBound(meta.startKey());
        }
        if (meta.endKey().length > 0) {
            o.upperBound(meta.endKey());
        }
        return o;
    }

    private record Rec(int type, ColumnFamily cf, byte[] key, long version, byte[] value) {
    }

    private static ByteBuffer id(ColumnFamily cf, byte[] key, long version) {
        return ByteBuffer.allocate(key.length + 9).put((byte) cf.ordinal()).put(key).putLong(version).flip();
    }

    private static DataInputStream open(Path file) throws IOException {
        return new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    private static Header header(DataInputStream in, Path file) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a NoKV region snapshot (bad magic)");
        }
        long term = in.readLong();
        long index = in.readLong();
        int len = in.readInt();
        if (len < 0 || len > (1 << 24)) {
            throw new IOException(file + ": region meta length " + len + " out of range");
        }
        byte[] m = new byte[len];
        in.readFully(m);
        try {
            return new Header(term, index, RegionProtos.fromProto(io.nokv.node.kv.proto.RegionMeta.parseFrom(m)));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": bad region meta: " + e.getMessage(), e);
        }
    }

    private static Rec next(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        if (type == END) {
            return null;
        }
        if (type != PUT && type != TOMBSTONE) {
            throw new IOException("snapshot record type " + type + " unknown");
        }
        int cfOrd = in.readUnsignedByte();
        if (cfOrd >= ColumnFamily.values().length) {
            throw new IOException("snapshot column family " + cfOrd + " unknown");
        }
        byte[] key = new byte[checkedLen(in.readInt())];
        in.readFully(key);
        long version = in.readLong();
        byte[] value = null;
        if (type == PUT) {
            value = new byte[checkedLen(in.readInt())];
            in.readFully(value);
        }
        return new Rec(type, ColumnFamily.values()[cfOrd], key, version, value);
    }

    private static int checkedLen(int n) throws IOException {
        if (n < 0 || n > (256 << 20)) {
            throw new IOException("snapshot record length " + n + " out of range");
        }
        return n;
    }

    private static void verifyChecksum(Path file) throws IOException {
        long size = Files.size(file);
        if (size < MAGIC.length + 8) {
            throw new IOException(file + ": snapshot truncated (" + size + " bytes)");
        }
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16), crc)) {
            long remaining = size - 8;
            byte[] buf = new byte[1 << 16];
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                if (n < 0) {
                    throw new EOFException(file + ": snapshot truncated");
                }
                remaining -= n;
            }
        }
        byte[] tail = new byte[8];
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            ch.read(ByteBuffer.wrap(tail), size - 8);
        }
        if (ByteBuffer.wrap(tail).getLong() != crc.getValue()) {
            throw new IOException(file + ": snapshot checksum mismatch");
        }
    }
}
