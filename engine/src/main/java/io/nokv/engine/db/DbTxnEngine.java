package io.nokv.engine.db;

import io.nokv.engine.DB;
import io.nokv.engine.WriteBatch;
import io.nokv.engine.txn.TxnEngine;

/** What {@link io.nokv.engine.txn.Transactions} needs from the engine, without widening {@link DbImpl}'s public surface. */
final class DbTxnEngine implements TxnEngine {
    private final DbImpl db;

    DbTxnEngine(DbImpl db) {
        this.db = db;
    }

    @Override
    public DB db() {
        return db;
    }

    @Override
    public long visibleVersion() {
        return db.visibleVersion();
    }

    @Override
    public long writeAtFreshVersion(WriteBatch batch) {
        return db.writeAssigningVersion(batch, db.options.syncWrites());
    }

    @Override
    public void pinSnapshot(long readVersion) {
        db.snapshots.register(readVersion);
    }

    @Override
    public void unpinSnapshot(long readVersion) {
        db.snapshots.unregister(readVersion);
    }
}
