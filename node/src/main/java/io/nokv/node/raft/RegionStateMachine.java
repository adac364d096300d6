package io.nokv.node.raft;

import io.nokv.engine.ColumnFamily;
import io.nokv.engine.DB;
import io.nokv.engine.VersionedValue;
import io.nokv.engine.WriteBatch;
import io.nokv.node.kv.KvMetrics;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionProtos;
import io.nokv.node.region.RegionState;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One region's replica: applies committed commands to the shared engine, writing the command's
 * batch and the region's applied index in one engine write, so a restart (also after kill -9)
 * resumes exactly after the last applied entry; takes and installs snapshots that carry the
 * region's data.
 */
public final class RegionStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(RegionStateMachine.class);

    private final long regionId;
    private final long storeId;
    private final DB db;
    private final RegionDirectory directory;
    private final CommandApplier applier;
    private final byte[] appliedKey;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final AtomicLong appliedCommands = new AtomicLong();
    /** Where a write's time goes on the leader (docs/node.md, "Write path"); shared by the store's regions. */
    private final KvMetrics stages;
    private volatile RegionMeta meta;
    /** The highest index whose effects are in the engine (durable with the next engine sync). */
    private volatile long durableApplied = -1;

    public RegionStateMachine(long regionId, long storeId, DB db, RegionDirectory directory, CommandApplier applier) {
        this(regionId, storeId, db, directory, applier, new KvMetrics());
    }

    public RegionStateMachine(long regionId, long storeId, DB db, RegionDirectory directory, CommandApplier applier,
                              KvMetrics stages) {
        this.stages = stages;
        this.regionId = regionId;
        this.storeId = storeId;
        this.db = db;
        this.directory = directory;
        this.applier = applier;
        this.appliedKey = ReservedKeys.appliedKey(regionId);
        this.meta = directory.get(regionId);
    }

    public long regionId() {
        return regionId;
    }

    /** The region as this replica knows it; null for a new replica that has not learnt it yet. */
    public RegionMeta meta() {
        return meta;
    }

    public long appliedIndex() {
        TermIndex ti = getLastAppliedTermIndex();
        return ti == null ? 0 : Math.max(0, ti.getIndex());
    }

    public long appliedCommands() {
        return appliedCommands.get();
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        LogIdentity.verify(regionId, db, raftStorage.getStorageDir().getRoot().toPath(), readApplied()[1]);
        loadState();
        // BaseStateMachine leaves its life cycle at NEW; pause()/reload need RUNNING -> PAUSED.
        if (getLifeCycle().getCurrentState() == LifeCycle.State.NEW) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    @Override
    public void pause() {
        // Ratis pauses us before it moves an installed snapshot into place, and checks we are PAUSED.
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.RUNNING) {
            lc.transition(LifeCycle.State.PAUSING);
            lc.transition(LifeCycle.State.PAUSED);
        }
    }

    @Override
    public void reinitialize() throws IOException {
        // Called after Ratis installed a snapshot file from the leader.
        storage.loadLatestSnapshot();
        loadState();
        LifeCycle lc = getLifeCycle();
        if (lc.getCurrentState() == LifeCycle.State.PAUSED) {
            lc.transition(LifeCycle.State.STARTING);
            lc.transition(LifeCycle.State.RUNNING);
        }
    }

    /** Engine applied index first; a newer snapshot file (an install that did not finish) is (re)installed. */
    private synchronized void loadState() throws IOException {
        long[] ti = readApplied();
        SingleFileSnapshotInfo snap = storage.getLatestSnapshot();
        if (snap != null && snap.getIndex() > ti[1]) {
            LOG.info("region {}: installing snapshot {} (engine applied {})", regionId, snap.getTermIndex(), ti[1]);
            RegionSnapshot.Header h = RegionSnapshot.install(db, snap.getFile().getPath(), appliedKey);
            adoptMeta(h.meta());
            ti = new long[] {h.term(), h.index()};
        }
        durableApplied = ti[1];
        if (ti[1] >= 0) {
            setLastAppliedTermIndex(TermIndex.valueOf(ti[0], ti[1]));
        }
    }

    private long[] readApplied() {
        VersionedValue v = db.getVersioned(ColumnFamily.DEFAULT, appliedKey, Long.MAX_VALUE - 1);
        return v == null ? new long[] {0, -1} : ReservedKeys.decodeTermIndex(v.value());
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        return storage.getLatestSnapshot();
    }

    /** Leader only: when Ratis took the request, and when it handed the entry to the log (for the stage times). */
    private static final class WriteTimes {
        final long started = System.nanoTime();
        long appending;
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        TransactionContext trx = super.startTransaction(request);
        trx.setStateMachineContext(new WriteTimes());
        return trx;
    }

    @Override
    public TransactionContext preAppendTransaction(TransactionContext trx) throws IOException {
        if (trx.getStateMachineContext() instanceof WriteTimes t) {
            t.appending = System.nanoTime();
        }
        return super.preAppendTransaction(trx);
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        long applyStart = System.nanoTime();
        if (trx.getStateMachineContext() instanceof WriteTimes t && t.appending > 0) {
            stages.record("start_to_append", t.appending - t.started, false);
            stages.record("log_replicate_commit", applyStart - t.appending, false);
        }
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        long term = entry.getTerm();
        if (index <= durableApplied) {
            // Already in the engine (replayed after a restart): applying again would double-apply.
            updateLastAppliedTermIndex(term, index);
            return CompletableFuture.completedFuture(Message.EMPTY);
        }
        RaftCommandResult result;
        WriteBatch batch;
        try {
            RaftCommand cmd = RaftCommand.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
            if (cmd.getCmdCase() == RaftCommand.CmdCase.UPDATE_REGION) {
                applyRegionUpdate(RegionProtos.fromProto(cmd.getUpdateRegion()));
                batch = new WriteBatch();
                result = RaftCommandResult.newBuilder().setOk(true).build();
            } else {
                CommandApplier.Outcome o = applier.apply(cmd, index);
                batch = o.batch();
                result = o.result();
            }
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            batch = new WriteBatch();
            result = RaftCommandResult.newBuilder().setRawError("malformed raft command: " + e.getMessage()).build();
        } catch (RuntimeException e) {
            // Thrown, not returned as a failed future: Ratis may count a failed entry as applied and go on, and
            // replicas would diverge. A throw stops this group's applier (Ratis closes the division).
            LOG.error("region {}: apply of index {} failed; stopping the region's replica", regionId, index, e);
            throw e;
        }
        batch.put(ColumnFamily.DEFAULT, appliedKey, index, ReservedKeys.encodeTermIndex(term, index));
        long writeStart = System.nanoTime();
        try {
            db.write(batch);
        } catch (RuntimeException e) {
            LOG.error("region {}: engine write of index {} failed; stopping the region's replica", regionId, index, e);
            throw e;
        }
        long applied = System.nanoTime();
        stages.record("apply_decode", writeStart - applyStart, false);
        stages.record("apply_engine_write", applied - writeStart, false);
        durableApplied = index;
        appliedCommands.incrementAndGet();
        updateLastAppliedTermIndex(term, index);
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(result.toByteArray())));
    }

    private void applyRegionUpdate(RegionMeta updated) {
        RegionMeta current = meta;
        if (current != null && current.epoch().confVersion() > updated.epoch().confVersion()) {
            return; // an older change replayed after a snapshot already carried a newer one
        }
        adoptMeta(updated);
    }

    /** A region this store is no member of any more is a tombstone here. */
    private void adoptMeta(RegionMeta m) {
        RegionMeta local = m.hasPeerOnStore(storeId) ? m : m.withState(RegionState.TOMBSTONE);
        directory.save(local);
        meta = local;
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        // Conf and no-op entries: only move forward (replayed ones may be older than the engine's index).
        updateLastAppliedTermIndex(term, index);
    }

    @Override
    protected synchronized boolean updateLastAppliedTermIndex(TermIndex newTI) {
        TermIndex cur = getLastAppliedTermIndex();
        if (cur != null && newTI.compareTo(cur) <= 0) {
            return false;
        }
        return super.updateLastAppliedTermIndex(newTI);
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        // Reads are done by the KV service after this returns: Ratis calls it once the read index
        // is applied here, which is the linearizable barrier.
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        RegionMeta m = meta;
        if (last == null || last.getIndex() < 0 || m == null) {
            return -1;
        }
        // The engine's applied index must be durable at or beyond the snapshot before Ratis purges
        // the log up to it; conf entries move Ratis's index without an engine write, so write it here.
        WriteBatch b = new WriteBatch();
        b.put(ColumnFamily.DEFAULT, appliedKey, last.getIndex(), ReservedKeys.encodeTermIndex(last.getTerm(), last.getIndex()));
        db.write(b, true);
        durableApplied = Math.max(durableApplied, last.getIndex());
        Path file = storage.getSnapshotFile(last.getTerm(), last.getIndex()).toPath();
        RegionSnapshot.export(db, m, last.getTerm(), last.getIndex(), file);
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file.toFile());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file, md5), last));
        storage.cleanupOldSnapshots(new SnapshotRetentionPolicy() {
            @Override
            public int getNumSnapshotsRetained() {
                return 2;
            }
        });
        return last.getIndex();
    }
}
