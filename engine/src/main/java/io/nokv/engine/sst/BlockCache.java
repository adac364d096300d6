package io.nokv.engine.sst;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decoded data blocks (checksum verified, decompressed) shared by every open table, bounded by the
 * total bytes of the blocks it holds. Keyed by (file id, block offset): file ids are never reused,
 * so a compacted-away file's blocks can only age out or be dropped by {@link #evictFile(long)}.
 * A capacity of 0 disables caching; hits and misses are still counted.
 *
 * <p>Eviction runs on Caffeine's default executor (the common pool), not on reader threads: a
 * put returns before the bound is re-established, so the cache may briefly hold more than its
 * capacity, by at most the blocks inserted since the last maintenance run. Caffeine schedules one
 * on every write, and its write buffer holds at most 128 x (CPUs rounded up to a power of two)
 * pending inserts; a writer that finds it full runs the maintenance itself. So the slack is at
 * most that many blocks (256 x ~4 KiB = 1 MiB on a 2-CPU box with 4 KiB blocks). {@link #usedBytes()} runs pending maintenance first, so what it reports is
 * within the bound.
 */
public final class BlockCache {
    private record Key(long fileId, long offset) {
    }

    private final Cache<Key, Block> cache;
    /**
     * Offsets cached per file, so {@link #evictFile} touches only that file's blocks. Kept in step
     * by {@link #put} and the eviction listener; a race between the two can leave an offset out of
     * the index while the block is cached, and such a block of a dropped file then just ages out
     * (nobody asks for a dead file's blocks).
     */
    private final ConcurrentMap<Long, Set<Long>> offsetsByFile = new ConcurrentHashMap<>();
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
                .evictionListener((Key k, Block b, RemovalCause cause) -> unindex(k))
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

    /** Bytes held now (block data plus a small per-block overhead), after pending evictions. */
    public long usedBytes() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Drops every block of a file, e.g. once compaction has deleted it; costs O(blocks of that file). */
    public void evictFile(long fileId) {
        if (cache == null) {
            return;
        }
        Set<Long> offsets = offsetsByFile.remove(fileId);
        if (offsets != null) {
            for (Long offset : offsets) {
                cache.invalidate(new Key(fileId, offset));
            }
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
            // Index first: an eviction of this key can then only remove an entry that exists.
            offsetsByFile.computeIfAbsent(fileId, id -> ConcurrentHashMap.newKeySet()).add(offset);
            cache.put(new Key(fileId, offset), block);
        }
    }

    private void unindex(Key k) {
        Set<Long> offsets = offsetsByFile.get(k.fileId);
        if (offsets != null) {
            offsets.remove(k.offset);
            if (offsets.isEmpty()) {
                offsetsByFile.remove(k.fileId, offsets);
            }
        }
    }
}
