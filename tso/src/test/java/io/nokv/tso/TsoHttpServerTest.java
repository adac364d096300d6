package io.nokv.tso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TsoHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    TsoHttpServer server;
    String base;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        server = TsoHttpServer.start(new InetSocketAddress("127.0.0.1", 0), new TimestampOracle(dir, 100, 50));
        base = "http://127.0.0.1:" + server.localAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void handsOutBatchesWithTheFirstTimestampAndCount() throws Exception {
        HttpResponse<String> r = get("/tso");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        JsonNode first = JSON.readTree(r.body());
        assertEquals(100, first.get("timestamp").asLong());
        assertEquals(1, first.get("count").asInt());

        JsonNode batch = JSON.readTree(get("/tso?batch=100").body());
        assertEquals(101, batch.get("timestamp").asLong());
        assertEquals(100, batch.get("count").asInt());
        assertEquals(201, JSON.readTree(get("/tso").body()).get("timestamp").asLong());
    }

    @Test
    void badBatchValuesGet400WithAJsonErrorAndTheServerKeepsServing() throws Exception {
        for (String bad : List.of("0", "-5", "abc", "", "1.5", "99999999999", Integer.toString(TimestampOracle.MAX_BATCH + 1))) {
            HttpResponse<String> r = get("/tso?batch=" + bad);
            assertEquals(400, r.statusCode(), "batch=" + bad);
            assertTrue(JSON.readTree(r.body()).get("error").asText().contains("batch"), r.body());
        }
        assertEquals(100, JSON.readTree(get("/tso").body()).get("timestamp").asLong(), "rejected requests consumed nothing");
    }

    @Test
    void healthUnknownPathsAndMethods() throws Exception {
        HttpResponse<String> h = get("/healthz");
        assertEquals(200, h.statusCode());
        assertEquals("ok\n", h.body());
        HttpResponse<String> missing = get("/nope");
        assertEquals(404, missing.statusCode());
        assertTrue(JSON.readTree(missing.body()).has("error"));
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/tso"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void keepAliveConnectionServesManyRequests() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            OutputStream out = s.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            long previous = 0;
            for (int i = 0; i < 3; i++) {
                out.write("GET /tso?batch=2 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 200 OK", in.readLine());
                int length = -1;
                for (String line; !(line = in.readLine()).isEmpty(); ) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                char[] body = new char[length];
                int read = 0;
                while (read < length) {
                    read += in.read(body, read, length - read);
                }
                long ts = JSON.readTree(new String(body)).get("timestamp").asLong();
                assertTrue(ts > previous);
                previous = ts;
            }
        }
    }

    @Test
    void garbageOnTheSocketDoesNotHurtTheServer() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.localAddress().getPort())) {
            byte[] junk = new byte[64 * 1024];
            new java.util.Random(7).nextBytes(junk);
            try {
                s.getOutputStream().write(junk);
                s.getOutputStream().flush();
                s.getInputStream().read(new byte[1024]);
            } catch (java.io.IOException expected) {
                // The server may reset the connection: that is the right answer to garbage.
            }
        }
        assertEquals(200, get("/tso").statusCode());
    }

    @Test
    void concurrentClientsGetDisjointGaplessRanges() throws Exception {
        int clients = 8;
        int requests = 200;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<List<long[]>>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<long[]> ranges = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    int n = 1 + (i % 7);
                    JsonNode body = JSON.readTree(own.send(HttpRequest.newBuilder(URI.create(base + "/tso?batch=" + n)).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    assertEquals(n, body.get("count").asInt());
                    ranges.add(new long[] {body.get("timestamp").asLong(), n});
                }
                return ranges;
            }));
        }
        TreeSet<Long> seen = new TreeSet<>();
        long total = 0;
        for (Future<List<long[]>> f : results) {
            for (long[] r : f.get()) {
                for (long t = r[0]; t < r[0] + r[1]; t++) {
                    assertTrue(seen.add(t), "timestamp " + t + " handed out twice");
                }
                total += r[1];
            }
        }
        pool.shutdown();
        assertEquals(total, seen.size());
        assertEquals(100, seen.first());
        assertEquals(100 + total - 1, seen.last(), "one oracle, no restarts: the ranges tile the space with no holes");
    }
}
