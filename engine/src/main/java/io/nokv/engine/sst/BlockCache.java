package io.nokv.engine.sst;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Decoded data blocks (checksum verified, decompressed) shared by every open table, bounded by the
 * total bytes of the blocks it holds. Keyed by (file id, block offset): file ids are never reused,
 * so a compacted-away file's blocks can only age out or be dropped by {@link #evictFile(long)}.
 * A capacity of 0 disables caching; hits and misses are still counted.
 */
public final class BlockCache {
    private record Key(long fileId, long offset) {
    }

    private final Cache<Key, Block> cache;
    private final long capacityBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public BlockCache(long capacityBytes) {
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("block cache capacity must be >= 0, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.cache = capacityBytes == 0 ? null : Caffeine.newBuilder()
                .maximumWeight(capacityBytes)
                .weigher((Key k, Block b) -> b.weight())
                // Maintenance (eviction) on the calling threads: no dependency on the common pool,
                // and the byte bound holds as soon as a put returns.
                .executor(Runnable::run)
                .build();
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
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Drops every block of a file, e.g. once compaction has deleted it. */
    public void evictFile(long fileId) {
        if (cache != null) {
            cache.asMap().keySet().removeIf(k -> k.fileId == fileId);
        }
    }

    Block get(long fileId, long offset) {
        Block b = cache == null ? null : cache.getIfPresent(new Key(fileId, offset));
        if (b == null) {
            misses.increment();
        } else {
            hits.increment();
        }
        return b;
    }

    void put(long fileId, long offset, Block block) {
        if (cache != null) {
            cache.put(new Key(fileId, offset), block);
        }
    }
}
