package io.nokv.engine.bench;

import java.nio.file.Path;

/**
 * The few operations the benchmark drives, so both engines run the very same loops. An instance
 * owns one open store; {@link #close()} releases it, and the next instance on the same directory
 * starts with a cold block cache.
 */
interface BenchEngine extends AutoCloseable {

    String name();

    void put(byte[] key, byte[] value);

    /** @return the value, or null when absent. */
    byte[] get(byte[] key);

    /** Seeks to {@code start} and steps up to {@code count} entries, touching key and value. @return entries seen. */
    int scan(byte[] start, int count);

    /** True once no flush or compaction is pending or running (the benchmark waits for it between phases). */
    boolean settled();

    /**
     * Makes the engine give back what overwrites left behind, as an operator would: a full
     * compaction, and for NoKV also value-log GC until no segment qualifies. Untimed.
     */
    void reclaimSpace();

    /** A one-line description of the tree shape, printed after each phase for diagnosis. */
    String shape();

    @Override
    void close();

    /** Identical settings for both engines; see {@link EngineBenchmark}. */
    record Settings(Path dir, long memtableBytes, long blockCacheBytes, int bloomBitsPerKey, int blockBytes) {
    }

    interface Opener {
        BenchEngine open(Settings settings);
    }
}
