package io.nokv.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command of the gateway, through a real client library (Jedis) over a real socket, embedded mode. */
class EmbeddedCommandsTest {
    @TempDir
    static Path dir;
    static RedisGateway gateway;
    Jedis jedis;

    @BeforeAll
    static void start() throws Exception {
        gateway = EmbeddedGateway.start(dir);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void connect() {
        jedis = EmbeddedGateway.client(gateway);
        jedis.flushDB();
    }

    static String error(Runnable r) {
        return assertThrows(JedisDataException.class, r::run).getMessage();
    }

    @Test
    void connectionCommands() {
        assertEquals("PONG", jedis.ping());
        assertEquals("hi", jedis.ping("hi"));
        assertEquals("x y", jedis.echo("x y"));
        assertEquals("OK", jedis.select(0));
        assertEquals("ERR DB index is out of range", error(() -> jedis.select(1)));
        assertTrue(jedis.clientId() > 0);
        assertNull(jedis.clientGetname());
        assertEquals("OK", jedis.clientSetname("worker-1"));
        assertEquals("worker-1", jedis.clientGetname());
        assertEquals("ERR AUTH <password> called without any password configured for the default user. "
                + "Are you sure your configuration is correct?", error(() -> jedis.auth("secret")));
        assertTrue(jedis.info("server").contains("redis_version:"));
        assertTrue(jedis.info().contains("# Keyspace"));
        assertTrue(jedis.commandCount() >= 45, "COMMAND COUNT counts the table");
        assertEquals("ERR unknown command 'NOSUCH', with args beginning with: 'a' ",
                error(() -> jedis.sendCommand(() -> "NOSUCH".getBytes(StandardCharsets.UTF_8), "a")));
    }

    @Test
    void setAndItsOptions() {
        assertEquals("OK", jedis.set("k", "v"));
        assertEquals("v", jedis.get("k"));
        assertNull(jedis.set("k", "w", SetParams.setParams().nx()));
        assertEquals("OK", jedis.set("k", "w", SetParams.setParams().xx()));
        assertNull(jedis.set("absent", "w", SetParams.setParams().xx()));
        assertEquals("w", jedis.setGet("k", "z"));
        assertNull(jedis.setGet("fresh", "1"));
        assertEquals("OK", jedis.set("t", "1", SetParams.setParams().ex(100)));
        assertTrue(jedis.ttl("t") > 90);
        assertEquals("OK", jedis.set("t", "2", SetParams.setParams().keepTtl()));
        assertTrue(jedis.pttl("t") > 90_000);
        assertEquals("OK", jedis.set("t", "3"));
        assertEquals(-1, jedis.ttl("t"));
        assertEquals("OK", jedis.set("t", "4", SetParams.setParams().pxAt(System.currentTimeMillis() + 100_000)));
        assertTrue(jedis.pttl("t") > 90_000);
        assertEquals("OK", jedis.set("t", "5", SetParams.setParams().exAt(1)));
        assertNull(jedis.get("t"), "an EXAT in the past deletes the key");
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "NX", "XX")));
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "1", "PX", "1")));
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "KEEPTTL", "EX", "1")));
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "BOGUS")));
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "x")));
        assertEquals("ERR invalid expire time in 'set' command", error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "0")));
        assertEquals("ERR invalid expire time in 'set' command",
                error(() -> jedis.sendCommand(Protocol.Command.SET, "k", "v", "EX", "9223372036854775807")));
        assertEquals("ERR wrong number of arguments for 'set' command", error(() -> jedis.sendCommand(Protocol.Command.SET, "k")));
    }

    @Test
    void stringCommands() {
        assertEquals(1, jedis.setnx("n", "1"));
        assertEquals(0, jedis.setnx("n", "2"));
        assertEquals("OK", jedis.setex("e", 100, "v"));
        assertTrue(jedis.ttl("e") > 90);
        assertEquals("OK", jedis.psetex("p", 100_000, "v"));
        assertTrue(jedis.pttl("p") > 90_000);
        assertEquals("ERR invalid expire time in 'setex' command", error(() -> jedis.setex("e", -1, "v")));
        assertEquals("1", jedis.getSet("n", "3"));
        assertEquals("3", jedis.getDel("n"));
        assertNull(jedis.getDel("n"));
        jedis.set("g", "v");
        assertEquals("v", jedis.getEx("g", GetExParams.getExParams().ex(100)));
        assertTrue(jedis.ttl("g") > 90);
        assertEquals("v", jedis.getEx("g", GetExParams.getExParams().persist()));
        assertEquals(-1, jedis.ttl("g"));
        assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Protocol.Command.GETEX, "g", "EX")));
        assertEquals("OK", jedis.mset("a", "1", "b", "2"));
        assertEquals(Arrays.asList("1", "2", null), jedis.mget("a", "b", "c"));
        assertEquals("ERR wrong number of arguments for 'mset' command", error(() -> jedis.sendCommand(Protocol.Command.MSET, "a", "1", "b")));
        assertEquals(0, jedis.msetnx("c", "3", "a", "9"));
        assertNull(jedis.get("c"), "MSETNX writes nothing when one key exists");
        assertEquals(1, jedis.msetnx("c", "3", "d", "4"));
        assertEquals(5, jedis.append("s", "hello"));
        assertEquals(11, jedis.append("s", " world"));
        assertEquals(11, jedis.strlen("s"));
        assertEquals(0, jedis.strlen("none"));
        assertEquals("hello", jedis.getrange("s", 0, 4));
        assertEquals("world", jedis.getrange("s", -5, -1));
        assertEquals("", jedis.getrange("s", 5, 2));
        assertEquals("hello world", jedis.getrange("s", 0, 100));
        assertEquals(11, jedis.setrange("s", 6, "WORLD"));
        assertEquals("hello WORLD", jedis.get("s"));
        assertEquals(7, jedis.setrange("pad", 2, "abcde"));
        assertArrayEquals(new byte[] {0, 0, 'a', 'b', 'c', 'd', 'e'}, jedis.get("pad".getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, jedis.setrange("absent", 0, ""));
        assertEquals(0, jedis.exists("absent") ? 1 : 0);
        assertEquals("ERR offset is out of range", error(() -> jedis.setrange("s", -1, "x")));
        assertEquals("ERR string exceeds maximum allowed size (proto-max-bulk-len)", error(() -> jedis.setrange("s", 536870912, "x")));
    }

    @Test
    void counters() {
        assertEquals(1, jedis.incr("c"));
        assertEquals(11, jedis.incrBy("c", 10));
        assertEquals(10, jedis.decr("c"));
        assertEquals(-5, jedis.decrBy("c", 15));
        jedis.set("c", "9223372036854775806");
        assertEquals(Long.MAX_VALUE, jedis.incr("c"));
        assertEquals("ERR increment or decrement would overflow", error(() -> jedis.incr("c")));
        jedis.set("c", "abc");
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.incr("c")));
        jedis.set("c", " 1");
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.incr("c")));
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.sendCommand(Protocol.Command.INCRBY, "c", "1.5")));
        assertEquals("ERR decrement would overflow",
                error(() -> jedis.sendCommand(Protocol.Command.DECRBY, "z", "-9223372036854775808")));
        jedis.set("f", "10.5");
        assertEquals(10.6, jedis.incrByFloat("f", 0.1), 1e-12);
        assertEquals("10.6", jedis.get("f"));
        assertEquals("5010.6", new String((byte[]) jedis.sendCommand(Protocol.Command.INCRBYFLOAT, "f", "5.0e3"),
                StandardCharsets.UTF_8));
        assertEquals("ERR value is not a valid float", error(() -> jedis.sendCommand(Protocol.Command.INCRBYFLOAT, "f", "x")));
        jedis.set("t", "1", SetParams.setParams().ex(100));
        jedis.incr("t");
        assertTrue(jedis.ttl("t") > 90, "INCR keeps the TTL");
    }

    @Test
    void keyCommands() {
        jedis.mset("a", "1", "b", "2", "c", "3", "user:1", "x", "user:2", "y");
        assertEquals(2, jedis.del("a", "b", "a", "nope"));
        assertEquals(1, jedis.unlink("c"));
        assertEquals(3, jedis.exists("user:1", "user:1", "user:2"));
        assertEquals("string", jedis.type("user:1"));
        assertEquals("none", jedis.type("a"));
        assertEquals(new TreeSet<>(List.of("user:1", "user:2")), new TreeSet<>(jedis.keys("user:*")));
        assertEquals(Set.of("user:1"), jedis.keys("user:[1]"));
        assertEquals(Set.of("user:2"), jedis.keys("*2"));
        assertEquals(2, jedis.dbSize());

        for (int i = 0; i < 95; i++) {
            jedis.set("scan:" + i, "v");
        }
        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        int calls = 0;
        do {
            ScanResult<String> r = jedis.scan(cursor, new ScanParams().match("scan:*").count(20));
            seen.addAll(r.getResult());
            cursor = r.getCursor();
            calls++;
        } while (!cursor.equals("0"));
        assertEquals(95, seen.size());
        assertTrue(calls > 3, "SCAN returned pages");
        assertEquals("ERR invalid cursor", error(() -> jedis.scan("123456789")));

        assertEquals("OK", jedis.rename("user:1", "user:9"));
        assertEquals("x", jedis.get("user:9"));
        assertNull(jedis.get("user:1"));
        assertEquals("ERR no such key", error(() -> jedis.rename("user:1", "q")));
        assertEquals(0, jedis.renamenx("user:9", "user:2"));
        assertEquals(1, jedis.renamenx("user:9", "user:3"));
        jedis.setex("ttl-src", 100, "v");
        jedis.rename("ttl-src", "ttl-dst");
        assertTrue(jedis.ttl("ttl-dst") > 90, "RENAME moves the TTL");
    }

    @Test
    void expiryCommands() {
        jedis.set("k", "v");
        assertEquals(-1, jedis.ttl("k"));
        assertEquals(-2, jedis.ttl("absent"));
        assertEquals(1, jedis.expire("k", 100));
        assertTrue(jedis.ttl("k") > 90);
        assertEquals(1, jedis.pexpire("k", 200_000));
        assertTrue(jedis.pttl("k") > 190_000);
        assertEquals(1, jedis.expireAt("k", System.currentTimeMillis() / 1000 + 300));
        assertEquals(1, jedis.pexpireAt("k", System.currentTimeMillis() + 400_000));
        assertEquals(0, (long) (Long) jedis.sendCommand(Protocol.Command.EXPIRE, "k", "10", "GT"));
        assertEquals(1, (long) (Long) jedis.sendCommand(Protocol.Command.EXPIRE, "k", "10", "LT"));
        assertEquals(0, (long) (Long) jedis.sendCommand(Protocol.Command.EXPIRE, "k", "10", "NX"));
        assertEquals("ERR NX and XX, GT or LT options at the same time are not compatible",
                error(() -> jedis.sendCommand(Protocol.Command.EXPIRE, "k", "10", "NX", "XX")));
        assertEquals(1, jedis.persist("k"));
        assertEquals(0, jedis.persist("k"));
        assertEquals(0, jedis.expire("absent", 10));
        assertEquals(1, jedis.expire("k", -1));
        assertEquals(0, jedis.exists("k") ? 1 : 0);
        assertEquals("ERR value is not an integer or out of range", error(() -> jedis.sendCommand(Protocol.Command.EXPIRE, "k", "ten")));
    }

    @Test
    void keysAndValuesAreBinarySafe() {
        byte[] key = {0, (byte) 0xFF, '\r', '\n', ' ', 'k'};
        byte[] value = new byte[70_000];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        assertEquals("OK", jedis.set(key, value));
        assertArrayEquals(value, jedis.get(key));
        List<byte[]> keys = new ArrayList<>(jedis.keys("*".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, keys.size());
        assertArrayEquals(key, keys.get(0));
        assertEquals("OK", jedis.set(new byte[0], "empty key".getBytes(StandardCharsets.UTF_8)));
        assertEquals("empty key", jedis.get(""));
    }

    @Test
    void flushEmptiesTheKeyspace() {
        for (int i = 0; i < 2500; i++) {
            jedis.set("f" + i, "v");
        }
        assertEquals(2500, jedis.dbSize());
        assertEquals("OK", jedis.flushAll());
        assertEquals(0, jedis.dbSize());
    }
}
