package io.nokv.engine.vlog;

import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk formats of the value log (all integers big-endian; docs/engine-vlog.md).
 *
 * <p>Segment {@code <store>/vlog/%06d.vlog}: a 16-byte header {@code ["NOKVVLG1"][segment id: u64]}
 * followed by records. Record: {@code [crc32c: u32][key length: u32][value length: u32][cf: u8]
 * [version: u64][expires at millis: u64, 0 = never][user key][value]}; the CRC covers every byte
 * after itself. Pointer (the payload of a {@code VALUE_POINTER} entry): {@code [segment: u32]
 * [record offset: u32][record length: u32][value length: u32]}.
 */
public final class VlogFormat {
    public static final byte[] MAGIC = {'N', 'O', 'K', 'V', 'V', 'L', 'G', '1'};
    public static final int SEGMENT_HEADER_BYTES = 16;
    public static final int RECORD_HEADER_BYTES = 4 + 4 + 4 + 1 + 8 + 8;
    public static final int POINTER_BYTES = 16;
    /** Offsets are u32 and a segment is never appended to past its limit, so limits stay below this. */
    public static final long MAX_SEGMENT_BYTES = 1L << 30;

    /** Manifest metadata: {@code [segment: u64][offset: u64]}, the vlog end covered by flushed tables. */
    public static final String META_HEAD = "vlog.head";
    /** Manifest metadata: repeated {@code [segment: u64][stale bytes: u64]}. */
    public static final String META_DISCARD = "vlog.discard";
    /** Manifest metadata: repeated {@code [segment: u64]}, segments GC emptied and will delete. */
    public static final String META_PENDING_DELETE = "vlog.pending-delete";

    private VlogFormat() {
    }

    public static Path dir(Path storeDir) {
        return storeDir.resolve("vlog");
    }

    public static Path segmentPath(Path storeDir, long segment) {
        return dir(storeDir).resolve(String.format("%06d.vlog", segment));
    }

    /**
     * The segment id of a file name like {@code 000012.vlog}, or -1. {@code %06d} pads to six
     * digits but ids grow past 999999 (a pointer holds a u32 id): up to ten digits are accepted.
     */
    public static long segmentId(String fileName) {
        int digits = fileName.length() - ".vlog".length();
        if (digits < 6 || digits > 10 || !fileName.endsWith(".vlog")) {
            return -1;
        }
        for (int i = 0; i < digits; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(fileName.substring(0, digits));
    }

    public static int recordBytes(int keyLength, int valueLength) {
        return RECORD_HEADER_BYTES + keyLength + valueLength;
    }

    /** True when the record of {@code length} bytes at {@code pos} has a matching checksum. */
    public static boolean checksumOk(byte[] buf, int pos, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf, pos + 4, length - 4);
        return (int) crc.getValue() == getInt(buf, pos);
    }

    public static byte[] pointer(long segment, long offset, int recordLength, int valueLength) {
        byte[] p = new byte[POINTER_BYTES];
        putInt(p, 0, (int) segment);
        putInt(p, 4, (int) offset);
        putInt(p, 8, recordLength);
        putInt(p, 12, valueLength);
        return p;
    }

    public static long pointerSegment(byte[] p, int off) {
        return getInt(p, off) & 0xffffffffL;
    }

    public static long pointerOffset(byte[] p, int off) {
        return getInt(p, off + 4) & 0xffffffffL;
    }

    public static int pointerRecordLength(byte[] p, int off) {
        return getInt(p, off + 8);
    }

    public static int pointerValueLength(byte[] p, int off) {
        return getInt(p, off + 12);
    }

    public static int putInt(byte[] b, int pos, int v) {
        b[pos] = (byte) (v >>> 24);
        b[pos + 1] = (byte) (v >>> 16);
        b[pos + 2] = (byte) (v >>> 8);
        b[pos + 3] = (byte) v;
        return pos + 4;
    }

    public static int putLong(byte[] b, int pos, long v) {
        for (int i = 7; i >= 0; i--) {
            b[pos + i] = (byte) v;
            v >>>= 8;
        }
        return pos + 8;
    }

    public static int getInt(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
    }

    public static long getLong(byte[] b, int pos) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[pos + i] & 0xff);
        }
        return v;
    }
}
