package io.nokv.redis.store;

import io.nokv.client.KvPair;
import io.nokv.client.NokvClient;
import io.nokv.client.NokvException;
import io.nokv.client.Transaction;
import io.nokv.client.TxnConflictException;
import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.keyspace.StoreUnavailableException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The keyspace in a NoKV cluster, through the Java client. Each command is one Percolator
 * transaction. A write-write conflict (found at prewrite, before anything is committed) re-runs the
 * command in a new transaction with a fresh start timestamp. Any other failure of a commit is
 * reported and never retried here: once the primary's commit was sent, the outcome may be
 * "applied", and re-running an INCR would count twice.
 */
public final class ClusterStore implements KeyStore {
    static final int MAX_ATTEMPTS = 64;

    private final NokvClient client;
    private final String description;

    public ClusterStore(NokvClient client, String description) {
        this.client = client;
        this.description = description;
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return client.get(key);
        } catch (NokvException e) {
            throw unavailable(e);
        }
    }

    @Override
    public <T> T read(Function<Reads, T> work) {
        try (Transaction txn = client.begin()) {
            return work.apply(txn::get);
        } catch (NokvException e) {
            throw unavailable(e);
        }
    }

    @Override
    public <T> T update(Function<Writes, T> work) {
        for (int attempt = 1; ; attempt++) {
            Transaction txn;
            T result;
            try {
                txn = client.begin();
                result = work.apply(Writes.of(txn::get, txn::put, txn::delete));
            } catch (NokvException e) {
                throw unavailable(e); // nothing was written: reading or the timestamp failed
            }
            try {
                txn.commit();
                return result;
            } catch (TxnConflictException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new StoreUnavailableException("transaction conflict persisted after " + attempt + " attempts", true, e);
                }
                backoff(attempt);
            } catch (NokvException e) {
                throw new StoreUnavailableException("commit failed, the write may or may not have been applied: "
                        + oneLine(e), false, e);
            }
        }
    }

    @Override
    public List<Pair> scan(byte[] from, int limit) {
        try {
            List<Pair> out = new ArrayList<>();
            for (KvPair p : client.scan(from, new byte[0], limit)) {
                out.add(new Pair(p.key(), p.value()));
            }
            return out;
        } catch (NokvException e) {
            throw unavailable(e);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        client.close();
    }

    private static void backoff(int attempt) {
        long maxMicros = Math.min(50_000, 200L << Math.min(attempt, 8));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros) * 1000);
    }

    private static StoreUnavailableException unavailable(NokvException e) {
        return new StoreUnavailableException("cluster unavailable: " + oneLine(e), true, e);
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
