package io.nokv.tso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Client of {@code nokv-tso}. {@link #next()} hands out timestamps from a locally held range and
 * fetches a new range of {@code batchSize} when it runs dry, so most calls never leave the JVM.
 * Timestamps from one client are strictly increasing; across clients they are unique (each range
 * comes from the oracle once). Thread-safe.
 */
public final class TsoClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI tsoUri;
    private final int batchSize;
    private final HttpClient http;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private long nextLocal;
    private long endLocal;

    /**
     * @param baseUrl   e.g. {@code http://127.0.0.1:9494} (a trailing {@code /tso} is accepted too)
     * @param batchSize timestamps fetched per request, 1..{@link TimestampOracle#MAX_BATCH}
     */
    public TsoClient(String baseUrl, int batchSize) {
        if (batchSize < 1 || batchSize > TimestampOracle.MAX_BATCH) {
            throw new IllegalArgumentException("batchSize must be between 1 and " + TimestampOracle.MAX_BATCH + ", got " + batchSize);
        }
        String base = baseUrl.strip();
        if (!base.contains("://")) {
            base = "http://" + base;
        }
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.endsWith("/tso")) {
            base = base.substring(0, base.length() - 4);
        }
        this.tsoUri = URI.create(base + "/tso");
        this.batchSize = batchSize;
        this.timeout = Duration.ofSeconds(5);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    public TsoClient(String baseUrl) {
        this(baseUrl, 1000);
    }

    /** One timestamp, greater than every one this client returned before. */
    public long next() {
        lock.lock();
        try {
            if (nextLocal == endLocal) {
                TimestampRange r = fetch(batchSize);
                nextLocal = r.first();
                endLocal = r.first() + r.count();
            }
            return nextLocal++;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the oracle directly for {@code count} consecutive timestamps (bypasses the local range). */
    public TimestampRange fetch(int count) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(tsoUri + "?batch=" + count))
                .timeout(timeout)
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new TsoException("TSO at " + tsoUri + " unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TsoException("interrupted while asking the TSO at " + tsoUri, e);
        }
        try {
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200) {
                String why = body != null && body.hasNonNull("error") ? body.get("error").asText() : "HTTP " + response.statusCode();
                throw new TsoException("TSO at " + tsoUri + " refused batch=" + count + ": " + why);
            }
            if (body == null || !body.path("timestamp").canConvertToLong() || !body.path("count").canConvertToInt()
                    || body.get("count").asInt() != count || body.get("timestamp").asLong() < 1) {
                throw new TsoException("TSO at " + tsoUri + " answered an unusable range: "
                        + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return new TimestampRange(body.get("timestamp").asLong(), count);
        } catch (IOException e) {
            throw new TsoException("TSO at " + tsoUri + " answered something that is not a timestamp reply: "
                    + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8), e);
        }
    }

    public URI uri() {
        return tsoUri;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient has no close() before Java 21; its connections die with it.
    }
}
