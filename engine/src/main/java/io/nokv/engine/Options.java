package io.nokv.engine;

import io.nokv.engine.vlog.VlogFormat;

import java.nio.file.Path;
import java.time.Clock;

/** Settings for one store. Defaults follow RocksDB's where the two have the same knob. */
public final class Options {
    public enum Compression { NONE, LZ4 }

    private Path dir;
    private long memtableBytes = 64L << 20;
    private int blockBytes = 4 << 10;
    private long blockCacheBytes = 64L << 20;
    private int bloomBitsPerKey = 10;
    private Compression compression = Compression.NONE;
    private boolean syncWrites = false;
    private long walSegmentBytes = 64L << 20;
    private long manifestRewriteBytes = 4L << 20;
    private int l0CompactionTrigger = 4;
    private int l0SlowdownTrigger = 20;
    private int l0StopTrigger = 36;
    private long levelBaseBytes = 256L << 20;
    private int levelMultiplier = 10;
    private long targetFileBytes = 64L << 20;
    private int maxLevels = 7;
    private int compactionThreads = 1;
    private boolean keepVersionsUntilSafePoint = false;
    private int valueThreshold = 4 << 10;
    private long vlogSegmentBytes = 128L << 20;
    private double vlogGcThreshold = 0.5;
    private long vlogGcIntervalMillis = 30_000;
    private Clock clock = Clock.systemUTC();
    private int hotKeyTopN = 16;
    private int hotKeySampleEvery = 8;
    private long statsFileIntervalMs = 10_000;

    public static Options at(Path dir) {
        return new Options().dir(dir);
    }

