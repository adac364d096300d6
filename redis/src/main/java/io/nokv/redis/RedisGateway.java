package io.nokv.redis;

import io.nokv.redis.commands.CommandTable;
import io.nokv.redis.commands.Dispatcher;
import io.nokv.redis.commands.Gateway;
import io.nokv.redis.commands.ScanCursors;
import io.nokv.redis.expiry.ActiveExpiry;
import io.nokv.redis.keyspace.KeyStore;
import io.nokv.redis.keyspace.Keyspace;
import io.nokv.redis.metrics.GatewayStats;
import io.nokv.redis.metrics.MetricsEndpoint;
import io.nokv.redis.server.RedisServer;

import java.net.InetSocketAddress;

/**
 * A running gateway: the keyspace over its store, the active expiry sweep, the RESP server and,
 * optionally, the metrics endpoint. Closing stops them in that order reversed, the store last, so
 * every command that was running commits or fails before the engine closes.
 */
public final class RedisGateway implements AutoCloseable {
    private final Keyspace keyspace;
    private final GatewayStats stats;
    private final ActiveExpiry expiry;
    private final RedisServer server;
    private final MetricsEndpoint metrics;

    public RedisGateway(KeyStore store, Settings settings) throws Exception {
        stats = new GatewayStats();
        keyspace = new Keyspace(store, System::currentTimeMillis);
        ActiveExpiry sweep = null;
        RedisServer srv = null;
        try {
            sweep = new ActiveExpiry(keyspace, stats, settings.expiryPeriodMillis());
            Gateway gateway = new Gateway(keyspace, stats, CommandTable.standard(), new ScanCursors(), settings.password(),
                    settings.maxClients(), settings.addr().getPort(), settings.mode());
            srv = new RedisServer(settings.addr(), new Dispatcher(gateway), stats, settings.maxClients(),
                    settings.idleSeconds(), settings.commandThreads());
            metrics = settings.metricsAddr() == null ? null
                    : new MetricsEndpoint(settings.metricsAddr().getHostString(), settings.metricsAddr().getPort(), stats);
        } catch (Exception | Error e) {
            if (srv != null) {
                srv.close();
            }
            if (sweep != null) {
                sweep.close();
            }
            keyspace.close();
            throw e;
        }
        expiry = sweep;
        server = srv;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public GatewayStats stats() {
        return stats;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        server.close();
        expiry.close();
        keyspace.close();
    }

    /**
     * How to run it.
     *
     * @param password       {@code --requirepass}, or null
     * @param metricsAddr    where to serve Prometheus text, or null
     * @param idleSeconds    close idle connections after this long; 0 = never
     * @param mode           "embedded" or "cluster"
     */
    public record Settings(InetSocketAddress addr, byte[] password, int maxClients, int idleSeconds, int commandThreads,
                           long expiryPeriodMillis, InetSocketAddress metricsAddr, String mode) {
        public static Settings defaults(InetSocketAddress addr, String mode) {
            return new Settings(addr, null, 10_000, 300, 16, 100, null, mode);
        }

        public Settings withPassword(byte[] p) {
            return new Settings(addr, p, maxClients, idleSeconds, commandThreads, expiryPeriodMillis, metricsAddr, mode);
        }

        public Settings withMaxClients(int n) {
            return new Settings(addr, password, n, idleSeconds, commandThreads, expiryPeriodMillis, metricsAddr, mode);
        }

        public Settings withIdleSeconds(int s) {
            return new Settings(addr, password, maxClients, s, commandThreads, expiryPeriodMillis, metricsAddr, mode);
        }
    }
}
