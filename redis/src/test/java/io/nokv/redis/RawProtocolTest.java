package io.nokv.redis;

import io.nokv.testkit.Poll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RESP edge cases with raw bytes on a socket: framing, limits, garbage, pipelines, disconnects. */
class RawProtocolTest {
    @TempDir
    static Path dir;
    static RedisGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = EmbeddedGateway.start(dir, RedisGateway.Settings.defaults(new InetSocketAddress("127.0.0.1", 0), "embedded")
                .withMaxClients(40));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** A raw connection: write bytes, read what comes back until the server closes or {@code expected} bytes arrived. */
    static final class Raw implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Raw() throws IOException {
            socket = new Socket("127.0.0.1", gateway.address().getPort());
            socket.setSoTimeout(60_000); // a bound on a broken test, not a timing assertion
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        Raw send(String s) throws IOException {
            out.write(s.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        String read(int bytes) throws IOException {
            byte[] b = in.readNBytes(bytes);
            return new String(b, StandardCharsets.ISO_8859_1);
        }

        /** Everything until the server closes the connection. */
        String readToEnd() throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static void serverStillAnswers() {
        try (Jedis j = EmbeddedGateway.client(gateway)) {
            assertEquals("PONG", j.ping());
        }
    }

    @Test
    void errorsKeepTheConnectionOpen() throws IOException {
        try (Raw r = new Raw()) {
            String arity = "-ERR wrong number of arguments for 'get' command\r\n";
            String unknown = "-ERR unknown command 'hello!', with args beginning with: 'x' \r\n";
            String notInt = "-ERR value is not an integer or out of range\r\n";
            r.send("*1\r\n$3\r\nGET\r\n*2\r\n$6\r\nhello!\r\n$1\r\nx\r\n*3\r\n$6\r\nINCRBY\r\n$1\r\nk\r\n$3\r\none\r\n*1\r\n$4\r\nPING\r\n");
            assertEquals(arity + unknown + notInt + "+PONG\r\n", r.read(arity.length() + unknown.length() + notInt.length() + 7));
        }
    }

    @Test
    void inlineCommands() throws IOException {
        try (Raw r = new Raw()) {
            r.send("SET inline \"a b\\x41\"\r\nGET inline\r\nPING\r\n\r\nECHO 'it''s'\r\n");
            String expected = "+OK\r\n$4\r\na bA\r\n+PONG\r\n";
            assertEquals(expected, r.read(expected.length()));
            assertEquals("-ERR Protocol error: unbalanced quotes in request\r\n", r.readToEnd());
        }
        serverStillAnswers();
    }

    @Test
    void pipelineOfManyCommandsGetsEveryReplyInOrder() throws IOException {
        StringBuilder sb = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 2000; i++) {
            sb.append("*2\r\n$4\r\nINCR\r\n$4\r\npipe\r\n");
            expected.append(':').append(i).append("\r\n");
        }
        try (Raw r = new Raw()) {
            r.send(sb.toString());
            assertEquals(expected.toString(), r.read(expected.length()));
        }
    }

    @Test
    void hugeBulkIsAProtocolErrorThatClosesOnlyThatConnection() throws IOException {
        try (Raw bystander = new Raw(); Raw r = new Raw()) {
            r.send("*2\r\n$3\r\nGET\r\n$536870913\r\n");
            assertEquals("-ERR Protocol error: invalid bulk length\r\n", r.readToEnd());
            bystander.send("PING\r\n");
            assertEquals("+PONG\r\n", bystander.read(7));
        }
    }

    @Test
    void hugeArrayIsAProtocolError() throws IOException {
        try (Raw r = new Raw()) {
            r.send("*1000001\r\n");
            assertEquals("-ERR Protocol error: invalid multibulk length\r\n", r.readToEnd());
        }
        serverStillAnswers();
    }

    @Test
    void garbageIsAProtocolError() throws IOException {
        try (Raw r = new Raw()) {
            r.send("*2\r\n$3\r\nGET\r\n$abc\r\n");
            String reply = r.readToEnd();
            assertTrue(reply.startsWith("-ERR Protocol error: "), reply);
        }
        try (Raw r = new Raw()) {
            r.send("*2\r\n:1\r\n:2\r\n");
            assertEquals("-ERR Protocol error: expected '$', got ':'\r\n", r.readToEnd());
        }
        try (Raw r = new Raw()) {
            byte[] junk = new byte[4096];
            new java.util.Random(7).nextBytes(junk);
            junk[0] = '*';
            r.out.write(junk);
            r.out.flush();
            String reply = r.readToEnd();
            assertTrue(reply.startsWith("-ERR Protocol error: "), reply);
        }
        serverStillAnswers();
    }

    @Test
    void clientThatDisconnectsMidPipelineDoesNotHurtTheServer() throws IOException {
        try (Raw r = new Raw()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                sb.append("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$").append(String.valueOf(i).length()).append("\r\n").append(i).append("\r\n");
            }
            sb.append("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\n12345"); // cut inside a bulk
            r.send(sb.toString());
            r.socket.setSoLinger(true, 0); // RST: the rudest way to leave
        }
        serverStillAnswers();
        try (Jedis j = EmbeddedGateway.client(gateway)) {
            String v = j.get("half");
            assertTrue(v == null || Integer.parseInt(v) < 500, "the cut command was never executed: " + v);
        }
    }

    @Test
    void quitRepliesThenCloses() throws IOException {
        try (Raw r = new Raw()) {
            r.send("QUIT\r\nPING\r\n");
            assertEquals("+OK\r\n", r.readToEnd());
        }
    }

    @Test
    void maxClientsRefusesTheExtraConnection() throws Exception {
        java.util.List<Raw> held = new java.util.ArrayList<>();
        try {
            // the other tests' connections are closed; fill up to the limit of 40
            Poll.until("slots to free", java.time.Duration.ofSeconds(30), () -> gatewayConnections() == 0);
            for (int i = 0; i < 40; i++) {
                Raw r = new Raw();
                r.send("PING\r\n");
                assertEquals("+PONG\r\n", r.read(7));
                held.add(r);
            }
            try (Raw extra = new Raw()) {
                assertEquals("-ERR max number of clients reached\r\n", extra.readToEnd());
            }
        } finally {
            for (Raw r : held) {
                r.close();
            }
        }
        Poll.until("slots to free", java.time.Duration.ofSeconds(30), () -> gatewayConnections() == 0);
        serverStillAnswers();
    }

    static long gatewayConnections() {
        return gateway.stats().connectionsActive();
    }
}
