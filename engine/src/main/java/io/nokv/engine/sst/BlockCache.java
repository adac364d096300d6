package io.nokv.engine.sst;

import java.util.concurrent.atomic.LongAdder;

/**
 * Decoded data blocks (checksum verified, decompressed) shared by every open table, bounded by the
 * total bytes of the blocks it holds. Keyed by (file id, block offset): file ids are never reused,
 * so a compacted-away file's blocks can only age out or be dropped by {@link #evictFile(long)}.
 * A capacity of 0 disables caching; hits and misses are still counted.
 *
 * <p>A sharded CLOCK cache (like RocksDB's): a hit is one concurrent-map lookup plus setting the
 * block's reference bit, with no lock, no buffer and no maintenance on the reader's thread; a put
 * (after a disk read anyway) takes its shard's lock and evicts there until the shard is within its
 * share of the capacity, so the byte bound is exact when the put returns. We replaced Caffeine here
 * because its bookkeeping was a quarter of a cold read's time: done on the reader threads (a
 * synchronous executor), or handed to the common pool, which on a loaded 2-CPU box cost a thread
 * wake-up per drain and still fell back to the readers when its buffers filled.
 */
public final class BlockCache {
    /** Shards hold at least this much, so small caches (tests) are not split into uselessly small ones. */
    private static final long MIN_SHARD_BYTES = 512 << 10;
    private static final int MAX_SHARDS = 16;

    private final BlockCacheShard[] shards;
    private final int shardMask;
    private final long capacityBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("block cache capacity must be >= 0, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        if (capacityBytes == 0) {
            shards = null;
            shardMask = 0;
            return;
        }
        int n = 1;
        while (n < MAX_SHARDS && capacityBytes / (n * 2L) >= MIN_SHARD_BYTES) {
            n *= 2;
        }
        shards = new BlockCacheShard[n];
        shardMask = n - 1;
        for (int i = 0; i < n; i++) {
            // The remainder goes to shard 0, so the shard capacities add up to exactly the total.
            shards[i] = new BlockCacheShard(capacityBytes / n + (i == 0 ? capacityBytes % n : 0));
        }
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    /** Bytes held now (block data plus a small per-block overhead). */
    public long usedBytes() {
        long used = 0;
        if (shards != null) {
            for (BlockCacheShard s : shards) {
                used += s.usedBytes();
            }
        }
        return used;
    }

    /** Drops every block of a file, e.g. once compaction has deleted it; costs O(shards + blocks of that file). */
    public void evictFile(long fileId) {
        if (shards != null) {
            for (BlockCacheShard s : shards) {
                s.evictFile(fileId);
            }
        }
    }

    Block get(long fileId, long offset) {
        Block b = null;
        if (shards != null) {
            BlockCacheShard.Key key = new BlockCacheShard.Key(fileId, offset);
            b = shards[key.hashCode() & shardMask].get(key);
        }
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    void put(long fileId, long offset, Block block) {
        if (shards != null) {
            BlockCacheShard.Key key = new BlockCacheShard.Key(fileId, offset);
            shards[key.hashCode() & shardMask].put(key, block);
        }
    }
}