    /** Checks every setting and names the first bad one. */
    public Options validate() {
        if (dir == null) {
            throw new IllegalArgumentException("Options.dir is not set");
        }
        positive("memtableBytes", memtableBytes);
        positive("blockBytes", blockBytes);
        positive("walSegmentBytes", walSegmentBytes);
        positive("manifestRewriteBytes", manifestRewriteBytes);
        positive("levelBaseBytes", levelBaseBytes);
        positive("targetFileBytes", targetFileBytes);
        positive("compactionThreads", compactionThreads);
        positive("valueThreshold", valueThreshold);
        positive("vlogSegmentBytes", vlogSegmentBytes);
        if (vlogSegmentBytes > VlogFormat.MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("Options.vlogSegmentBytes must be <= " + VlogFormat.MAX_SEGMENT_BYTES + ", got " + vlogSegmentBytes);
        }
        if (!(vlogGcThreshold > 0 && vlogGcThreshold <= 1)) {
            throw new IllegalArgumentException("Options.vlogGcThreshold must be in (0, 1], got " + vlogGcThreshold);
        }
        if (vlogGcIntervalMillis < 0) {
            throw new IllegalArgumentException("Options.vlogGcIntervalMillis must be >= 0, got " + vlogGcIntervalMillis);
        }
        if (clock == null) {
            throw new IllegalArgumentException("Options.clock is not set");
        }
        positive("hotKeySampleEvery", hotKeySampleEvery);
        if (statsFileIntervalMs < 0) {
            throw new IllegalArgumentException("Options.statsFileIntervalMs must be >= 0, got " + statsFileIntervalMs);
        }
        if (hotKeyTopN < 0) {
            throw new IllegalArgumentException("Options.hotKeyTopN must be >= 0, got " + hotKeyTopN);
        }
        if (blockCacheBytes < 0) {
            throw new IllegalArgumentException("Options.blockCacheBytes must be >= 0, got " + blockCacheBytes);
        }
        if (bloomBitsPerKey < 0) {
            throw new IllegalArgumentException("Options.bloomBitsPerKey must be >= 0, got " + bloomBitsPerKey);
        }
        if (levelMultiplier < 2) {
            throw new IllegalArgumentException("Options.levelMultiplier must be >= 2, got " + levelMultiplier);
        }
        if (maxLevels < 2) {
            throw new IllegalArgumentException("Options.maxLevels must be >= 2, got " + maxLevels);
        }
        if (!(l0CompactionTrigger >= 1 && l0CompactionTrigger <= l0SlowdownTrigger && l0SlowdownTrigger <= l0StopTrigger)) {
            throw new IllegalArgumentException("Options need 1 <= l0CompactionTrigger <= l0SlowdownTrigger <= l0StopTrigger, got "
                    + l0CompactionTrigger + ", " + l0SlowdownTrigger + ", " + l0StopTrigger);
        }
        return this;
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException("Options." + name + " must be > 0, got " + v);
        }
    }

    public Path dir() { return dir; }
    public Options dir(Path v) { dir = v; return this; }

    public long memtableBytes() { return memtableBytes; }
    public Options memtableBytes(long v) { memtableBytes = v; return this; }

    public int blockBytes() { return blockBytes; }
    public Options blockBytes(int v) { blockBytes = v; return this; }

    public long blockCacheBytes() { return blockCacheBytes; }
    public Options blockCacheBytes(long v) { blockCacheBytes = v; return this; }

    /** 0 turns bloom filters off. */
    public int bloomBitsPerKey() { return bloomBitsPerKey; }
    public Options bloomBitsPerKey(int v) { bloomBitsPerKey = v; return this; }

    public Compression compression() { return compression; }
    public Options compression(Compression v) { compression = v; return this; }

    /** When on, every write is acknowledged only after its WAL record is fsynced. */
    public boolean syncWrites() { return syncWrites; }
    public Options syncWrites(boolean v) { syncWrites = v; return this; }

    public long walSegmentBytes() { return walSegmentBytes; }
    public Options walSegmentBytes(long v) { walSegmentBytes = v; return this; }

    /** The manifest edit log is rewritten as a snapshot once it grows past this. */
    public long manifestRewriteBytes() { return manifestRewriteBytes; }
    public Options manifestRewriteBytes(long v) { manifestRewriteBytes = v; return this; }

    public int l0CompactionTrigger() { return l0CompactionTrigger; }
    public Options l0CompactionTrigger(int v) { l0CompactionTrigger = v; return this; }

    public int l0SlowdownTrigger() { return l0SlowdownTrigger; }
    public Options l0SlowdownTrigger(int v) { l0SlowdownTrigger = v; return this; }

    public int l0StopTrigger() { return l0StopTrigger; }
    public Options l0StopTrigger(int v) { l0StopTrigger = v; return this; }

    /** Target size of L1; each deeper level is {@link #levelMultiplier()} times larger. */
    public long levelBaseBytes() { return levelBaseBytes; }
    public Options levelBaseBytes(long v) { levelBaseBytes = v; return this; }

    public int levelMultiplier() { return levelMultiplier; }
    public Options levelMultiplier(int v) { levelMultiplier = v; return this; }

    public long targetFileBytes() { return targetFileBytes; }
    public Options targetFileBytes(long v) { targetFileBytes = v; return this; }

    public int maxLevels() { return maxLevels; }
    public Options maxLevels(int v) { maxLevels = v; return this; }

    public int compactionThreads() { return compactionThreads; }
    public Options compactionThreads(int v) { compactionThreads = v; return this; }

    /**
     * Off (default): like RocksDB, compaction keeps only the newest version of a key (plus what open
     * iterators still read). On (MVCC users such as the node): every version above the safe point is
     * kept, and the safe point starts at 0 until {@link DB#setSafePoint(long)} raises it.
     */
    public boolean keepVersionsUntilSafePoint() { return keepVersionsUntilSafePoint; }
    public Options keepVersionsUntilSafePoint(boolean v) { keepVersionsUntilSafePoint = v; return this; }

    /** Values of at least this many bytes go to the value log; the LSM keeps a 16-byte pointer. */
    public int valueThreshold() { return valueThreshold; }
    public Options valueThreshold(int v) { valueThreshold = v; return this; }

    /**
     * A value-log segment is sealed once the next record would take it past this. 128 MiB: the
     * unit of GC work (one rewrite moves at most half of it at the default threshold) and of
     * recovery's tail check, while a 1 TB log stays at ~8000 files.
     */
    public long vlogSegmentBytes() { return vlogSegmentBytes; }
    public Options vlogSegmentBytes(long v) { vlogSegmentBytes = v; return this; }

    /** GC rewrites a sealed segment once at least this share of its bytes is stale. */
    public double vlogGcThreshold() { return vlogGcThreshold; }
    public Options vlogGcThreshold(double v) { vlogGcThreshold = v; return this; }

    /** Background value-log GC rewrites at most one segment per this interval; 0 turns it off (manual GC still works). */
    public long vlogGcIntervalMillis() { return vlogGcIntervalMillis; }
    public Options vlogGcIntervalMillis(long v) { vlogGcIntervalMillis = v; return this; }

    /** Time source for TTL expiry (tests use a controllable clock). */
    public Clock clock() { return clock; }
    public Options clock(Clock v) { clock = v; return this; }

    /** Hot keys reported per kind (reads, writes) in {@link StatsSnapshot}; 0 turns hot-key tracking off. */
    public int hotKeyTopN() { return hotKeyTopN; }
    public Options hotKeyTopN(int v) { hotKeyTopN = v; return this; }

    /** Hot-key tracking samples one op in this many (1 = every op; more = cheaper, coarser). */
    public int hotKeySampleEvery() { return hotKeySampleEvery; }
    public Options hotKeySampleEvery(int v) { hotKeySampleEvery = v; return this; }

    /** How often the store rewrites its {@code STATS} file for offline tools (also at close); 0 = never. */
    public long statsFileIntervalMs() { return statsFileIntervalMs; }
    public Options statsFileIntervalMs(long v) { statsFileIntervalMs = v; return this; }
}
