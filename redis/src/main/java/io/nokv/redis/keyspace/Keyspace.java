package io.nokv.redis.keyspace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The Redis keyspace over a {@link KeyStore}: values in the {@link StoredValue} format, and lazy
 * expiry — a key whose expiry has passed reads as absent everywhere (GET, EXISTS, SCAN, DBSIZE)
 * before the active sweep ({@code expiry.ActiveExpiry}) deletes it. Thread-safe.
 */
public final class Keyspace implements AutoCloseable {
    private final KeyStore store;
    private final LongSupplier clock;
    private final KeyLocks locks = new KeyLocks();

    /** @param clock Unix milliseconds ({@code System::currentTimeMillis} outside tests) */
    public Keyspace(KeyStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    public KeyStore store() {
        return store;
    }

    public long now() {
        return clock.getAsLong();
    }

    /** One key's live value, or null (absent or expired). */
    public StoredValue get(byte[] key) {
        return live(store.get(key), now());
    }

    /** Reads from one snapshot. */
    public <T> T read(Function<View, T> work) {
        return store.read(reads -> work.apply(new View(reads, now())));
    }

    /** {@link #update(List, Function)} for a command on one key. */
    public <T> T update(byte[] key, Function<Txn, T> work) {
        return update(List.of(key), work);
    }

    /**
     * One atomic read-modify-write of {@code keys} (every key {@code work} reads or writes);
     * {@code work} may run more than once (see {@link KeyStore#update}).
     */
    public <T> T update(List<byte[]> keys, Function<Txn, T> work) {
        int[] stripes = locks.stripes(keys);
        locks.lock(stripes);
        try {
            return store.update(writes -> work.apply(new Txn(writes, now())));
        } finally {
            locks.unlock(stripes);
        }
    }

    /**
     * One page of the live keys from {@code from} on: up to {@code examine} stored keys are looked
     * at; {@code next} is where the following page starts, or null at the end.
     */
    public Page scan(byte[] from, int examine, GlobPattern match) {
        long now = now();
        List<KeyStore.Pair> pairs = store.scan(from, examine);
        List<byte[]> keys = new ArrayList<>();
        for (KeyStore.Pair p : pairs) {
            if (live(p.value(), now) != null && (match == null || match.matches(p.key()))) {
                keys.add(p.key());
            }
        }
        byte[] next = pairs.size() < examine ? null : successor(pairs.get(pairs.size() - 1).key());
        return new Page(keys, next);
    }

    /** Live keys and how many of them have an expiry (a full scan: O(keys)). */
    public Counts count() {
        long keys = 0;
        long expiring = 0;
        byte[] from = new byte[0];
        long now = now();
        while (from != null) {
            List<KeyStore.Pair> pairs = store.scan(from, 1024);
            for (KeyStore.Pair p : pairs) {
                StoredValue v = live(p.value(), now);
                if (v != null) {
                    keys++;
                    expiring += v.hasExpiry() ? 1 : 0;
                }
            }
            from = pairs.size() < 1024 ? null : successor(pairs.get(pairs.size() - 1).key());
        }
        return new Counts(keys, expiring);
    }

    @Override
    public void close() {
        store.close();
    }

    /** The smallest key after {@code key}. */
    public static byte[] successor(byte[] key) {
        byte[] next = new byte[key.length + 1];
        System.arraycopy(key, 0, next, 0, key.length);
        return next;
    }

    static StoredValue live(byte[] raw, long now) {
        if (raw == null) {
            return null;
        }
        StoredValue v = StoredValue.decode(raw);
        return v.isExpiredAt(now) ? null : v;
    }

    public record Page(List<byte[]> keys, byte[] next) {
    }

    public record Counts(long keys, long expiring) {
    }

    /** A snapshot's live values, as of one instant. */
    public static class View {
        private final KeyStore.Reads reads;
        private final long now;

        View(KeyStore.Reads reads, long now) {
            this.reads = reads;
            this.now = now;
        }

        public StoredValue get(byte[] key) {
            return live(reads.get(key), now);
        }

        /** The instant expiry is judged at (Unix ms), fixed for the whole command. */
        public long now() {
            return now;
        }
    }

    /** A transaction over live values. */
    public static final class Txn extends View {
        private final KeyStore.Writes writes;

        Txn(KeyStore.Writes writes, long now) {
            super(writes, now);
            this.writes = writes;
        }

        public void put(byte[] key, StoredValue value) {
            writes.put(key, value.encode());
        }

        public void delete(byte[] key) {
            writes.delete(key);
        }
    }
}
