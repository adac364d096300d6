package io.nokv.redis.store;

import io.nokv.engine.DB;
import io.nokv.engine.DbIterator;
import io.nokv.engine.IteratorOptions;
import io.nokv.engine.NoKV;
import io.nokv.engine.Options;
import io.nokv.engine.txn.ConflictException;
import io.nokv.engine.txn.Transaction;
import io.nokv.engine.txn.TransactionTooLargeException;
import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.keyspace.StoreUnavailableException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The keyspace in an embedded engine (one store directory, opened and locked by this process).
 * Every write is an engine transaction with conflict detection, blind writes included: a plain
 * {@code db.put} is not part of the conflict check (docs/engine-txn.md), so a SET racing an INCR
 * could otherwise be lost. A conflict re-runs the command on a fresh snapshot.
 */
public final class EmbeddedStore implements KeyStore {
    /** Attempts before a command that keeps conflicting gets TRYAGAIN; only a pathological hot key gets near it. */
    static final int MAX_ATTEMPTS = 1000;

    private final DB db;
    private final Path dir;

    public EmbeddedStore(Path dir) {
        this.dir = dir;
        this.db = NoKV.open(Options.at(dir));
    }

    @Override
    public byte[] get(byte[] key) {
        return db.get(key);
    }

    @Override
    public <T> T read(Function<Reads, T> work) {
        return db.transactions().viewAndGet(txn -> work.apply(txn::get));
    }

    @Override
    public <T> T update(Function<Writes, T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Transaction txn = db.newTransaction(true)) {
                T result = work.apply(Writes.of(txn::get, txn::put, txn::delete));
                txn.commit();
                return result;
            } catch (ConflictException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw new StoreUnavailableException("transaction conflict persisted after " + attempt + " attempts", true, e);
                }
                if (attempt > 3) {
                    // rare: the gateway's key locks already keep its commands on one key apart
                    LockSupport.parkNanos(Math.min(1_000_000L, 10_000L * attempt));
                }
            } catch (TransactionTooLargeException e) {
                throw new StoreUnavailableException(e.getMessage(), false, e);
            }
        }
    }

    @Override
    public List<Pair> scan(byte[] from, int limit) {
        List<Pair> out = new ArrayList<>(Math.min(limit, 1024));
        try (DbIterator it = db.newIterator(IteratorOptions.defaults().lowerBound(from))) {
            for (it.seek(from); it.valid() && out.size() < limit; it.next()) {
                out.add(new Pair(it.key(), it.value()));
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return "embedded, workdir=" + dir;
    }

    @Override
    public void close() {
        db.close();
    }
}
