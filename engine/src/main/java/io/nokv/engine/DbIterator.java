package io.nokv.engine;

/**
 * A cursor over one column family at a fixed read version. It sees, for each user key, the newest
 * version at or below the read version (or every such version when {@link IteratorOptions#allVersions}
 * is set); deleted keys are skipped. The iterator pins the files it reads, so compaction never
 * pulls data out from under it: close it.
 */
public interface DbIterator extends AutoCloseable {
    void seekToFirst();

    void seekToLast();

    /** Positions at the first key >= {@code key} (within bounds). */
    void seek(byte[] key);

    /** Positions at the last key <= {@code key} (within bounds). */
    void seekForPrev(byte[] key);

    boolean valid();

    void next();

    void prev();

    /** The user key (no column family, no version). */
    byte[] key();

    byte[] value();

    long version();

    @Override
    void close();
}
