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
 * Client of {@code nokv-tso}.
 *
 * <p>{@link #next()} is what transactions need: the timestamp it returns was allocated by the
 * oracle after the call began, so it is greater than every timestamp any client obtained before
 * (a start timestamp taken after a commit finished is above that commit). Concurrent callers are
 * coalesced: while one request is on the wire, the callers that arrive wait and share the next
 * request ({@code batch=N}), so many threads cost one round trip each, not N.
 *
 * <p>{@link #nextUnique()} hands out timestamps from a range held in the client and fetches
 * {@code batchSize} more when it runs dry. Those are unique across clients and increasing per
 * client, but a cached one can be older than a timestamp another client already saw: use them
 * for identifiers, never for transaction start or commit timestamps. Thread-safe.
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

    /** Callers waiting for one coalesced request; {@code count} is final once it is sent. */
    private static final class Waiters {
        int count;
        long first;
        TsoException failure;
        boolean done;
    }

    private final Object coalesce = new Object();
    private Waiters collecting;
    private boolean requestInFlight;

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

    /** A timestamp allocated after this call began: above every timestamp handed out before it. */
    public long next() {
        Waiters mine;
        int index;
        boolean send;
        synchronized (coalesce) {
            if (collecting == null) {
                collecting = new Waiters();
            }
            mine = collecting;
            index = mine.count++;
            send = !requestInFlight;
            if (send) {
                requestInFlight = true;
                collecting = null;
            }
        }
        if (send) {
            sendUntilNoneWaiting(mine);
        }
        synchronized (coalesce) {
            while (!mine.done) {
                try {
                    coalesce.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TsoException("interrupted while waiting for the TSO at " + tsoUri, e);
                }
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.first + index;
    }

    /** Sends one request for {@code batch}, then for whoever gathered meanwhile, until nobody waits. */
    private void sendUntilNoneWaiting(Waiters batch) {
        while (batch != null) {
            long first = 0;
            TsoException failure = null;
            try {
                first = fetch(Math.min(batch.count, TimestampOracle.MAX_BATCH)).first();
            } catch (TsoException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new TsoException("TSO request to " + tsoUri + " failed: " + e, e);
            }
            synchronized (coalesce) {
                batch.first = first;
                batch.failure = failure;
                batch.done = true;
                batch = collecting;
                collecting = null;
                if (batch == null) {
                    requestInFlight = false;
                }
                coalesce.notifyAll();
            }
        }
    }

    /**
     * A timestamp from a locally held range: unique across clients, increasing per client, but
     * possibly older than one another client already obtained (see the class comment).
     */
    public long nextUnique() {
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
