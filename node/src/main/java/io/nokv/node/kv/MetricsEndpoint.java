package io.nokv.node.kv;

import com.sun.net.httpserver.HttpServer;
import io.nokv.engine.StatsSnapshot;
import io.nokv.node.raft.RegionStateMachine;
import io.nokv.node.raft.StoreRaftServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Prometheus text exposition on {@code GET /metrics} (JDK HTTP server, one daemon thread). */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer http;

    public MetricsEndpoint(String host, int port, StoreRaftServer raft, KvMetrics metrics) throws IOException {
        http = HttpServer.create(new InetSocketAddress(host, port), 16);
        http.createContext("/metrics", ex -> {
            byte[] body;
            int code = 200;
            if (!"GET".equals(ex.getRequestMethod())) {
                code = 405;
                body = "method not allowed\n".getBytes(StandardCharsets.UTF_8);
            } else {
                body = render(raft, metrics).getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.setExecutor(null);
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    static String render(StoreRaftServer raft, KvMetrics m) {
        StringBuilder sb = new StringBuilder();
        long store = raft.storeId();
        Map<Long, RegionStateMachine> machines = raft.machines();
        gauge(sb, "nokv_regions", "Regions with a local peer on this store", store, machines.size());
        long leaders = machines.keySet().stream().filter(raft::isLeader).count();
        gauge(sb, "nokv_region_leaders", "Regions this store leads", store, leaders);
        sb.append("# HELP nokv_region_applied_index Raft index applied to the engine, per region\n")
                .append("# TYPE nokv_region_applied_index gauge\n");
        machines.forEach((id, sm) -> sb.append("nokv_region_applied_index{store=\"").append(store)
                .append("\",region=\"").append(id).append("\"} ").append(sm.appliedIndex()).append('\n'));
        sb.append("# HELP nokv_region_is_leader 1 when this store leads the region\n# TYPE nokv_region_is_leader gauge\n");
        machines.keySet().forEach(id -> sb.append("nokv_region_is_leader{store=\"").append(store)
                .append("\",region=\"").append(id).append("\"} ").append(raft.isLeader(id) ? 1 : 0).append('\n'));
        counter(sb, "nokv_proposals_total", "Commands proposed to Raft by this store", store, m.proposals.get());
        counter(sb, "nokv_proposal_failures_total", "Proposals that failed or timed out", store, m.proposalFailures.get());
        counter(sb, "nokv_server_busy_total", "Requests refused with ServerIsBusy", store, m.serverBusy.get());
        sb.append("# HELP nokv_rpc_requests_total RPCs handled, by method\n# TYPE nokv_rpc_requests_total counter\n");
        m.rpcs().forEach((rpc, r) -> sb.append("nokv_rpc_requests_total{method=\"").append(rpc).append("\"} ")
                .append(r.count()).append('\n'));
        sb.append("# HELP nokv_rpc_errors_total RPCs answered with an error status or a region error\n")
                .append("# TYPE nokv_rpc_errors_total counter\n");
        m.rpcs().forEach((rpc, r) -> sb.append("nokv_rpc_errors_total{method=\"").append(rpc).append("\"} ")
                .append(r.errors()).append('\n'));
        sb.append("# HELP nokv_rpc_duration_seconds RPC latency (quantiles over the last 2048 calls)\n")
                .append("# TYPE nokv_rpc_duration_seconds summary\n");
        m.rpcs().forEach((rpc, r) -> {
            for (double q : new double[] {0.5, 0.99}) {
                sb.append("nokv_rpc_duration_seconds{method=\"").append(rpc).append("\",quantile=\"").append(q)
                        .append("\"} ").append(r.quantile(q)).append('\n');
            }
            sb.append("nokv_rpc_duration_seconds_sum{method=\"").append(rpc).append("\"} ").append(r.seconds()).append('\n');
            sb.append("nokv_rpc_duration_seconds_count{method=\"").append(rpc).append("\"} ").append(r.count()).append('\n');
        });
        sb.append("# HELP nokv_write_stage_seconds Leader-side time of each write stage (docs/node.md, \"Write path\")\n")
                .append("# TYPE nokv_write_stage_seconds summary\n");
        raft.writeStages().rpcs().forEach((stage, r) -> {
            for (double q : new double[] {0.5, 0.99}) {
                sb.append("nokv_write_stage_seconds{stage=\"").append(stage).append("\",quantile=\"").append(q)
                        .append("\"} ").append(r.quantile(q)).append('\n');
            }
            sb.append("nokv_write_stage_seconds_count{stage=\"").append(stage).append("\"} ").append(r.count()).append('\n');
        });
        StatsSnapshot s = raft.db().stats();
        sb.append("# HELP nokv_engine_last_version Highest version written to the engine\n# TYPE nokv_engine_last_version gauge\n")
                .append("nokv_engine_last_version ").append(raft.db().lastVersion()).append('\n');
        sb.append("# HELP nokv_engine_stat Engine statistics (see nokv stats)\n# TYPE nokv_engine_stat gauge\n");
        for (var e : engineStats(s).entrySet()) {
            sb.append("nokv_engine_stat{name=\"").append(e.getKey()).append("\"} ").append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** Numeric components of the engine's stats record, by name. */
    static Map<String, Number> engineStats(StatsSnapshot s) {
        Map<String, Number> out = new java.util.TreeMap<>();
        for (var c : StatsSnapshot.class.getRecordComponents()) {
            try {
                Object v = c.getAccessor().invoke(s);
                if (v instanceof Number n) {
                    out.put(c.getName(), n);
                }
            } catch (ReflectiveOperationException | IllegalArgumentException e) {
                // not a plain number: not exported
            }
        }
        return out;
    }

    private static void gauge(StringBuilder sb, String name, String help, long store, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" gauge\n")
                .append(name).append("{store=\"").append(store).append("\"} ").append(v).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long store, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append("{store=\"").append(store).append("\"} ").append(v).append('\n');
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
