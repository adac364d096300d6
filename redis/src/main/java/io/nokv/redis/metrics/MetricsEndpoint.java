package io.nokv.redis.metrics;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Prometheus text on {@code GET /metrics} (JDK HTTP server, as {@code nokv serve --metrics-addr}). */
public final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer http;

    public MetricsEndpoint(String host, int port, GatewayStats stats) throws IOException {
        http = HttpServer.create(new InetSocketAddress(host, port), 16);
        http.createContext("/metrics", ex -> {
            int code = "GET".equals(ex.getRequestMethod()) ? 200 : 405;
            byte[] body = (code == 200 ? render(stats) : "method not allowed\n").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(code, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    static String render(GatewayStats s) {
        StringBuilder sb = new StringBuilder();
        metric(sb, "nokv_redis_commands_total", "counter", "Commands handled", s.commands());
        metric(sb, "nokv_redis_errors_total", "counter", "Commands answered with an error", s.errors());
        metric(sb, "nokv_redis_connections_active", "gauge", "Open client connections", s.connectionsActive());
        metric(sb, "nokv_redis_connections_accepted_total", "counter", "Client connections accepted", s.connectionsAccepted());
        metric(sb, "nokv_redis_connections_rejected_total", "counter", "Connections refused by --max-clients", s.connectionsRejected());
        metric(sb, "nokv_redis_expired_keys_total", "counter", "Keys deleted by the active expiry sweep", s.expiredKeys());
        sb.append("# HELP nokv_redis_command_calls_total Commands handled, by command\n")
                .append("# TYPE nokv_redis_command_calls_total counter\n");
        s.perCommand().forEach((cmd, n) -> sb.append("nokv_redis_command_calls_total{command=\"").append(cmd)
                .append("\"} ").append(n).append('\n'));
        return sb.toString();
    }

    private static void metric(StringBuilder sb, String name, String type, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
