package io.nokv.engine.sst;

import io.nokv.engine.NoKVException;
import io.nokv.engine.iterator.Entry;
import io.nokv.engine.iterator.InternalIterator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An open table. The index, bloom filter and properties are read (and verified) at open and kept
 * in memory; data blocks are read with positional reads, verified on every read from disk and
 * shared through the optional {@link BlockCache}. Safe for concurrent use by any number of threads.
 */
public final class SstReader implements AutoCloseable {
    private final Path path;
    private final long fileId;
    private final BlockCache cache;
    private final TableIndex index;
    private final BloomFilter bloom;
    private final SstProperties properties;
    private volatile FileChannel channel;
    private volatile boolean closed;

    private SstReader(Path path, long fileId, BlockCache cache, FileChannel channel) {
        this.path = path;
        this.fileId = fileId;
        this.cache = cache;
        this.channel = channel;
        long size;
        try {
            size = channel.size();
        } catch (IOException e) {
            throw new NoKVException("cannot read the size of " + path + ": " + e, e);
        }
        if (size < Footer.BYTES) {
            throw new NoKVException("truncated SST " + path + ": " + size + " bytes, smaller than the "
                    + Footer.BYTES + "-byte footer");
        }
        Footer footer = Footer.decode(path, readBytes(size - Footer.BYTES, Footer.BYTES), size);
        this.properties = PropertiesCodec.decode(path, footer.meta(), BlockCodec.decodeRaw(path, footer.meta(),
                readStored(footer.meta())), size);
        this.index = TableIndex.decode(path, footer.index(),
                BlockCodec.decodeBlock(path, footer.index(), readStored(footer.index())), size - Footer.BYTES);
        if (footer.filter().size() == 0) {
            this.bloom = null;
        } else {
            BloomFilter parsed = BloomFilter.parse(BlockCodec.decodeRaw(path, footer.filter(), readStored(footer.filter())));
            if (parsed == null) {
                throw BlockCodec.corrupt(path, footer.filter(), "malformed bloom filter");
            }
            this.bloom = parsed;
        }
    }

    /**
     * Opens and verifies a finished table.
     *
     * @param cacheOrNull shared block cache, or null to read every block from disk
     * @throws NoKVException naming the file when it is missing, truncated or corrupt
     */
    public static SstReader open(Path path, long fileId, BlockCache cacheOrNull) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new NoKVException("cannot open SST " + path + ": " + e, e);
        }
        try {
            return new SstReader(path, fileId, cacheOrNull, ch);
        } catch (RuntimeException e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public long fileId() {
        return fileId;
    }

    public Path path() {
        return path;
    }

    public SstProperties properties() {
        return properties;
    }

    /** False only when no version of the key (lookup prefix = cf + user key) is in this table. */
    public boolean mayContain(byte[] lookupPrefix) {
        return bloom == null || bloom.mayContain(lookupPrefix);
    }

    /** Size of the bloom filter in bits; 0 when the table has none. For tests. */
    int bloomBitCount() {
        return bloom == null ? 0 : bloom.bitCount();
    }

    /** First entry with key >= {@code internalKey}, or null. Does not consult the bloom filter. */
    public Entry ceiling(byte[] internalKey) {
        int n = index.blockCount();
        for (int i = index.find(internalKey); i < n; i++) {
            BlockCursor c = block(i).cursor();
            c.seek(internalKey);
            if (c.valid()) {
                return new Entry(c.key(), c.value());
            }
        }
        return null;
    }

    public InternalIterator iterator() {
        return new SstIterator(this, index);
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw new NoKVException("cannot close " + path + ": " + e, e);
        }
    }

    /** Data block {@code i} of the index, from the cache or verified from disk. */
    Block block(int i) {
        long offset = index.offset(i);
        if (cache != null) {
            Block cached = cache.get(fileId, offset);
            if (cached != null) {
                return cached;
            }
        }
        BlockHandle handle = index.handle(i);
        Block b = BlockCodec.decodeBlock(path, handle, readStored(handle));
        if (cache != null) {
            cache.put(fileId, offset, b);
        }
        return b;
    }

    private byte[] readStored(BlockHandle h) {
        return readBytes(h.offset(), h.size() + BlockCodec.TRAILER_BYTES);
    }

    private byte[] readBytes(long offset, int len) {
        byte[] out = new byte[len];
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                FileChannel ch = channel;
                try {
                    ByteBuffer buf = ByteBuffer.wrap(out);
                    while (buf.hasRemaining()) {
                        int n = ch.read(buf, offset + buf.position());
                        if (n < 0) {
                            throw new NoKVException("truncated SST " + path + ": wanted " + len + " bytes at offset "
                                    + offset + ", file ends at " + (offset + buf.position()));
                        }
                    }
                    return out;
                } catch (ClosedChannelException e) {
                    // An interrupted reader closes the channel for every thread; unless we were
                    // closed on purpose, reopen it and retry with the interrupt held back.
                    if (closed || attempt >= 3) {
                        throw new NoKVException("SST " + path + " is closed (reading offset " + offset + ")", e);
                    }
                    interrupted |= Thread.interrupted();
                    reopen(ch);
                } catch (IOException e) {
                    throw new NoKVException("cannot read " + path + " at offset " + offset + ": " + e, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized void reopen(FileChannel failed) {
        if (channel != failed || closed) {
            return;
        }
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new NoKVException("cannot reopen " + path + ": " + e, e);
        }
    }
}
