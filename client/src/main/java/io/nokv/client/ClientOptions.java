package io.nokv.client;

import java.time.Duration;

/**
 * Client tuning. {@code maxRetries}: how many times one request is re-sent after a region error or
 * an unreachable store (the config's {@code max_retries}); {@code backoff}: the first pause between
 * retries, doubled each time up to one second; {@code lockTtl}: how long a crashed writer's locks
 * block readers before they may roll it back; {@code lockWait}: how long a read waits for a live
 * lock to go away before giving up.
 */
public record ClientOptions(int maxRetries, Duration rpcTimeout, Duration backoff, Duration lockTtl, Duration lockWait) {
    public static final int DEFAULT_MAX_RETRIES = 5;

    public ClientOptions {
        if (maxRetries <= 0) {
            maxRetries = DEFAULT_MAX_RETRIES;
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(DEFAULT_MAX_RETRIES, Duration.ofSeconds(15), Duration.ofMillis(50),
                Duration.ofSeconds(3), Duration.ofSeconds(20));
    }

    public ClientOptions withMaxRetries(int n) {
        return new ClientOptions(n, rpcTimeout, backoff, lockTtl, lockWait);
    }

    public ClientOptions withLockTtl(Duration ttl) {
        return new ClientOptions(maxRetries, rpcTimeout, backoff, ttl, lockWait);
    }

    public ClientOptions withLockWait(Duration wait) {
        return new ClientOptions(maxRetries, rpcTimeout, backoff, lockTtl, wait);
    }

    public ClientOptions withRpcTimeout(Duration timeout) {
        return new ClientOptions(maxRetries, timeout, backoff, lockTtl, lockWait);
    }
}
