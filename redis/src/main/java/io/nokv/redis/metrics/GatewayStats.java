package io.nokv.redis.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's counters, shared by INFO and the Prometheus endpoint (the Go original's expvar
 * {@code NoKV.Redis}: commands, errors, connections, per-command counts, plus expired keys).
 */
public final class GatewayStats {
    private final long startedAtMs = System.currentTimeMillis();
    private final LongAdder commands = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong connectionsActive = new AtomicLong();
    private final LongAdder connectionsAccepted = new LongAdder();
    private final LongAdder connectionsRejected = new LongAdder();
    private final LongAdder expiredKeys = new LongAdder();
    private final Map<String, LongAdder> perCommand = new ConcurrentHashMap<>();

    public void command(String name, boolean error) {
        commands.increment();
        perCommand.computeIfAbsent(name, n -> new LongAdder()).increment();
        if (error) {
            errors.increment();
        }
    }

    public void connectionOpened() {
        connectionsAccepted.increment();
        connectionsActive.incrementAndGet();
    }

    public void connectionClosed() {
        connectionsActive.decrementAndGet();
    }

    public void connectionRejected() {
        connectionsRejected.increment();
    }

    public void expired(long n) {
        expiredKeys.add(n);
    }

    public long startedAtMs() {
        return startedAtMs;
    }

    public long commands() {
        return commands.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public long connectionsActive() {
        return connectionsActive.get();
    }

    public long connectionsAccepted() {
        return connectionsAccepted.sum();
    }

    public long connectionsRejected() {
        return connectionsRejected.sum();
    }

    public long expiredKeys() {
        return expiredKeys.sum();
    }

    /** Commands handled so far, by lower-case name. */
    public Map<String, Long> perCommand() {
        Map<String, Long> out = new java.util.TreeMap<>();
        perCommand.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
