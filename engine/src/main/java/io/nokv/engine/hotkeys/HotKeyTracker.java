package io.nokv.engine.hotkeys;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.StatsSnapshot.HotKey;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The most frequent keys of one kind of access (reads or writes), in bounded memory and with
 * decaying heat. One op in {@code sampleEvery} is sampled (a thread-local random draw, so the hot
 * path pays a few nanoseconds and shares no cache line); a sample bumps a {@link CountMinSketch}
 * and, when its estimate reaches the weakest of the tracked candidates, enters a small candidate
 * table (a lock taken only then). Every {@code decaySamples} samples, or once {@code decayNanos}
 * has passed (checked every 256 samples), all counts are halved and candidates that fell to zero leave:
 * a key that stops being hot drops out after a few halvings.
 *
 * <p>Reported counts are estimates of operations since heat started to accumulate, decayed:
 * sampled count times {@code sampleEvery}.
 */
public final class HotKeyTracker {
    private final int sampleEvery;
    private final int topN;
    private final int capacity;
    private final long decaySamples;
    private final long decayNanos;
    private final LongSupplier clock;
    private final CountMinSketch sketch;
    private final AtomicLong samples = new AtomicLong();
    private volatile long lastDecayNanos;
    /** Smallest candidate count once the table is full; samples below it skip the lock. */
    private volatile int admissionFloor;

    // Candidate table, guarded by `this`.
    private final byte[][] keys;
    private final long[] hashes;
    private final int[] counts;
    private int size;

    /**
     * @param sampleEvery  sample one op in this many (1 = every op)
     * @param topN         how many keys {@link #top()} reports; twice as many candidates are kept
     * @param decaySamples halve all counts after this many samples
     * @param decayNanos   ... or after this much time (checked at samples), whichever comes first
     */
    public HotKeyTracker(int sampleEvery, int topN, long decaySamples, long decayNanos, LongSupplier clock) {
        if (sampleEvery < 1 || topN < 1 || decaySamples < 1 || decayNanos < 1) {
            throw new IllegalArgumentException("hot key tracker settings must be positive: sampleEvery=" + sampleEvery
                    + " topN=" + topN + " decaySamples=" + decaySamples + " decayNanos=" + decayNanos);
        }
        this.sampleEvery = sampleEvery;
        this.capacity = 2 * topN;
        this.decaySamples = decaySamples;
        this.decayNanos = decayNanos;
        this.clock = clock;
        this.sketch = new CountMinSketch(4, 4096);
        this.keys = new byte[capacity][];
        this.hashes = new long[capacity];
        this.counts = new int[capacity];
        this.lastDecayNanos = clock.getAsLong();
        this.topN = topN;
    }

    /** Defaults for a store: 1 in 8 sampled, halving every 64k samples or every minute. */
    public static HotKeyTracker forStore(int sampleEvery, int topN) {
        return new HotKeyTracker(sampleEvery, topN, 1L << 16, 60_000_000_000L, System::nanoTime);
    }

    /** Records one access to {@code key} in {@code cf}; cheap unless sampled. */
    public void record(ColumnFamily cf, byte[] key) {
        if (sampleEvery > 1 && ThreadLocalRandom.current().nextInt(sampleEvery) != 0) {
            return;
        }
        long hash = hash(cf, key);
        int estimate = sketch.increment(hash);
        if (estimate > admissionFloor) {
            offer(cf, key, hash, estimate);
        }
        long n = samples.incrementAndGet();
        // the clock is read every 256 samples only: it costs as much as the rest of a sample
        if (n % decaySamples == 0 || ((n & 255) == 0 && clock.getAsLong() - lastDecayNanos >= decayNanos)) {
            decay();
        }
    }

    private synchronized void offer(ColumnFamily cf, byte[] key, long hash, int estimate) {
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash && sameKey(keys[i], cf, key)) {
                counts[i] = Math.max(counts[i], estimate);
                refreshFloor();
                return;
            }
        }
        int slot;
        if (size < capacity) {
            slot = size++;
        } else {
            slot = weakest();
            if (counts[slot] > estimate) {
                return;
            }
        }
        keys[slot] = withCf(cf, key);
        hashes[slot] = hash;
        counts[slot] = estimate;
        refreshFloor();
    }

    private synchronized void decay() {
        long now = clock.getAsLong();
        lastDecayNanos = now;
        sketch.halve();
        int kept = 0;
        for (int i = 0; i < size; i++) {
            int halved = counts[i] >>> 1;
            if (halved > 0) {
                keys[kept] = keys[i];
                hashes[kept] = hashes[i];
                counts[kept] = halved;
                kept++;
            }
        }
        Arrays.fill(keys, kept, size, null);
        size = kept;
        refreshFloor();
    }

    private int weakest() {
        int min = 0;
        for (int i = 1; i < size; i++) {
            if (counts[i] < counts[min]) {
                min = i;
            }
        }
        return min;
    }

    private void refreshFloor() {
        admissionFloor = size < capacity ? 0 : counts[weakest()];
    }

    /** The hottest keys, hottest first (at most topN); a key sampled only once is noise, not heat, and is left out. */
    public synchronized List<HotKey> top() {
        List<HotKey> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            if (counts[i] < 2) {
                continue;
            }
            byte[] k = keys[i];
            all.add(new HotKey(ColumnFamily.fromId(k[0]), Arrays.copyOfRange(k, 1, k.length), (long) counts[i] * sampleEvery));
        }
        all.sort(Comparator.comparingLong(HotKey::count).reversed());
        return List.copyOf(all.subList(0, Math.min(topN, all.size())));
    }

    /** Keys held as candidates right now (at most 2 × topN). */
    public synchronized int trackedKeys() {
        return size;
    }

    /** Fixed memory of the sketch and tables, plus the candidate keys held right now. */
    public synchronized long memoryBytes() {
        long bytes = sketch.memoryBytes() + capacity * (8L + 4 + 16);
        for (int i = 0; i < size; i++) {
            bytes += keys[i].length;
        }
        return bytes;
    }

    private static boolean sameKey(byte[] stored, ColumnFamily cf, byte[] key) {
        return stored[0] == (byte) cf.id() && Arrays.equals(stored, 1, stored.length, key, 0, key.length);
    }

    private static byte[] withCf(ColumnFamily cf, byte[] key) {
        byte[] k = new byte[key.length + 1];
        k[0] = (byte) cf.id();
        System.arraycopy(key, 0, k, 1, key.length);
        return k;
    }

    /** 64-bit FNV-1a over cf and key, then a murmur finaliser so both halves are well mixed. */
    static long hash(ColumnFamily cf, byte[] key) {
        long h = 0xcbf29ce484222325L ^ cf.id();
        for (byte b : key) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93e1a85ec53L;
        return h ^ (h >>> 33);
    }
}
