package io.nokv.client;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nokv.node.kv.proto.Context;
import io.nokv.node.kv.proto.ListRegionsRequest;
import io.nokv.node.kv.proto.ListRegionsResponse;
import io.nokv.node.kv.proto.RegionError;
import io.nokv.node.kv.proto.RegionInfo;
import io.nokv.node.kv.proto.StatusRequest;
import io.nokv.node.kv.proto.StatusResponse;
import io.nokv.node.kv.proto.TinyKvGrpc;
import io.nokv.node.region.RegionMeta;
import io.nokv.node.region.RegionProtos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Sends region-addressed requests: picks the region and store from the {@link RegionCache}, and on
 * a region error or an unreachable store corrects the cache and tries again, at most
 * {@code maxRetries} times with a doubling pause. NotLeader switches to the hinted leader;
 * EpochNotMatch installs the regions the store returned; KeyNotInRegion reloads the regions from
 * the stores; ServerIsBusy only waits.
 */
final class RegionRpc implements AutoCloseable {
    /** One request to a region, given the stub of the chosen store and the context naming the region. */
    interface Call<R> {
        R send(TinyKvGrpc.TinyKvBlockingStub stub, Context ctx);
    }

    /** A response and the region it came from (scans continue at that region's end). */
    record Answer<R>(R response, RegionCache.Region region) {
    }

    /** The keys of one request no longer sit in one region: the caller must regroup them. */
    static final class RegionChanged extends Exception {
        RegionChanged() {
            super(null, null, false, false);
        }
    }

    private final RegionCache cache;
    private final ClientOptions options;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    RegionRpc(RegionCache cache, ClientOptions options) {
        this.cache = cache;
        this.options = options;
    }

    RegionCache cache() {
        return cache;
    }

    ClientOptions options() {
        return options;
    }

    TinyKvGrpc.TinyKvBlockingStub stub(String addr) {
        ManagedChannel ch = channels.computeIfAbsent(addr, a -> NettyChannelBuilder.forTarget(a).usePlaintext()
                .maxInboundMessageSize(64 << 20).build());
        return TinyKvGrpc.newBlockingStub(ch).withDeadlineAfter(options.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code call} to the region holding {@code routingKey}; {@code keys} (all the request's
     * keys) must stay inside that region, else {@link RegionChanged}.
     */
    <R> Answer<R> send(String what, byte[] routingKey, List<byte[]> keys, Call<R> call,
                       Function<R, RegionError> regionError) throws RegionChanged {
        String last = "no attempt made";
        for (int attempt = 0; attempt <= options.maxRetries(); attempt++) {
            if (attempt > 0) {
                pause(attempt);
            }
            RegionCache.Region region = cache.locate(routingKey);
            if (region == null) {
                refresh();
                region = cache.locate(routingKey);
                if (region == null) {
                    last = "no region holds key " + ByteKeys.format(routingKey);
                    continue;
                }
            }
            for (byte[] k : keys) {
                if (!region.contains(k)) {
                    throw new RegionChanged();
                }
            }
            long store = region.targetStore(attempt);
            String addr = cache.storeAddr(store);
            if (addr == null) {
                last = "region " + region.id() + " has a peer on store " + store + ", whose address is unknown";
                cache.setLeader(region.id(), 0);
                refresh();
                continue;
            }
            Context ctx = Context.newBuilder().setRegionId(region.id()).setRegionEpoch(region.epoch())
                    .setPeer(region.peerOn(store)).build();
            R response;
            try {
                response = call.send(stub(addr), ctx);
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.FAILED_PRECONDITION
                        || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNIMPLEMENTED) {
                    throw new NokvException(what + " refused by store " + store + " (" + addr + "): "
                            + e.getStatus().getDescription());
                }
                last = "store " + store + " (" + addr + "): " + code + (e.getStatus().getDescription() == null ? ""
                        : " " + e.getStatus().getDescription());
                cache.setLeader(region.id(), 0); // try the other peers next
                continue;
            }
            RegionError err = regionError.apply(response);
            if (err == null || err.equals(RegionError.getDefaultInstance())) {
                return new Answer<>(response, region);
            }
            last = "store " + store + ": " + (err.getMessage().isEmpty() ? err.toString().strip() : err.getMessage());
            handle(region, store, err);
        }
        throw new NokvException(what + " failed after " + (options.maxRetries() + 1) + " attempts: " + last);
    }

