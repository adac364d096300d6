package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;
import io.nokv.engine.Options;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;

import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Turns a raw block into its stored form and back. On disk a block is {@code [stored bytes]
 * [type: 1 byte][crc32c: 4 bytes LE]}; the CRC covers the stored bytes and the type byte. Type
 * {@link #TYPE_NONE}: stored bytes are the raw block. Type {@link #TYPE_LZ4}: {@code [raw length:
 * 4 bytes LE][LZ4 block]}. A block that LZ4 would not shrink by at least 1/8 is stored raw.
 */
final class BlockCodec {
    static final int TRAILER_BYTES = 5;
    static final byte TYPE_NONE = 0;
    static final byte TYPE_LZ4 = 1;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

    private BlockCodec() {
    }

    /** Compresses (if asked and worth it) into {@code out}, appending the trailer. */
    static final class Encoder {
        private final LZ4Compressor compressor;
        private final CRC32C crc = new CRC32C();
        private byte[] scratch = new byte[0];

        Encoder(Options.Compression compression) {
            this.compressor = compression == Options.Compression.LZ4 ? LZ4.fastCompressor() : null;
        }

        /** Appends the stored form of {@code raw[0, len)} plus trailer; returns the stored size. */
        int encode(byte[] raw, int len, ByteSink out) {
            int start = out.size();
            byte type = TYPE_NONE;
            if (compressor != null) {
                int max = 4 + compressor.maxCompressedLength(len);
                if (scratch.length < max) {
                    scratch = new byte[max];
                }
                int compressed = compressor.compress(raw, 0, len, scratch, 4, max - 4);
                if (4 + compressed <= len - len / 8) {
                    Bytes.putIntLE(scratch, 0, len);
                    out.write(scratch, 0, 4 + compressed);
                    type = TYPE_LZ4;
                }
            }
            if (type == TYPE_NONE) {
                out.write(raw, 0, len);
            }
            int storedSize = out.size() - start;
            out.writeByte(type);
            crc.reset();
            crc.update(out.array(), start, storedSize + 1);
            out.writeIntLE((int) crc.getValue());
            return storedSize;
        }
    }

    /**
     * Verifies and decodes a block read from disk: {@code buf} holds the stored bytes followed by
     * the trailer, exactly {@code handle.size() + TRAILER_BYTES} bytes. An uncompressed block keeps
     * {@code buf} as its data, so a cache miss costs one array.
     *
     * @throws NoKVException naming the file and the block offset on any mismatch
     */
    static Block decodeBlock(Path file, BlockHandle handle, byte[] buf) {
        byte[] raw = verifyAndDecompress(file, handle, buf);
        int limit = raw == buf ? handle.size() : raw.length;
        try {
            return new Block(raw, limit, file, handle.offset());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, handle, e.getMessage());
        }
    }

    /** Like {@link #decodeBlock} for blocks that are not in entry format (filter, properties). */
    static byte[] decodeRaw(Path file, BlockHandle handle, byte[] buf) {
        byte[] raw = verifyAndDecompress(file, handle, buf);
        return raw == buf ? java.util.Arrays.copyOf(buf, handle.size()) : raw;
    }

    private static byte[] verifyAndDecompress(Path file, BlockHandle handle, byte[] buf) {
        int size = handle.size();
        byte type = buf[size];
        int expected = Bytes.getIntLE(buf, size + 1);
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, size + 1);
        if ((int) crc.getValue() != expected) {
            throw corrupt(file, handle, String.format("checksum mismatch (stored %08x, computed %08x)",
                    expected, (int) crc.getValue()));
        }
        if (type == TYPE_NONE) {
            return buf;
        }
        if (type != TYPE_LZ4) {
            throw corrupt(file, handle, "unknown compression type " + type);
        }
        if (size < 4) {
            throw corrupt(file, handle, "LZ4 block of " + size + " bytes has no length prefix");
        }
        int rawLen = Bytes.getIntLE(buf, 0);
        if (rawLen < 0 || rawLen > (1 << 30)) {
            throw corrupt(file, handle, "implausible uncompressed length " + rawLen);
        }
        byte[] raw = new byte[rawLen];
        try {
            int n = LZ4.safeDecompressor().decompress(buf, 4, size - 4, raw, 0, rawLen);
            if (n != rawLen) {
                throw corrupt(file, handle, "LZ4 produced " + n + " bytes, expected " + rawLen);
            }
        } catch (LZ4Exception e) {
            throw corrupt(file, handle, "LZ4 decompression failed: " + e.getMessage());
        }
        return raw;
    }

    static NoKVException corrupt(Path file, BlockHandle handle, String detail) {
        return new NoKVException("corrupt block in " + file + " at offset " + handle.offset() + ": " + detail);
    }
}
