package io.nokv.node.local;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nokv.node.kv.proto.ListRegionsRequest;
import io.nokv.node.kv.proto.RegionInfo;
import io.nokv.node.kv.proto.TinyKvGrpc;
import io.nokv.node.region.RegionMeta;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Is a local cluster up? Every store answers {@code ListRegions}, every region of the topology has a
 * leader that its own store confirms, and the TSO answers {@code /healthz}. Each question is one
 * round of RPCs with a 2 s deadline; callers poll.
 */
public final class ClusterProbe {
    private static final Duration RPC_DEADLINE = Duration.ofSeconds(2);

    private ClusterProbe() {
    }

    /**
     * What is not ready yet, one phrase per problem ("store 2 (127.0.0.1:20171) does not answer",
     * "region 1 has no leader", "the TSO does not answer at http://…"); empty when all is up.
     */
    public static List<String> notReady(Topology topology) {
        List<String> problems = new ArrayList<>();
        topology.tsoUrl().filter(url -> topology.tsoListen().isPresent() && !tsoAnswers(healthUrl(topology)))
                .ifPresent(url -> problems.add("the TSO does not answer at " + url));
        Map<Long, Long> leaders = new TreeMap<>();
        for (Topology.Store s : topology.stores()) {
            Optional<List<RegionInfo>> regions = listRegions(s.addr());
            if (regions.isEmpty()) {
                problems.add("store " + s.id() + " (" + s.addr() + ") does not answer");
                continue;
            }
            regions.get().stream().filter(i -> ledBy(i, s.id())).forEach(i -> leaders.put(i.getRegion().getId(), s.id()));
        }
        for (RegionMeta r : topology.regions()) {
            if (!leaders.containsKey(r.id())) {
                problems.add("region " + r.id() + " has no leader");
            }
        }
        return problems;
    }

    /** Region id → the store leading it, as far as the stores themselves say (for the startup banner). */
    public static Map<Long, Long> leaders(Topology topology) {
        Map<Long, Long> out = new TreeMap<>();
        for (Topology.Store s : topology.stores()) {
            listRegions(s.addr()).orElse(List.of()).stream().filter(i -> ledBy(i, s.id()))
                    .forEach(i -> out.put(i.getRegion().getId(), s.id()));
        }
        return out;
    }

    /** True when {@code GET url} answers 200 within the deadline. */
    static boolean tsoAnswers(URI url) {
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(RPC_DEADLINE).build()
                    .send(HttpRequest.newBuilder(url).timeout(RPC_DEADLINE).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The TSO's health URL on this machine: its listen address, with a wildcard host replaced by loopback. */
    static URI healthUrl(Topology topology) {
        String listen = topology.tsoListen().orElseThrow();
        String host = listen.replaceFirst("^0\\.0\\.0\\.0:", "127.0.0.1:").replaceFirst("^\\[::\\]:", "127.0.0.1:");
        return URI.create("http://" + host + "/healthz");
    }

    private static boolean ledBy(RegionInfo info, long storeId) {
        return info.getLocal() && info.hasLeader() && info.getLeader().getStoreId() == storeId;
    }

    private static Optional<List<RegionInfo>> listRegions(String addr) {
        ManagedChannel ch = NettyChannelBuilder.forTarget(addr).usePlaintext().build();
        try {
            return Optional.of(TinyKvGrpc.newBlockingStub(ch).withDeadlineAfter(RPC_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                    .listRegions(ListRegionsRequest.getDefaultInstance()).getRegionsList());
        } catch (StatusRuntimeException e) {
            return Optional.empty();
        } finally {
            ch.shutdownNow();
        }
    }
}
