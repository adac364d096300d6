package io.nokv.redis;

import io.nokv.redis.store.EmbeddedStore;
import redis.clients.jedis.Jedis;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** A gateway over a fresh embedded store in a temp directory, on a free loopback port. */
final class EmbeddedGateway {
    private EmbeddedGateway() {
    }

    static RedisGateway start(Path dir) throws Exception {
        return start(dir, RedisGateway.Settings.defaults(new InetSocketAddress("127.0.0.1", 0), "embedded"));
    }

    /** A Jedis connection with a generous read timeout: the test machine is shared and often loaded. */
    static Jedis client(RedisGateway gateway) {
        return new Jedis("127.0.0.1", gateway.address().getPort(), 60_000);
    }

    static RedisGateway start(Path dir, RedisGateway.Settings settings) throws Exception {
        return new RedisGateway(new EmbeddedStore(dir), settings);
    }
}
