package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;
import io.nokv.engine.key.EntryValue;
import io.nokv.engine.key.InternalKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes one table (format: docs/engine-sst.md). Everything goes to {@code finalPath + ".tmp"};
 * {@link #finish()} fsyncs it, renames it to {@code finalPath} and fsyncs the directory, so a table
 * under its final name is always complete. Not thread-safe. The writer keeps a reference to the
 * last added key, so keys must not be modified after {@link #add}.
 */
public final class SstWriter implements AutoCloseable {
    /** Encoded blocks are buffered and written in chunks of about this size. */
    private static final int WRITE_CHUNK_BYTES = 256 << 10;

    private final Path finalPath;
    private final Path tmpPath;
    private final SstOptions options;
    private final FileChannel channel;
    private final BlockBuilder dataBlock;
    private final BlockBuilder indexBlock = new BlockBuilder(4096);
    private final BlockCodec.Encoder dataEncoder;
    private final BlockCodec.Encoder plainEncoder = new BlockCodec.Encoder(io.nokv.engine.Options.Compression.NONE);
    private final ByteSink pendingWrites = new ByteSink(WRITE_CHUNK_BYTES + 8192);
    private final ByteSink handleScratch = new ByteSink(20);

    private long fileOffset;
    private BlockHandle pendingIndexHandle;
    private long[] bloomHashes;
    private int bloomCount;

    private byte[] firstKey;
    private byte[] lastKey;
    private long minVersion = Long.MAX_VALUE;
    private long maxVersion = Long.MIN_VALUE;
    private long entries;
    private long tombstones;
    /** No more adds: finished, failed or aborted. */
    private boolean done;
    private boolean finished;

    public SstWriter(Path finalPath, SstOptions options) {
        if (options.blockBytes() <= 0 || options.bloomBitsPerKey() < 0) {
            throw new IllegalArgumentException("bad SST options " + options);
        }
        this.finalPath = finalPath;
        this.tmpPath = finalPath.resolveSibling(finalPath.getFileName() + ".tmp");
        this.options = options;
        this.dataBlock = new BlockBuilder(options.blockBytes());
        this.dataEncoder = new BlockCodec.Encoder(options.compression());
        this.bloomHashes = options.bloomBitsPerKey() > 0 ? new long[1024] : null;
        try {
            this.channel = FileChannel.open(tmpPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new NoKVException("cannot create " + tmpPath + ": " + e, e);
        }
    }

    /**
     * Appends an entry; keys must be strictly ascending by {@link InternalKey#COMPARATOR}.
     *
     * @throws IllegalArgumentException for an out-of-order or malformed key, or an empty value
     */
    public void add(byte[] internalKey, byte[] entryValue) {
        if (done) {
            throw new IllegalStateException("SST writer for " + finalPath + " is already finished or aborted");
        }
        if (internalKey.length < 1 + InternalKey.TRAILER_BYTES) {
            throw new IllegalArgumentException("internal key of " + internalKey.length + " bytes is too short");
        }
        if (entryValue.length == 0) {
            throw new IllegalArgumentException("entry value must hold at least its kind byte");
        }
        if (lastKey != null && InternalKey.compare(lastKey, internalKey) >= 0) {
            throw new IllegalArgumentException("keys out of order in " + finalPath + ": "
                    + hex(internalKey) + " after " + hex(lastKey));
        }
        if (pendingIndexHandle != null) {
            addIndexEntry(separator(lastKey, internalKey), pendingIndexHandle);
            pendingIndexHandle = null;
        }
        if (bloomHashes != null && (lastKey == null || !InternalKey.sameLookupPrefix(lastKey, internalKey))) {
            if (bloomCount == bloomHashes.length) {
                bloomHashes = Arrays.copyOf(bloomHashes, bloomCount * 2);
            }
            bloomHashes[bloomCount++] = BloomFilter.hash(internalKey, 0, internalKey.length - InternalKey.TRAILER_BYTES);
        }
        long version = InternalKey.version(internalKey);
        minVersion = Math.min(minVersion, version);
        maxVersion = Math.max(maxVersion, version);
        entries++;
        if (entryValue[0] == EntryValue.KIND_DELETE) {
            tombstones++;
        }
        if (firstKey == null) {
            firstKey = internalKey.clone();
        }
        lastKey = internalKey;
        dataBlock.add(internalKey, entryValue);
        if (dataBlock.estimatedSize() >= options.blockBytes()) {
            flushDataBlock();
        }
    }

    public long entries() {
        return entries;
    }

    /** Bytes the file would have if finished now (close enough to cut compaction outputs). */
    public long estimatedSize() {
        long bloomBytes = bloomHashes == null ? 0 : ((long) bloomCount * options.bloomBitsPerKey()) / 8;
        return fileOffset + dataBlock.estimatedSize() + indexBlock.estimatedSize() + bloomBytes + Footer.BYTES;
    }

    /**
     * Writes the filter, properties, index and footer, makes the file durable under its final name
     * and returns its properties.
     *
     * @throws IllegalStateException when nothing was added (abort such a writer instead)
     */
    public SstProperties finish() {
        if (done) {
            throw new IllegalStateException("SST writer for " + finalPath + " is already finished or aborted");
        }
        if (entries == 0) {
            throw new IllegalStateException("no entries were added to " + finalPath + "; abort it instead");
        }
        boolean moved = false;
        try {
            if (!dataBlock.isEmpty()) {
                flushDataBlock();
            }
            addIndexEntry(lastKey, pendingIndexHandle);
            pendingIndexHandle = null;
            BlockHandle filter = BlockHandle.NONE;
            if (bloomHashes != null) {
                byte[] bloom = BloomFilter.build(bloomHashes, bloomCount, options.bloomBitsPerKey());
                filter = writeBlock(plainEncoder, bloom, bloom.length);
                bloomHashes = null;
            }
            SstProperties props = new SstProperties(0, firstKey, lastKey.clone(), minVersion, maxVersion, entries, tombstones);
            ByteSink meta = new ByteSink(64 + firstKey.length + lastKey.length);
            PropertiesCodec.encode(props, meta);
            BlockHandle metaHandle = writeBlock(plainEncoder, meta.array(), meta.size());
            ByteSink index = indexBlock.finish();
            BlockHandle indexHandle = writeBlock(plainEncoder, index.array(), index.size());
            byte[] footer = new Footer(indexHandle, filter, metaHandle).encode();
            pendingWrites.write(footer, 0, footer.length);
            fileOffset += footer.length;
            drainWrites();
            channel.force(true);
            channel.close();
            Files.move(tmpPath, finalPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            fsyncDirectory(finalPath.toAbsolutePath().getParent());
            done = true;
            finished = true;
            return new SstProperties(fileOffset, props.smallest(), props.largest(), minVersion, maxVersion, entries, tombstones);
        } catch (IOException | RuntimeException e) {
            abort();
            if (moved) {
                // Renamed but not durably: callers treat the table as never written.
                deleteQuietly(finalPath);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new NoKVException("cannot write " + tmpPath + ": " + e, e);
        }
    }

    /** Deletes the temporary file; the writer cannot be used afterwards. No-op once finished. */
    public void abort() {
        if (finished) {
            return;
        }
        done = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // The file is deleted next; nothing more to save.
        }
        deleteTmp();
    }

    @Override
    public void close() {
        abort();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: an orphan table is ignored by recovery.
        }
    }

    private void deleteTmp() {
        try {
            Files.deleteIfExists(tmpPath);
        } catch (IOException e) {
            throw new NoKVException("cannot delete " + tmpPath + ": " + e, e);
        }
    }

    private void flushDataBlock() {
        ByteSink raw = dataBlock.finish();
        pendingIndexHandle = writeBlock(dataEncoder, raw.array(), raw.size());
        dataBlock.reset();
    }

    private BlockHandle writeBlock(BlockCodec.Encoder encoder, byte[] raw, int len) {
        long offset = fileOffset;
        int stored = encoder.encode(raw, len, pendingWrites);
        fileOffset += stored + BlockCodec.TRAILER_BYTES;
        if (pendingWrites.size() >= WRITE_CHUNK_BYTES) {
            try {
                drainWrites();
            } catch (IOException e) {
                throw new NoKVException("cannot write " + tmpPath + " at offset " + offset + ": " + e, e);
            }
        }
        return new BlockHandle(offset, stored);
    }

    private void drainWrites() throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(pendingWrites.array(), 0, pendingWrites.size());
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        pendingWrites.reset();
    }

    private void addIndexEntry(byte[] separator, BlockHandle handle) {
        handleScratch.reset();
        handleScratch.writeVarint(handle.offset());
        handleScratch.writeVarint(handle.size());
        indexBlock.add(separator, handleScratch.toByteArray());
    }

    /**
     * A short key s with {@code last <= s < next}: when the lookup prefixes differ at some byte that
     * can be bumped without reaching {@code next}'s, s is the bumped prefix with the smallest trailer
     * (version Long.MAX_VALUE, which no entry has); otherwise {@code last} itself.
     */
    static byte[] separator(byte[] last, byte[] next) {
        int la = last.length - InternalKey.TRAILER_BYTES;
        int lb = next.length - InternalKey.TRAILER_BYTES;
        int d = Arrays.mismatch(last, 0, la, next, 0, lb);
        if (d < 0 || d >= la || d >= lb || d + 1 >= la) {
            return last;
        }
        int a = last[d] & 0xFF;
        if (a == 0xFF || a + 1 >= (next[d] & 0xFF)) {
            return last;
        }
        byte[] s = new byte[d + 1 + InternalKey.TRAILER_BYTES];
        System.arraycopy(last, 0, s, 0, d);
        s[d] = (byte) (a + 1);
        return s;
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
        }
        return sb.toString();
    }
}
