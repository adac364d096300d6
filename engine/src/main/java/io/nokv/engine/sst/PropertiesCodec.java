package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The meta block's payload: {@code [smallest: varint length + bytes][largest: same]
 * [min version 8][max version 8][entries 8][tombstones 8]} (fixed fields little-endian). The file
 * size is not stored; the reader takes it from the file.
 */
final class PropertiesCodec {
    private PropertiesCodec() {
    }

    static void encode(SstProperties p, ByteSink out) {
        out.writeLengthPrefixed(p.smallest());
        out.writeLengthPrefixed(p.largest());
        out.writeLongLE(p.minVersion());
        out.writeLongLE(p.maxVersion());
        out.writeLongLE(p.entries());
        out.writeLongLE(p.tombstones());
    }

    static SstProperties decode(Path file, BlockHandle handle, byte[] b, long fileSize) {
        try {
            int[] pos = {0};
            byte[] smallest = lengthPrefixed(b, pos);
            byte[] largest = lengthPrefixed(b, pos);
            int p = pos[0];
            if (p + 32 != b.length) {
                throw new IllegalArgumentException("meta block has " + b.length + " bytes, expected " + (p + 32));
            }
            return new SstProperties(fileSize, smallest, largest, Bytes.getLongLE(b, p), Bytes.getLongLE(b, p + 8),
                    Bytes.getLongLE(b, p + 16), Bytes.getLongLE(b, p + 24));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new NoKVException("corrupt meta block in " + file + " at offset " + handle.offset() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] lengthPrefixed(byte[] b, int[] pos) {
        int p = pos[0];
        long len = 0;
        int shift = 0;
        byte x;
        do {
            x = b[p++];
            len |= (long) (x & 0x7F) << shift;
            shift += 7;
        } while (x < 0 && shift < 35);
        if (len < 0 || p + len > b.length) {
            throw new IllegalArgumentException("key length " + len + " past the block end");
        }
        pos[0] = p + (int) len;
        return Arrays.copyOfRange(b, p, p + (int) len);
    }
}