    private void handle(RegionCache.Region region, long store, RegionError err) {
        if (err.hasNotLeader()) {
            long hinted = err.getNotLeader().hasLeader() ? err.getNotLeader().getLeader().getStoreId() : 0;
            cache.setLeader(region.id(), hinted == store ? 0 : hinted);
        } else if (err.hasEpochNotMatch()) {
            List<RegionMeta> current = err.getEpochNotMatch().getCurrentRegionsList().stream()
                    .map(RegionProtos::fromProto).toList();
            if (current.isEmpty()) {
                refresh();
            } else {
                cache.install(current, Map.of());
            }
        } else if (err.hasKeyNotInRegion()) {
            refresh();
        } else if (!err.hasServerIsBusy()) {
            cache.setLeader(region.id(), 0);
            refresh();
        }
    }

    /**
     * Sends one request per region for {@code keys}, regrouping when regions change under it.
     * {@code build} makes the request for one region's keys. Answers are in no particular order.
     */
    <R> List<Answer<R>> sendGrouped(String what, List<byte[]> keys, Function<List<byte[]>, Call<R>> build,
                                    Function<R, RegionError> regionError) {
        List<Answer<R>> out = new ArrayList<>();
        for (List<byte[]> group : group(keys).values()) {
            out.addAll(sendGroup(what, group, build, regionError, 0));
        }
        return out;
    }

    <R> List<Answer<R>> sendGroup(String what, List<byte[]> group, Function<List<byte[]>, Call<R>> build,
                                  Function<R, RegionError> regionError, int regroups) {
        try {
            return List.of(send(what, group.get(0), group, build.apply(group), regionError));
        } catch (RegionChanged e) {
            if (regroups >= options.maxRetries()) {
                throw new NokvException(what + ": regions kept changing under the request");
            }
            List<Answer<R>> out = new ArrayList<>();
            for (List<byte[]> sub : group(group).values()) {
                out.addAll(sendGroup(what, sub, build, regionError, regroups + 1));
            }
            return out;
        }
    }

    /** Keys by the cached region holding them (in key order per region); reloads regions for holes. */
    Map<Long, List<byte[]>> group(List<byte[]> keys) {
        Map<Long, List<byte[]>> groups = new LinkedHashMap<>();
        for (byte[] k : keys) {
            RegionCache.Region r = cache.locate(k);
            if (r == null) {
                refresh();
                r = cache.locate(k);
                if (r == null) {
                    throw new NokvException("no region holds key " + ByteKeys.format(k));
                }
            }
            groups.computeIfAbsent(r.id(), id -> new ArrayList<>()).add(k);
        }
        return groups;
    }

    /** Reloads regions and leaders from every reachable store (ListRegions). */
    void refresh() {
        Map<Long, Long> leaders = new HashMap<>();
        Map<Long, RegionMeta> metas = new HashMap<>();
        for (Map.Entry<Long, String> s : cache.stores().entrySet()) {
            ListRegionsResponse resp;
            try {
                resp = stub(s.getValue()).withDeadlineAfter(2, TimeUnit.SECONDS).listRegions(ListRegionsRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                continue;
            }
            for (RegionInfo info : resp.getRegionsList()) {
                RegionMeta m = RegionProtos.fromProto(info.getRegion());
                metas.merge(m.id(), m, RegionRpc::newer);
                if (info.hasLeader() && info.getLeader().getStoreId() != 0) {
                    leaders.put(m.id(), info.getLeader().getStoreId());
                }
            }
        }
        cache.install(new ArrayList<>(metas.values()), leaders);
    }

    /** Asks a store for its id and address (for clients built from addresses only). */
    StatusResponse status(String addr) {
        return stub(addr).withDeadlineAfter(5, TimeUnit.SECONDS).status(StatusRequest.getDefaultInstance());
    }

    private static RegionMeta newer(RegionMeta a, RegionMeta b) {
        return a.epoch().compareTo(b.epoch()) >= 0 ? a : b;
    }

    void pause(int attempt) {
        long ms = Math.min(1000, options.backoff().toMillis() << Math.min(attempt - 1, 10));
        sleep(ms);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NokvException("interrupted");
        }
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel ch : channels.values()) {
            try {
                if (!ch.awaitTermination(2, TimeUnit.SECONDS)) {
                    ch.shutdownNow();
                }
            } catch (InterruptedException e) {
                ch.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
