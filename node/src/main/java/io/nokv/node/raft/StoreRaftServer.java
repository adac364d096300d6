package io.nokv.node.raft;

import io.nokv.engine.DB;
import io.nokv.node.config.HostPort;
import io.nokv.node.kv.KvMetrics;
import io.nokv.node.kv.proto.RaftCommand;
import io.nokv.node.kv.proto.RaftCommandResult;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionPeer;
import io.nokv.node.region.RegionProtos;
import io.nokv.node.region.RegionState;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcFactory;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store's single Ratis server: one Raft group per local region, one {@link RegionStateMachine}
 * per group, all writing into the store's engine. Raft traffic uses its own port.
 */
public final class StoreRaftServer implements AutoCloseable {

    /**
     * @param peerAddrs raft address of every remote peer, keyed by the region peer id of the catalog
     *                  ({@code --peer 201=127.0.0.1:20271}); the catalog says which store owns it
     * @param snapshotThreshold log entries between automatic snapshots (the log is purged after one)
     */
    public record Config(long storeId, String raftAddr, Path raftDir, Map<Long, String> peerAddrs,
                         long snapshotThreshold, long requestTimeoutMs, long logSegmentBytes) {
        public Config {
            peerAddrs = Map.copyOf(peerAddrs);
        }

        public static Config of(long storeId, String raftAddr, Path raftDir, Map<Long, String> peerAddrs) {
            return new Config(storeId, raftAddr, raftDir, peerAddrs, 4096, 10_000, 1 << 20);
        }

        public Config withSnapshotThreshold(long n) {
            return new Config(storeId, raftAddr, raftDir, peerAddrs, n, requestTimeoutMs, logSegmentBytes);
        }

        /** Small segments let tests see the log purged (Ratis purges closed segments only). */
        public Config withLogSegmentBytes(long n) {
            return new Config(storeId, raftAddr, raftDir, peerAddrs, snapshotThreshold, requestTimeoutMs, n);
        }
    }

    /** Why a proposal or read could not be served here. */
    public static final class NotLeaderException extends Exception {
        private final long leaderStoreId;

        public NotLeaderException(String message, long leaderStoreId) {
            super(message);
            this.leaderStoreId = leaderStoreId;
        }

        /** -1 when unknown. */
        public long leaderStoreId() {
            return leaderStoreId;
        }
    }

    private final Config config;
    private final DB db;
    private final RegionDirectory directory;
    private final CommandApplier applier;
    private final RaftPeerId selfId;
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private final Map<Long, RegionStateMachine> machines = new ConcurrentHashMap<>();
    private final RaftProperties properties = new RaftProperties();
    private final KvMetrics writeStages = new KvMetrics();
    /**
     * Null (the default): every raw write is its own Raft entry. Batching raw writes (TiKV's batch
     * system; 2.5-3.4x the put throughput at 16-64 callers, docs/node.md) is off by default because
     * with it a region stopped acknowledging writes after its leader was killed under load
     * (LeaderFailoverUnderLoadTest); the cause is not found yet.
     */
    private volatile RawWriteBatcher rawWrites;
    private final Map<String, String> propertyOverrides = new java.util.LinkedHashMap<>();
    private RaftServer server;
    private boolean recovered;

    public StoreRaftServer(Config config, DB db, RegionDirectory directory) {
        this.config = config;
        this.db = db;
        this.directory = directory;
        this.applier = new CommandApplier(db);
        this.selfId = RegionGroups.peerId(config.storeId());
    }

    public long storeId() {
        return config.storeId();
    }

    public Config config() {
        return config;
    }

    public RegionDirectory directory() {
        return directory;
    }

    public DB db() {
        return db;
    }

    /**
     * Sets a raw Ratis property ({@code raft.server.log.force.sync.num}, …) over the defaults
     * {@link #start()} chooses; for measuring a setting before it becomes a default. Call before start.
     */
    public synchronized void overrideRaftProperty(String key, String value) {
        propertyOverrides.put(key, value);
    }

