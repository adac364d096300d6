package io.nokv.engine.iterator;

/**
 * A cursor over (internal key, entry value) pairs in {@link io.nokv.engine.key.InternalKey#COMPARATOR}
 * order. Memtables, SST files, levels and merges of them all implement it. Keys and values returned
 * must not be modified by the caller.
 */
public interface InternalIterator extends AutoCloseable {
    boolean valid();

    void seekToFirst();

    void seekToLast();

    /** First entry with key >= target. */
    void seek(byte[] internalKey);

    /** Last entry with key <= target. */
    void seekForPrev(byte[] internalKey);

    void next();

    void prev();

    byte[] key();

    byte[] value();

    @Override
    void close();
}
