package io.nokv.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** --requirepass (AUTH, HELLO AUTH), HELLO's protocol check and --idle-timeout, on real sockets. */
class GatewaySettingsTest {
    static RedisGateway.Settings settings() {
        return RedisGateway.Settings.defaults(new InetSocketAddress("127.0.0.1", 0), "embedded");
    }

    @Test
    void requirePassDemandsAuth(@TempDir Path dir) throws Exception {
        try (RedisGateway g = EmbeddedGateway.start(dir, settings().withPassword("s3cret".getBytes(StandardCharsets.UTF_8)));
             Jedis j = EmbeddedGateway.client(g)) {
            assertEquals("NOAUTH Authentication required.", assertThrows(JedisDataException.class, () -> j.get("k")).getMessage());
            assertEquals("WRONGPASS invalid username-password pair or user is disabled.",
                    assertThrows(JedisDataException.class, () -> j.auth("wrong")).getMessage());
            assertEquals("OK", j.auth("s3cret"));
            assertEquals("OK", j.set("k", "v"));
            try (Jedis other = EmbeddedGateway.client(g)) {
                assertEquals("OK", other.auth("default", "s3cret"));
                assertEquals("v", other.get("k"));
            }
        }
    }

    @Test
    void helloSpeaksOnlyResp2(@TempDir Path dir) throws Exception {
        try (RedisGateway g = EmbeddedGateway.start(dir); Jedis j = EmbeddedGateway.client(g)) {
            assertEquals("NOPROTO unsupported protocol version",
                    assertThrows(JedisDataException.class, () -> j.sendCommand(Protocol.Command.HELLO, "3")).getMessage());
            Object reply = j.sendCommand(Protocol.Command.HELLO, "2");
            assertEquals(14, ((java.util.List<?>) reply).size());
        }
    }

    @Test
    void idleConnectionsAreClosed(@TempDir Path dir) throws Exception {
        try (RedisGateway g = EmbeddedGateway.start(dir, settings().withIdleSeconds(1));
             Socket s = new Socket("127.0.0.1", g.address().getPort())) {
            s.setSoTimeout(60_000); // bounds a broken test; the server closes after about a second
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all); // returns when the server closes the idle connection
            assertEquals("+PONG\r\n", all.toString(StandardCharsets.US_ASCII));
        }
    }
}