    /** Batched raw-write entries of one region in flight at most; 0 (the default) batches nothing. */
    public synchronized void setRawWriteBatchesInFlight(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("batches in flight must be >= 0, got " + n);
        }
        RawWriteBatcher old = rawWrites;
        rawWrites = n == 0 ? null : new RawWriteBatcher(this::proposeEntry, n, config.requestTimeoutMs());
        if (old != null) {
            old.close();
        }
    }

    /** Starts the server ({@code RECOVER} when its storage has data, else {@code FORMAT}) and every local region. */
    public synchronized void start() throws IOException {
        Files.createDirectories(config.raftDir());
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.raftDir().toFile()));
        HostPort hp = HostPort.parseBindable("raft address", config.raftAddr());
        GrpcConfigKeys.Server.setHost(properties, hp.host());
        GrpcConfigKeys.Server.setPort(properties, hp.port());
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.max(1, Math.min(1024, config.snapshotThreshold() / 2)));
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(config.logSegmentBytes()));
        RaftServerConfigKeys.Log.setPreallocatedSize(properties,
                SizeInBytes.valueOf(Math.min(64 * 1024, config.logSegmentBytes())));
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(300, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(600, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        GrpcConfigKeys.setMessageSizeMax(properties, SizeInBytes.valueOf("32MB"));
        propertyOverrides.forEach(properties::set);

        recovered = hasStorage(config.raftDir());
        server = RaftServer.newBuilder()
                .setServerId(selfId)
                .setProperties(properties)
                .setStateMachineRegistry(this::newStateMachine)
                .setOption(recovered ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        try {
            for (RegionMeta r : directory.all()) {
                if (isLocalRunning(r)) {
                    ensureGroup(r);
                }
            }
        } catch (IOException | RuntimeException e) {
            // A replica that refuses to start (e.g. its Raft log was lost) stops the store: close the
            // server, whose non-daemon threads would otherwise keep the process alive.
            close();
            throw e;
        }
    }

    /** Whether the Raft storage directory held groups from an earlier run (then it was RECOVERed). */
    public boolean recovered() {
        return recovered;
    }

    private static boolean hasStorage(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(Files::isDirectory);
        }
    }

    private boolean isLocalRunning(RegionMeta r) {
        return r.state() == RegionState.RUNNING && r.hasPeerOnStore(config.storeId());
    }

    private RegionStateMachine newStateMachine(RaftGroupId groupId) {
        long regionId = RegionGroups.regionIdOf(groupId);
        if (regionId < 0) {
            throw new IllegalArgumentException("group " + groupId + " is not a NoKV region group");
        }
        return machines.computeIfAbsent(regionId,
                id -> new RegionStateMachine(id, config.storeId(), db, directory, applier, writeStages));
    }

    /** Adds the region's group to this server unless it is already loaded (from storage or earlier). */
    public void ensureGroup(RegionMeta region) throws IOException {
        RaftGroupId gid = RegionGroups.groupId(region.id());
        for (RaftGroupId loaded : server.getGroupIds()) {
            if (loaded.equals(gid)) {
                return;
            }
        }
        RaftGroup group = RaftGroup.valueOf(gid, raftPeers(region));
        RaftClientReply reply = server.groupManagement(
                GroupManagementRequest.newAdd(clientId, selfId, callIds.incrementAndGet(), group));
        if (!reply.isSuccess()) {
            throw new IOException("adding region " + region.id() + " failed: " + reply.getException());
        }
    }

    /** The Ratis peers of a region, each at the address this store was told (or its own). */
    public List<RaftPeer> raftPeers(RegionMeta region) throws IOException {
        List<RaftPeer> peers = new ArrayList<>();
        for (RegionPeer p : region.peers()) {
            String addr = p.storeId() == config.storeId() ? config.raftAddr() : config.peerAddrs().get(p.peerId());
            if (addr == null) {
                throw new IOException("region " + region.id() + ": no --peer address for peer " + p.peerId()
                        + " (store " + p.storeId() + ")");
            }
            peers.add(RaftPeer.newBuilder().setId(RegionGroups.peerId(p.storeId())).setAddress(addr).build());
        }
        return peers;
    }

    // ---- queries --------------------------------------------------------------------------------

    /**
     * Leader-side times of the write path, per stage (quantiles over the last 2,048 writes): the
     * whole proposal ({@code propose_to_reply}), Ratis taking the request ({@code start_to_append}),
     * log append + fsync on the leader and a majority + commit + the applier picking it up
     * ({@code log_replicate_commit}), decoding the command ({@code apply_decode}) and the engine write
     * ({@code apply_engine_write}).
     */
    public KvMetrics writeStages() {
        return writeStages;
    }

    public RegionStateMachine machine(long regionId) {
        return machines.get(regionId);
    }

    /** Regions with a loaded group on this store, by id. */
    public Map<Long, RegionStateMachine> machines() {
        return Map.copyOf(machines);
    }

    private Optional<RaftServer.Division> division(long regionId) {
        try {
            return Optional.of(server.getDivision(RegionGroups.groupId(regionId)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public boolean isLeader(long regionId) {
        return division(regionId).map(d -> d.getInfo().isLeader() && d.getInfo().isLeaderReady()).orElse(false);
    }

    /** The store id of the region's leader as this replica knows it, or -1. */
    public long leaderStoreId(long regionId) {
        return division(regionId).map(d -> RegionGroups.storeIdOf(d.getInfo().getLeaderId())).orElse(-1L);
    }

    public long term(long regionId) {
        return division(regionId).map(d -> d.getInfo().getCurrentTerm()).orElse(0L);
    }

    // ---- proposals and reads ------------------------------------------------------------------

    /**
     * Proposes a command to the region's group on this (leader) store; completes when applied here.
     * Raw writes that arrive while one of their region's is in flight are batched into one entry.
     */
    public CompletableFuture<RaftCommandResult> propose(RaftCommand cmd) {
        RawWriteBatcher batcher = rawWrites;
        return batcher != null && RawWriteBatcher.isRawWrite(cmd) ? batcher.propose(cmd) : proposeEntry(cmd);
    }

    private CompletableFuture<RaftCommandResult> proposeEntry(RaftCommand cmd) {
        long t0 = System.nanoTime();
        return submit(cmd.getRegionId(), RaftClientRequest.writeRequestType(),
                Message.valueOf(ByteString.copyFrom(cmd.toByteArray())))
                .thenApply(reply -> {
                    writeStages.record("propose_to_reply", System.nanoTime() - t0, false);
                    try {
                        return RaftCommandResult.parseFrom(reply.getMessage().getContent().toByteArray());
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new IllegalStateException("malformed apply result", e);
                    }
                });
    }

    /** Completes when a read on this replica is linearizable (ReadIndex confirmed and applied). */
    public CompletableFuture<Void> readBarrier(long regionId) {
        return submit(regionId, RaftClientRequest.readRequestType(), Message.EMPTY).thenApply(r -> null);
    }

    private CompletableFuture<RaftClientReply> submit(long regionId, RaftClientRequest.Type type, Message msg) {
        RaftClientRequest req = RaftClientRequest.newBuilder()
                .setClientId(clientId)
                .setServerId(selfId)
                .setGroupId(RegionGroups.groupId(regionId))
                .setCallId(callIds.incrementAndGet())
                .setMessage(msg)
                .setType(type)
                .setTimeoutMs(config.requestTimeoutMs())
                .build();
        CompletableFuture<RaftClientReply> f;
        try {
            f = server.submitClientRequestAsync(req);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return f.thenCompose(reply -> {
            if (reply.isSuccess()) {
                return CompletableFuture.completedFuture(reply);
            }
            var nle = reply.getNotLeaderException();
            if (nle != null) {
                long hint = nle.getSuggestedLeader() == null ? -1 : RegionGroups.storeIdOf(nle.getSuggestedLeader().getId());
                return CompletableFuture.failedFuture(new NotLeaderException("not leader of region " + regionId, hint));
            }
            if (reply.getLeaderNotReadyException() != null || reply.getLeaderSteppingDownException() != null
                    || reply.getReadIndexException() != null) {
                return CompletableFuture.failedFuture(new NotLeaderException("leader of region " + regionId
                        + " not ready: " + reply.getException().getMessage(), leaderStoreId(regionId)));
            }
            return CompletableFuture.failedFuture(reply.getException() != null ? reply.getException()
                    : new IOException("request to region " + regionId + " failed"));
        });
    }

    // ---- admin -------------------------------------------------------------------------------

    /** Asks the region's leader (this store) to hand leadership to {@code toStoreId}; waits for it. */
    public void transferLeader(long regionId, long toStoreId, long timeoutMs) throws IOException {
        RaftClientReply reply = server.transferLeadership(new TransferLeadershipRequest(clientId, selfId,
                RegionGroups.groupId(regionId), callIds.incrementAndGet(), RegionGroups.peerId(toStoreId), timeoutMs));
        if (!reply.isSuccess()) {
            throw new IOException("transfer of region " + regionId + " to store " + toStoreId + " failed: "
                    + reply.getException());
        }
    }

    /**
     * Conf change, run on the region's leader: the new member's store first gets the group (empty; it
     * catches up from the log or a snapshot), the new RegionMeta (peers, conf_version + 1) goes
     * through the log so every replica persists it, then Ratis switches the configuration; a removed
     * store finally drops the group.
     */
    public RegionMeta changePeer(long regionId, RegionPeer peer, boolean add, long timeoutMs) throws Exception {
        RegionStateMachine sm = machines.get(regionId);
        RegionMeta cur = sm == null ? null : sm.meta();
        if (cur == null) {
            throw new IOException("region " + regionId + " is not hosted here");
        }
        if (add == cur.hasPeerOnStore(peer.storeId())) {
            throw new IllegalArgumentException("store " + peer.storeId() + (add ? " already is" : " is not")
                    + " a member of region " + regionId);
        }
        List<RegionPeer> nextPeers = new ArrayList<>();
        for (RegionPeer p : cur.peers()) {
            if (add || p.storeId() != peer.storeId()) {
                nextPeers.add(p);
            }
        }
        if (add) {
            nextPeers.add(peer);
        }
        RegionMeta next = cur.withPeers(nextPeers, cur.epoch().nextConf());
        List<RaftPeer> newPeers = raftPeers(next);
        RaftPeer target = add ? newPeers.get(newPeers.size() - 1) : raftPeers(cur).stream()
                .filter(p -> p.getId().equals(RegionGroups.peerId(peer.storeId()))).findFirst().orElseThrow();
        RaftGroupId gid = RegionGroups.groupId(regionId);
        if (add) {
            try (RaftClient c = clientFor(RaftGroup.valueOf(gid, newPeers))) {
                RaftClientReply r = c.getGroupManagementApi(target.getId()).add(RaftGroup.valueOf(gid, newPeers));
                if (!r.isSuccess()) {
                    throw new IOException("store " + peer.storeId() + " refused the group: " + r.getException());
                }
            }
        }
        propose(RaftCommand.newBuilder().setRegionId(regionId).setUpdateRegion(RegionProtos.toProto(next)).build())
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        RaftClientReply r = server.setConfiguration(new SetConfigurationRequest(clientId, selfId, gid,
                callIds.incrementAndGet(), newPeers));
        if (!r.isSuccess()) {
            throw new IOException("set configuration of region " + regionId + " failed: " + r.getException());
        }
        if (!add) {
            try (RaftClient c = clientFor(RaftGroup.valueOf(gid, List.of(target)))) {
                c.getGroupManagementApi(target.getId()).remove(gid, true, false);
            } catch (IOException e) {
                // The removed store is no longer in the group; a failure to drop it there is harmless.
            }
        }
        return next;
    }

    private RaftClient clientFor(RaftGroup group) {
        return RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setClientRpc(new GrpcFactory(new Parameters()).newRaftClientRpc(ClientId.randomId(), properties))
                .build();
    }

    /** The first index still in the region's Raft log here (grows as the log is purged), or -1. */
    public long logStartIndex(long regionId) {
        return division(regionId).map(d -> d.getRaftLog().getStartIndex()).orElse(-1L);
    }

    /** Forces a snapshot of the region now (tests and operators); returns its index. */
    public long snapshot(long regionId) throws IOException {
        var reply = server.snapshotManagement(org.apache.ratis.protocol.SnapshotManagementRequest.newCreate(
                clientId, selfId, RegionGroups.groupId(regionId), callIds.incrementAndGet(), 30_000));
        if (!reply.isSuccess()) {
            throw new IOException("snapshot of region " + regionId + " failed: " + reply.getException());
        }
        return reply.getLogIndex();
    }

    public Map<Long, Long> appliedIndexes() {
        Map<Long, Long> m = new HashMap<>();
        machines.forEach((id, sm) -> m.put(id, sm.appliedIndex()));
        return m;
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
        if (rawWrites != null) {
            rawWrites.close();
        }
    }
}
