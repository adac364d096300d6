package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;

import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The fixed {@value #BYTES}-byte end of every table: {@code [index offset 8][index size 8]
 * [filter offset 8][filter size 8][meta offset 8][meta size 8][format version 4][magic 8]
 * [crc32c of the preceding 60 bytes: 4]}, all little-endian. A filter size of 0 means "no filter".
 */
record Footer(BlockHandle index, BlockHandle filter, BlockHandle meta) {
    static final int BYTES = 64;
    static final int FORMAT_VERSION = 1;
    static final long MAGIC = 0x4E6F4B5653535431L; // "NoKVSST1"

    byte[] encode() {
        byte[] out = new byte[BYTES];
        putHandle(out, 0, index);
        putHandle(out, 16, filter);
        putHandle(out, 32, meta);
        Bytes.putIntLE(out, 48, FORMAT_VERSION);
        Bytes.putLongLE(out, 52, MAGIC);
        Bytes.putIntLE(out, 60, crc(out));
        return out;
    }

    /**
     * @param fileSize the whole file's size; every handle must end before the footer
     */
    static Footer decode(Path file, byte[] b, long fileSize) {
        long footerOffset = fileSize - BYTES;
        if (Bytes.getLongLE(b, 52) != MAGIC) {
            throw bad(file, footerOffset, "bad magic number (not an SST or truncated)");
        }
        int storedCrc = Bytes.getIntLE(b, 60);
        if (storedCrc != crc(b)) {
            throw bad(file, footerOffset, "footer checksum mismatch");
        }
        int version = Bytes.getIntLE(b, 48);
        if (version != FORMAT_VERSION) {
            throw bad(file, footerOffset, "unsupported format version " + version);
        }
        Footer f = new Footer(handle(file, b, 0, footerOffset), handle(file, b, 16, footerOffset),
                handle(file, b, 32, footerOffset));
        if (f.index.size() == 0 || f.meta.size() == 0) {
            throw bad(file, footerOffset, "footer has no index or meta block");
        }
        return f;
    }

    private static BlockHandle handle(Path file, byte[] b, int off, long footerOffset) {
        long offset = Bytes.getLongLE(b, off);
        long size = Bytes.getLongLE(b, off + 8);
        if (size == 0) {
            return BlockHandle.NONE;
        }
        if (offset < 0 || size < 0 || size > Integer.MAX_VALUE - BlockCodec.TRAILER_BYTES
                || offset + size + BlockCodec.TRAILER_BYTES > footerOffset) {
            throw bad(file, footerOffset, "block handle (" + offset + ", " + size + ") outside the file");
        }
        return new BlockHandle(offset, (int) size);
    }

    private static void putHandle(byte[] out, int off, BlockHandle h) {
        Bytes.putLongLE(out, off, h.offset());
        Bytes.putLongLE(out, off + 8, h.size());
    }

    private static int crc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, BYTES - 4);
        return (int) crc.getValue();
    }

    private static NoKVException bad(Path file, long offset, String detail) {
        return new NoKVException("bad footer in " + file + " at offset " + offset + ": " + detail);
    }
}
