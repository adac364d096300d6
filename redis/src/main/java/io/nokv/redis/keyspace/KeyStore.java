package io.nokv.redis.keyspace;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the gateway's keys live: the embedded engine or a cluster. Bytes in, bytes out; the
 * {@link Keyspace} above it adds the value format and expiry. Implementations are thread-safe.
 */
public interface KeyStore extends AutoCloseable {
    /** The newest value of one key, or null. */
    byte[] get(byte[] key);

    /** Runs {@code work} against one consistent snapshot. */
    <T> T read(Function<Reads, T> work);

    /**
     * Runs {@code work} as one atomic transaction with conflict detection: if another writer
     * committed a key this one read or writes after it started, nothing is written and
     * {@code work} runs again on a fresh snapshot (so {@code work} must have no other side effects).
     *
     * @throws StoreUnavailableException when it cannot commit (retries exhausted, cluster down,
     *         outcome unknown): the client gets an error, never a silent retry of a write that
     *         may have been applied
     */
    <T> T update(Function<Writes, T> work);

    /** Up to {@code limit} pairs with key >= {@code from} (inclusive), in key order, from one snapshot. */
    List<Pair> scan(byte[] from, int limit);

    /** "embedded, workdir=..." or "cluster, config=...": for the startup line and INFO. */
    String describe();

    @Override
    void close();

    interface Reads {
        byte[] get(byte[] key);
    }

    interface Writes extends Reads {
        void put(byte[] key, byte[] value);

        void delete(byte[] key);

        /** A transaction of either store, seen through its three operations. */
        static Writes of(Function<byte[], byte[]> get, BiConsumer<byte[], byte[]> put, Consumer<byte[]> delete) {
            return new Writes() {
                @Override
                public byte[] get(byte[] key) {
                    return get.apply(key);
                }

                @Override
                public void put(byte[] key, byte[] value) {
                    put.accept(key, value);
                }

                @Override
                public void delete(byte[] key) {
                    delete.accept(key);
                }
            };
        }
    }

    record Pair(byte[] key, byte[] value) {
    }
}
