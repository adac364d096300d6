package io.nokv.client;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nokv.node.kv.proto.ListRegionsRequest;
import io.nokv.node.kv.proto.ListRegionsResponse;
import io.nokv.node.kv.proto.RegionInfo;
import io.nokv.node.kv.proto.TinyKvGrpc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Readiness of a cluster, for the helper scripts (which call it through a class loader, so it
 * takes and returns plain JDK types): every store answers ListRegions and every region has a
 * leader that its own store confirms.
 */
public final class ClusterProbe {
    private ClusterProbe() {
    }

    /**
     * What is not ready yet, one phrase per problem ("store 2 (127.0.0.1:20171) does not answer",
     * "region 1 has no leader"); empty when every store answers and every region in
     * {@code regionIds} is led by a store that says so itself.
     *
     * @param stores store id → KV address
     */
    public static List<String> notReady(Map<Long, String> stores, Collection<Long> regionIds) {
        List<String> problems = new ArrayList<>();
        Map<Long, Long> confirmedLeader = new TreeMap<>();
        for (Map.Entry<Long, String> s : new TreeMap<>(stores).entrySet()) {
            ManagedChannel ch = NettyChannelBuilder.forTarget(s.getValue()).usePlaintext().build();
            try {
                ListRegionsResponse r = TinyKvGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .listRegions(ListRegionsRequest.getDefaultInstance());
                for (RegionInfo info : r.getRegionsList()) {
                    if (info.getLocal() && info.hasLeader() && info.getLeader().getStoreId() == s.getKey()) {
                        confirmedLeader.put(info.getRegion().getId(), s.getKey());
                    }
                }
            } catch (StatusRuntimeException e) {
                problems.add("store " + s.getKey() + " (" + s.getValue() + ") does not answer");
            } finally {
                ch.shutdownNow();
            }
        }
        for (long id : new TreeSet<>(regionIds)) {
            if (!confirmedLeader.containsKey(id)) {
                problems.add("region " + id + " has no leader");
            }
        }
        return problems;
    }

    /** Region id → the store leading it, as far as the stores say (for the startup banner). */
    public static Map<Long, Long> leaders(Map<Long, String> stores) {
        Map<Long, Long> out = new TreeMap<>();
        for (Map.Entry<Long, String> s : stores.entrySet()) {
            ManagedChannel ch = NettyChannelBuilder.forTarget(s.getValue()).usePlaintext().build();
            try {
                TinyKvGrpc.newBlockingStub(ch).withDeadlineAfter(2, TimeUnit.SECONDS)
                        .listRegions(ListRegionsRequest.getDefaultInstance()).getRegionsList().stream()
                        .filter(i -> i.getLocal() && i.hasLeader() && i.getLeader().getStoreId() == s.getKey())
                        .forEach(i -> out.put(i.getRegion().getId(), s.getKey()));
            } catch (StatusRuntimeException ignored) {
                // not answering: it leads nothing we can see
            } finally {
                ch.shutdownNow();
            }
        }
        return out;
    }
}
